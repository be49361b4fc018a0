// The public types say what each build returns: the tracker-only build's client has no cart, handoff,
// forms or widget, and its type says so; the error codes are the documented ones. Each case is a real
// file type-checked by the TypeScript compiler (the same one `npm run typecheck` runs).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { typeCases } from './type-cases.ts';

const { file, errorsOf } = typeCases('public-types');

const PARTS = ['cart', 'handoff', 'forms', 'widget'];

describe('public types', () => {
  const full = file(
    'full',
    `import { createOmnikit, type ErrorCode, type Omnikit, type OmnikitTracker } from 'omnikit';
const client: Omnikit = createOmnikit({ writeKey: 'k', widget: { title: 'Ask us' } });
client.cart.items();
void client.handoff.create();
client.forms.watch('#quote');
client.widget.open();
createOmnikit({ writeKey: 'k', widget: true });
// Every client is a tracker too.
const tracker: OmnikitTracker = client;
tracker.track('Signed Up');
const codes: ErrorCode[] = ['value_too_large', 'queue_overflow', 'backend_unavailable', 'delivery_rejected'];
void codes;
`,
  );
  it('the full client has the cart, handoff, forms and widget, and is an OmnikitTracker', () => {
    assert.deepEqual(errorsOf(full), []);
  });

  const tracker = file(
    'tracker',
    `import { createOmnikit } from 'omnikit/script/tracker';
const tracker = createOmnikit({ writeKey: 'k' });
tracker.track('Signed Up');
tracker.identify('user-1');
${PARTS.map((part) => `tracker.${part};`).join('\n')}
`,
  );
  it('the tracker-only build returns an OmnikitTracker: no cart, handoff, forms or widget', () => {
    const errors = errorsOf(tracker);
    assert.equal(errors.length, PARTS.length, errors.join('\n'));
    for (const [index, part] of PARTS.entries()) {
      assert.match(
        errors[index],
        new RegExp(`TS2339: Property '${part}' does not exist on type 'OmnikitTracker'`),
      );
    }
  });

  const denied = file(
    'denied',
    `import type { ErrorCode } from 'omnikit';
const code: ErrorCode = 'consent_denied';
void code;
`,
  );
  it('has no consent_denied code: a call after consent.deny() is the choice at work, not an error', () => {
    const errors = errorsOf(denied);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /TS2322: Type '"consent_denied"' is not assignable to type 'ErrorCode'/);
  });

  const widget = file(
    'widget',
    `import { createOmnikit } from 'omnikit';
createOmnikit({ writeKey: 'k', widget: { title: 'Ask us', colour: 'red' } });
`,
  );
  it('widget options go in widget: {…}, checked as the widget config', () => {
    const errors = errorsOf(widget);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /'colour' does not exist in type 'WidgetConfig'/);
  });
});

// The public types say what each build returns: the tracker-only build's client has no cart, handoff,
// forms or widget, and its type says so; the error codes are the documented ones. Each case is a real
// file type-checked by the TypeScript compiler (the same one `npm run typecheck` runs).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'omnikit-public-types-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const files = new Map<string, string>();
let program: ts.Program | undefined;

/** Adds a case file; all of them are type-checked by one program (one tsc run) at the first `errorsOf`. */
function file(name: string, code: string): string {
  const path = join(dir, `${name}.ts`);
  writeFileSync(path, code);
  files.set(name, path);
  return name;
}

/** The errors of case file `name`, as "TScode: message". */
function errorsOf(name: string): string[] {
  program ??= ts.createProgram([...files.values()], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: [],
    jsx: ts.JsxEmit.ReactJSX,
    jsxImportSource: 'preact',
    paths: { omnikit: [`${root}src/index.ts`], 'omnikit/script/tracker': [`${root}src/script/tracker.ts`] },
  });
  const source = program.getSourceFile(files.get(name)!);
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
    (d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
  );
}

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

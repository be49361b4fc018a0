// Typed tracking plans: with a plan, misusing a planned event fails tsc and the correct use passes.
// Each case is a real file type-checked by the TypeScript compiler (the same one `npm run typecheck` runs).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { root, typeCases } from './type-cases.ts';

const { dir, file, errorsOf } = typeCases('plan-types');

const HEADER = `
import { ecommerce } from '${root}src/plan/ecommerce.ts';
import type { PlannedTrack } from 'omnikit';
declare const omnikit: { track(event: string, properties?: Record<string, unknown>): void };
const track: PlannedTrack<typeof ecommerce> = omnikit.track;
`;

describe('PlannedTrack<typeof plan> (src/plan/typed.ts)', () => {
  const correct = file(
    'correct',
    `${HEADER}
track('Product Added', { product_id: 'p1', price: 3, quantity: 2, any_extra: true });
track('Products Searched');
track('Products Searched', { query: 'shoes' });
track('Order Completed', { order_id: 'o1', currency: 'EUR', products: [{ product_id: 'p1', price: 1 }] });
`,
  );
  it('accepts correct calls: required properties, optional ones, extras, nested arrays', () => {
    assert.deepEqual(errorsOf(correct), []);
  });

  const MISUSES: [label: string, call: string, expected: RegExp][] = [
    [
      'a wrong event name',
      `track('Product Addded', { product_id: 'p' });`,
      /TS2345: Argument of type '"Product Addded"'/,
    ],
    [
      'a missing required property',
      `track('Product Added', { price: 3 });`,
      /TS2345: .*Property 'product_id' is missing/s,
    ],
    [
      'no properties when some are required',
      `track('Order Completed');`,
      /TS2554: Expected 2 arguments, but got 1/,
    ],
    [
      'a mistyped required property',
      `track('Product Added', { product_id: 42 });`,
      /TS2322: Type 'number' is not assignable to type 'string'/,
    ],
    [
      'a mistyped optional property',
      `track('Product Added', { product_id: 'p', price: '3' });`,
      /TS2322: Type 'string' is not assignable to type 'number'/,
    ],
    [
      'a missing property inside an array',
      `track('Order Completed', { order_id: 'o', products: [{ price: 1 }] });`,
      /TS2741: Property 'product_id' is missing/,
    ],
  ];
  for (const [label, call, expected] of MISUSES) {
    const name = file(label.replaceAll(' ', '-'), `${HEADER}\n${call}\n`);
    it(`fails on ${label}`, () => {
      const errors = errorsOf(name);
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0], expected);
    });
  }

  {
    const json = join(dir, 'plan.json');
    writeFileSync(
      json,
      JSON.stringify({
        events: {
          'Plan Chosen': {
            properties: { plan: { type: 'string', enum: ['free', 'pro'] }, seats: { type: 'integer' } },
            required: ['plan'],
            additionalProperties: false,
          },
        },
      }),
    );
    execFileSync(process.execPath, [`${root}bin/omnikit-plan-types.mjs`, json, join(dir, 'plan.ts')]);
    const use = (call: string) =>
      `import type { PlannedTrack } from 'omnikit';\nimport plan from './plan.ts';\ndeclare const track: PlannedTrack<typeof plan>;\n${call}\n`;
    const ok = file('json-ok', use(`track('Plan Chosen', { plan: 'pro', seats: 2 });`));
    const badEnum = file('json-enum', use(`track('Plan Chosen', { plan: 'gold' });`));
    const extra = file('json-extra', use(`track('Plan Chosen', { plan: 'pro', colour: 'red' });`));
    it('types a JSON plan through omnikit-plan-types: enums and closed events', () => {
      assert.deepEqual(errorsOf(ok), []);
      assert.match(
        errorsOf(badEnum).join('\n'),
        /TS2322: Type '"gold"' is not assignable to type '"free" \| "pro"'/,
      );
      assert.match(errorsOf(extra).join('\n'), /TS2353: Object literal may only specify known properties/);
    });
  }
});

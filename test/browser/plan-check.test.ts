// The tracking-plan checker (src/plan/), run in real Chromium: every violation kind, in every mode of
// the track() glue. The same module runs on the server (server/plan/), so both judge alike.
import { expect } from '@open-wc/testing';
import { createCart } from '../../src/cart/cart.ts';
import { mergeGuest } from '../../src/cart/merge.ts';
import { ecommerce } from '../../src/plan/ecommerce.ts';
import { BUILT_IN_PLANS, extendPlan, resolvePlan } from '../../src/plan/extend.ts';
import { checkEvent, createPlanCheck, type PlanMode, type Violation } from '../../src/plan/index.ts';
import type { TrackingPlan } from '../../src/plan/types.ts';
import type { JsonValue } from '../../src/protocol/events.ts';
import type { SyncDoc } from '../../src/sync/types.ts';

const plan = extendPlan(ecommerce, {
  events: {
    'Plan Chosen': {
      properties: {
        plan: { type: 'string', enum: ['free', 'pro'] },
        seats: { type: 'integer', minimum: 1, maximum: 500 },
        coupon_code: { type: 'string', pattern: '^[A-Z0-9]{6}$', maxLength: 6 },
        tags: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
      required: ['plan'],
      additionalProperties: false,
    },
  },
} satisfies TrackingPlan);

const kinds = (violations: Violation[]) => violations.map((v) => [v.kind, v.path]);

/** One case per kind: the call and the violations it must yield. */
const CASES: [label: string, event: string, properties: Record<string, unknown>, expected: string[][]][] = [
  ['unknown_event', 'Plan Renamed', { plan: 'pro' }, [['unknown_event', '']]],
  ['missing_required', 'Product Added', { price: 3 }, [['missing_required', 'product_id']]],
  ['wrong_type', 'Product Added', { product_id: 42 }, [['wrong_type', 'product_id']]],
  ['wrong_type (integer)', 'Plan Chosen', { plan: 'pro', seats: 2.5 }, [['wrong_type', 'seats']]],
  ['bad_enum', 'Plan Chosen', { plan: 'gold' }, [['bad_enum', 'plan']]],
  ['bad_pattern', 'Plan Chosen', { plan: 'pro', coupon_code: 'spring' }, [['bad_pattern', 'coupon_code']]],
  ['out_of_range', 'Plan Chosen', { plan: 'pro', seats: 0 }, [['out_of_range', 'seats']]],
  ['out_of_range (length)', 'Plan Chosen', { plan: 'pro', tags: [''] }, [['out_of_range', 'tags[0]']]],
  ['unknown_property', 'Plan Chosen', { plan: 'pro', colour: 'red' }, [['unknown_property', 'colour']]],
  [
    'naming_event',
    'product added',
    { product_id: 'p' },
    [
      ['naming_event', ''],
      ['unknown_event', ''],
    ],
  ],
  ['naming_property', 'Product Added', { product_id: 'p', cartId: 'c' }, [['naming_property', 'cartId']]],
];

describe('checkEvent (src/plan/check.ts) in Chromium', () => {
  it('passes conforming events, extra properties included unless the event is closed', () => {
    expect(
      checkEvent(plan, 'Product Added', { product_id: 'p1', price: 9.5, quantity: 2, cart_id: 'c' }),
    ).to.deep.equal([]);
    expect(checkEvent(plan, 'Products Searched')).to.deep.equal([]);
    expect(
      checkEvent(plan, 'Plan Chosen', { plan: 'free', seats: 3, coupon_code: 'AB12CD', tags: ['x'] }),
    ).to.deep.equal([]);
    expect(
      checkEvent(plan, 'Product Added to Wishlist', { product_id: 'p' }),
      'Title Case allows "to"',
    ).to.deep.equal([]);
  });

  for (const [label, event, properties, expected] of CASES) {
    it(`reports ${label} with its property path and a message`, () => {
      const violations = checkEvent(plan, event, properties);
      expect(kinds(violations)).to.deep.equal(expected);
      for (const v of violations)
        expect(v.message)
          .to.be.a('string')
          .and.include(v.path || event);
    });
  }

  it('finds violations inside arrays of objects, with the element in the path', () => {
    const violations = checkEvent(plan, 'Order Completed', {
      order_id: 'o1',
      currency: 'eur',
      products: [
        { product_id: 'a', price: 2 },
        { price: -1, Quantity: 1 },
      ],
    });
    expect(kinds(violations)).to.have.deep.members([
      ['naming_property', 'products[1].Quantity'],
      ['bad_pattern', 'currency'],
      ['missing_required', 'products[1].product_id'],
      ['out_of_range', 'products[1].price'],
    ]);
    expect(violations.find((v) => v.kind === 'wrong_type')).to.equal(undefined);
  });

  it('reports null and arrays as their own JSON types', () => {
    expect(kinds(checkEvent(plan, 'Product Added', { product_id: null }))).to.deep.equal([
      ['wrong_type', 'product_id'],
    ]);
    expect(checkEvent(plan, 'Product Added', { product_id: ['p'] })[0].message).to.include('got array');
  });

  it('resolves `extends` to the built-in e-commerce plan, own events winning', () => {
    const resolved = resolvePlan({ extends: ['ecommerce'], events: { 'Product Added': { properties: {} } } });
    expect(Object.keys(resolved.events)).to.include('Order Completed');
    expect(checkEvent(resolved, 'Product Added', {})).to.deep.equal([]);
    expect(() => resolvePlan({ extends: ['nope'], events: {} })).to.throw(/unknown built-in plan "nope"/);
  });
});

describe("the built-in plans and Omnikit's own events", () => {
  /** A document in memory: all the cart and the merge need of one. */
  const memoryDoc = (): SyncDoc => {
    const values = new Map<string, JsonValue>();
    return {
      get: (key) => values.get(key),
      entries: () => [...values],
      status: (key) => (values.has(key) ? 'pending' : undefined),
      set: (key, value) => !!values.set(key, value),
      remove: (key) => void values.delete(key),
      forget: () => values.clear(),
      subscribe: () => () => {},
    };
  };
  const fail = () => expect.fail('no report expected');

  it('plans the events the cart and the guest-cart merge send, with the properties they give them', () => {
    const sent: [string, Record<string, unknown>][] = [];
    const track = (event: string, properties: Record<string, unknown>) => void sent.push([event, properties]);
    const cart = createCart(memoryDoc(), track, fail);
    const mug = cart.add({
      productId: 'mug',
      variantId: 'mug-blue',
      name: 'Mug',
      price: 9.5,
      currency: 'EUR',
    })!;
    cart.add({ productId: 'tea', name: 'Tea', price: 4 });
    cart.update(mug, 3);
    cart.remove(mug);
    cart.view();
    const guest = [{ id: 'tea|', productId: 'tea', name: 'Tea', price: 4, quantity: 2 }];
    mergeGuest(memoryDoc(), [], guest, 'max', track);
    expect(sent.map(([event]) => event)).to.deep.equal([
      'Product Added',
      'Product Added',
      'Product Added',
      'Product Removed',
      'Cart Viewed',
      'Cart Merged',
    ]);
    for (const [event, properties] of sent)
      expect(checkEvent(ecommerce, event, properties), event).to.deep.equal([]);
  });

  it('plans the form events and Checkout Cancelled, in ecommerce and in omnikit alone', () => {
    const forms: [string, Record<string, unknown>][] = [
      ['Form Started', { form_id: 'checkout' }],
      ['Form Submitted', { form_id: 'checkout' }],
      ['Form Abandoned', { form_id: 'checkout' }],
      ['Form Resumed', { form_id: 'checkout', fields: 2, from_anonymous_id: 'a-1' }],
      ['Checkout Cancelled', { checkout_id: 'c-1' }],
      [
        'Cart Restored',
        { products: [{ product_id: 'tee', name: 'Tee', price: 19.9, currency: 'EUR', quantity: 2 }] },
      ],
    ];
    for (const name of ['ecommerce', 'omnikit'])
      for (const [event, properties] of forms)
        expect(checkEvent(BUILT_IN_PLANS[name], event, properties), `${name}: ${event}`).to.deep.equal([]);
    expect(kinds(checkEvent(ecommerce, 'Form Resumed', { form_id: 'f', fields: 0 }))).to.deep.equal([
      ['out_of_range', 'fields'],
    ]);
    expect(kinds(checkEvent(ecommerce, 'Cart Merged', { policy: 'newest', changes: [] }))).to.deep.equal([
      ['bad_enum', 'policy'],
    ]);
  });
});

describe('createPlanCheck (the track() glue) in each mode', () => {
  for (const mode of ['warn', 'flag', 'drop'] as PlanMode[]) {
    for (const [label, event, properties, expected] of CASES) {
      it(`${mode}: ${label}`, () => {
        const reported: [string, Violation[]][] = [];
        const check = createPlanCheck(plan, mode, (e, v) => reported.push([e, v]));
        const verdict = check(event, properties);
        expect(kinds(verdict.violations)).to.deep.equal(expected);
        expect(verdict.drop, 'only drop mode drops').to.equal(mode === 'drop');
        expect(
          reported.map(([e, v]) => [e, kinds(v)]),
          'reported in every mode',
        ).to.deep.equal([[event, expected]]);
      });
    }
    it(`${mode}: a conforming event is sent and not reported`, () => {
      const reported: unknown[] = [];
      const verdict = createPlanCheck(plan, mode, (...a) => reported.push(a))('Product Viewed', {
        product_id: 'p',
      });
      expect(verdict).to.deep.equal({ drop: false, violations: [] });
      expect(reported).to.deep.equal([]);
    });
  }
});

// The events Omnikit sends on its own that Segment's e-commerce spec lacks (the guest-cart merge, form
// drafts, a resume link's cart restored), and the one it asks a site to send (`Checkout Cancelled`, README), as a plan. `ecommerce`
// extends it, so a site on the built-in plan is never told that Omnikit's own events are unplanned.
import type { TrackingPlan } from './types.ts';

const text = { type: 'string' } as const;
const count = { type: 'integer', minimum: 0 } as const;
const form = { properties: { form_id: text }, required: ['form_id'] } as const;

/** Omnikit's own events (src/cart/merge.ts, src/forms/index.ts), with the properties they carry. */
export const omnikit = {
  naming: { events: 'Title Case', properties: 'snake_case' },
  events: {
    'Cart Merged': {
      properties: {
        policy: { type: 'string', enum: ['max', 'sum', 'guest-wins', 'account-wins'] },
        changes: {
          type: 'array',
          items: {
            type: 'object',
            properties: { line_id: text, from: count, to: count },
            required: ['line_id', 'from', 'to'],
          },
        },
      },
      required: ['policy', 'changes'],
    },
    'Form Started': form,
    'Form Submitted': form,
    'Form Abandoned': form,
    'Form Resumed': {
      properties: { form_id: text, fields: { type: 'integer', minimum: 1 }, from_anonymous_id: text },
      required: ['form_id', 'fields'],
    },
    'Checkout Cancelled': { properties: { checkout_id: text, order_id: text, reason: text } },
    // A resume link's lines copied into the cart (src/handoff/resume.ts).
    'Cart Restored': {
      properties: {
        products: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              product_id: text,
              variant: text,
              name: text,
              price: { type: 'number', minimum: 0 },
              currency: text,
              quantity: { type: 'integer', minimum: 1 },
            },
            required: ['product_id'],
          },
        },
      },
      required: ['products'],
    },
  },
} as const satisfies TrackingPlan;

// Segment's E-commerce Events v2 (segment.com/docs/connections/spec/ecommerce/v2/) as a tracking plan,
// on top of Omnikit's own events (omnikit.ts). `as const`, so TypeScript infers each event's properties
// from it (src/plan/typed.ts).
import { omnikit } from './omnikit.ts';
import type { TrackingPlan } from './types.ts';

const text = { type: 'string' } as const;
const money = { type: 'number', minimum: 0 } as const;
const currency = { type: 'string', pattern: '^[A-Z]{3}$' } as const;

/** One product, as Product events send it at the top level and order events in `products[]`. */
const product = {
  product_id: text,
  sku: text,
  category: text,
  name: text,
  brand: text,
  variant: text,
  price: money,
  quantity: { type: 'integer', minimum: 1 },
  coupon: text,
  position: { type: 'integer', minimum: 1 },
  url: text,
  image_url: text,
} as const;
const products = {
  type: 'array',
  items: { type: 'object', properties: product, required: ['product_id'] },
} as const;

const productEvent = {
  properties: { ...product, cart_id: text, currency },
  required: ['product_id'],
} as const;
const list = { properties: { list_id: text, category: text, products } } as const;
const promotion = {
  properties: { promotion_id: text, creative: text, name: text, position: text },
  required: ['promotion_id'],
} as const;
const order = {
  order_id: text,
  checkout_id: text,
  affiliation: text,
  total: money,
  subtotal: money,
  revenue: money,
  shipping: money,
  tax: money,
  discount: money,
  coupon: text,
  currency,
  products,
} as const;
const orderEvent = { properties: order, required: ['order_id'] } as const;
const step = {
  properties: {
    checkout_id: text,
    step: { type: 'integer', minimum: 1 },
    shipping_method: text,
    payment_method: text,
  },
  required: ['step'],
} as const;
const coupon = {
  properties: {
    order_id: text,
    cart_id: text,
    coupon_id: text,
    coupon_name: text,
    discount: money,
    reason: text,
  },
} as const;
const wishlist = {
  properties: { ...product, wishlist_id: text, wishlist_name: text },
  required: ['product_id'],
} as const;
const share = { share_via: text, share_message: text, recipient: text } as const;

/** Segment E-commerce v2 and Omnikit's own events: Title Case event names, snake_case properties. */
export const ecommerce = {
  naming: omnikit.naming,
  events: {
    ...omnikit.events,
    'Products Searched': { properties: { query: text } },
    'Product List Viewed': list,
    'Product List Filtered': {
      properties: {
        ...list.properties,
        filters: { type: 'array', items: { type: 'object', properties: { type: text, value: text } } },
        sorts: { type: 'array', items: { type: 'object', properties: { type: text, value: text } } },
      },
    },
    'Promotion Viewed': promotion,
    'Promotion Clicked': promotion,
    'Product Clicked': productEvent,
    'Product Viewed': productEvent,
    'Product Added': productEvent,
    'Product Removed': productEvent,
    'Cart Viewed': { properties: { cart_id: text, products } },
    'Checkout Started': { properties: order },
    'Checkout Step Viewed': step,
    'Checkout Step Completed': step,
    'Payment Info Entered': step,
    'Order Updated': orderEvent,
    'Order Completed': orderEvent,
    'Order Refunded': orderEvent,
    'Order Cancelled': orderEvent,
    'Coupon Entered': coupon,
    'Coupon Applied': coupon,
    'Coupon Denied': coupon,
    'Coupon Removed': coupon,
    'Product Added to Wishlist': wishlist,
    'Product Removed from Wishlist': wishlist,
    'Wishlist Product Added to Cart': {
      properties: { ...wishlist.properties, cart_id: text },
      required: ['product_id'],
    },
    'Product Shared': { properties: { ...share, ...product }, required: ['product_id'] },
    'Cart Shared': { properties: { ...share, cart_id: text, products } },
    'Product Reviewed': {
      properties: {
        product_id: text,
        review_id: text,
        review_body: text,
        rating: { type: 'number', minimum: 0, maximum: 5 },
      },
      required: ['product_id'],
    },
  },
} as const satisfies TrackingPlan;

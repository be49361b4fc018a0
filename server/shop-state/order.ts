import {
  MAX_ID_LENGTH,
  MAX_ORDER_ITEMS,
  ORDER_STATUSES,
  type OrderInput,
  type OrderItem,
  type OrderStatus,
} from '../../src/protocol/index.ts';
import { isObject } from '../chat/document.ts';
import type { ApiError } from '../errors.ts';
import { isStorableId } from '../values/index.ts';
import { optionalNumber, optionalText, refuse } from './fields.ts';

/** Checks the body of `POST /v1/profiles/{userId}/orders`; a 400 `invalid_order` names the field. */
export function checkOrder(body: Record<string, unknown>): OrderInput {
  const fail = refuse('invalid_order');
  const { id, status, items = [] } = body;
  if (!isStorableId(id, MAX_ID_LENGTH))
    throw fail(`"id" must be the order's id, 1 to ${MAX_ID_LENGTH} characters`);
  if (!ORDER_STATUSES.includes(status as OrderStatus)) {
    throw fail(`"status" must be one of ${ORDER_STATUSES.join(', ')}`);
  }
  if (!Array.isArray(items) || items.length > MAX_ORDER_ITEMS) {
    throw fail(`"items" must be an array of at most ${MAX_ORDER_ITEMS} lines`);
  }
  return {
    id,
    status: status as OrderStatus,
    items: items.map((item, index) => checkItem(item, `items[${index}]`, fail)),
    ...optionalNumber(body, 'total', fail),
    ...optionalText(body, 'currency', 3, fail),
    ...optionalText(body, 'channel', 64, fail),
    ...optionalText(body, 'placedAt', 40, fail),
  };
}

function checkItem(item: unknown, where: string, fail: (message: string) => ApiError): OrderItem {
  if (!isObject(item))
    throw fail(`"${where}" must be a line { name, quantity, productId?, variantId?, price? }`);
  const { name, quantity } = item;
  if (!isStorableId(name, 500)) throw fail(`"${where}.name" must be 1 to 500 characters`);
  if (!Number.isInteger(quantity) || (quantity as number) < 1) {
    throw fail(`"${where}.quantity" must be a whole number >= 1`);
  }
  return {
    name,
    quantity: quantity as number,
    ...optionalText(item, 'productId', MAX_ID_LENGTH, fail, where),
    ...optionalText(item, 'variantId', MAX_ID_LENGTH, fail, where),
    ...optionalNumber(item, 'price', fail, where),
  };
}

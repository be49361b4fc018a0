// The guest-into-account cart merge policies and line identity (pure functions).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CartLine, lineId } from '../../src/cart/line.ts';
import { mergeCarts } from '../../src/cart/merge.ts';

const line = (id: string, quantity: number, name = id): CartLine => ({
  id,
  productId: id,
  name,
  price: 10,
  quantity,
});
const quantities = (lines: CartLine[]) => Object.fromEntries(lines.map((l) => [l.id, l.quantity]));

const guest = [line('shoes', 2), line('socks', 1)];
const account = [line('shoes', 3), line('hat', 1)];

test('max keeps the larger quantity per line, and lines from either side', () => {
  const { lines, changes } = mergeCarts(guest, account, 'max');
  assert.deepEqual(quantities(lines), { shoes: 3, hat: 1, socks: 1 });
  assert.deepEqual(changes, [{ id: 'socks', name: 'socks', from: 0, to: 1 }]);
});

test('sum adds quantities', () => {
  const { lines, changes } = mergeCarts(guest, account, 'sum');
  assert.deepEqual(quantities(lines), { shoes: 5, hat: 1, socks: 1 });
  assert.deepEqual(
    changes.map((c) => [c.id, c.from, c.to]),
    [
      ['shoes', 3, 5],
      ['socks', 0, 1],
    ],
  );
});

test('guest-wins takes the guest line, account-wins keeps the account line', () => {
  assert.deepEqual(quantities(mergeCarts(guest, account, 'guest-wins').lines), {
    shoes: 2,
    hat: 1,
    socks: 1,
  });
  assert.deepEqual(quantities(mergeCarts(guest, account, 'account-wins').lines), {
    shoes: 3,
    hat: 1,
    socks: 1,
  });
});

test('an empty side changes nothing but adds the other side', () => {
  assert.deepEqual(mergeCarts([], account, 'max').changes, []);
  assert.deepEqual(quantities(mergeCarts(guest, [], 'max').lines), { shoes: 2, socks: 1 });
});

test('a line is its variant plus options in a normal form', () => {
  const a = lineId({ productId: 'tee', variantId: 'tee-red', options: { Size: 'M', colour: 'Red ' } });
  const b = lineId({ productId: 'tee', variantId: 'tee-red', options: { colour: 'red', size: 'm' } });
  assert.equal(a, b);
  assert.notEqual(
    a,
    lineId({ productId: 'tee', variantId: 'tee-red', options: { size: 'L', colour: 'red' } }),
  );
  assert.equal(lineId({ productId: 'mug' }), 'mug|');
});

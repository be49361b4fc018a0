// Part of the sign-in chunk (src/account/): run when a guest cart meets an account, once per customer.

import type { Properties } from '../protocol/events.ts';
import type { SyncDoc } from '../sync/index.ts';
import { type CartLine, toStored } from './line.ts';

/** How a guest cart joins an account cart the first time the customer is identified. */
export type MergePolicy = 'max' | 'sum' | 'guest-wins' | 'account-wins';

/** One line whose quantity the merge changed, for the `Cart Merged` event and the notice. */
export interface MergeChange {
  id: string;
  name: string;
  from: number;
  to: number;
}

/**
 * Merges a guest cart into an account cart. Lines on one side only are kept under every policy;
 * lines on both sides follow the policy: `max` (default, as commercetools does) keeps the larger
 * quantity, `sum` adds them, `guest-wins` / `account-wins` keep one side's line. `changes` lists the
 * account lines that are new or different, as the customer sees them on the account.
 */
export function mergeCarts(
  guest: CartLine[],
  account: CartLine[],
  policy: MergePolicy,
): { lines: CartLine[]; changes: MergeChange[] } {
  const merged = new Map(account.map((line) => [line.id, line]));
  const changes: MergeChange[] = [];
  for (const line of guest) {
    const mine = merged.get(line.id);
    const quantity = !mine
      ? line.quantity
      : policy === 'sum'
        ? mine.quantity + line.quantity
        : policy === 'guest-wins'
          ? line.quantity
          : policy === 'account-wins'
            ? mine.quantity
            : Math.max(mine.quantity, line.quantity);
    const result = { ...(mine && policy !== 'guest-wins' ? mine : line), quantity };
    if (!mine || mine.quantity !== quantity)
      changes.push({ id: line.id, name: line.name, from: mine?.quantity ?? 0, to: quantity });
    merged.set(line.id, result);
  }
  return { lines: [...merged.values()], changes };
}

/**
 * Applies `policy` once, after linking (protocol §5): `guest` is what this device held as a guest,
 * `doc` now holds the account's lines (`account`). Writes only the lines that change, tracks
 * `Cart Merged`, and returns the changes for the notice.
 */
export function mergeGuest(
  doc: SyncDoc,
  account: CartLine[],
  guest: CartLine[],
  policy: MergePolicy,
  track: (event: string, properties: Properties) => void,
): MergeChange[] {
  const { lines, changes } = mergeCarts(guest, account, policy);
  for (const line of lines)
    if (changes.some((change) => change.id === line.id)) doc.set(line.id, toStored(line));
  if (changes.length)
    track('Cart Merged', { policy, changes: changes.map(({ id, from, to }) => ({ line_id: id, from, to })) });
  return changes;
}

import type { CartLine } from './line.ts';

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

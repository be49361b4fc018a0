import { attempt } from '../core/env.ts';
import { FORMAT, LOCAL_FORMAT, upgradeLocal } from './format.ts';

/** Whether localStorage is in a format this code knows: settled (and migrated) at first use. */
let known: boolean | undefined;
let stamped = false;
const ours = () => (known ??= attempt(() => upgradeLocal()) !== false);
/** Runs `use` on localStorage when it is in a format this code knows; undefined when not, or when it throws. */
const inOurs = <T>(use: () => T): T | undefined => (ours() ? attempt(use) : undefined);

/**
 * localStorage that never throws: blocked storage, quota and bad JSON all read as "nothing". A newer
 * script's format reads as nothing too, and is never written over.
 */
export const local = {
  get: <T>(key: string): T | undefined =>
    // A missing key gives null, which JSON.parse() reads as JSON's null: "nothing" too.
    inOurs(() => JSON.parse(localStorage.getItem(key) as string) ?? undefined),
  set(key: string, value: unknown): void {
    inOurs(() => {
      // With the first write: storage untouched so far (consent pending) stays so.
      if (!stamped) localStorage.setItem(LOCAL_FORMAT, `${FORMAT}`);
      stamped = true;
      localStorage.setItem(key, JSON.stringify(value));
    });
  },
  remove(key: string): void {
    inOurs(() => localStorage.removeItem(key));
  },
};

/** Removes every localStorage key of the tracker (`omnikit:*`, the format's too): consent withdrawn. */
export function wipeLocal(): void {
  attempt(() => {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith('omnikit:')) localStorage.removeItem(key);
    }
  });
  stamped = false;
}

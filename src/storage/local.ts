import { attempt } from '../core/env.ts';

/** localStorage that never throws: blocked storage, quota and bad JSON all read as "nothing". */
export const local = {
  get<T>(key: string): T | undefined {
    // A missing key gives null, which JSON.parse() reads as JSON's null: "nothing" too.
    return attempt(() => JSON.parse(localStorage.getItem(key) as string) ?? undefined);
  },
  set(key: string, value: unknown): void {
    attempt(() => localStorage.setItem(key, JSON.stringify(value)));
  },
  remove(key: string): void {
    attempt(() => localStorage.removeItem(key));
  },
};

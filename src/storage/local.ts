import { attempt } from '../core/env.ts';

/** localStorage that never throws: blocked storage, quota and bad JSON all read as "nothing". */
export const local = {
  get<T>(key: string): T | undefined {
    return attempt(() => {
      const raw = localStorage.getItem(key);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    });
  },
  set(key: string, value: unknown): void {
    attempt(() => localStorage.setItem(key, JSON.stringify(value)));
  },
  remove(key: string): void {
    attempt(() => localStorage.removeItem(key));
  },
};

/** True in a browser page; false during server-side rendering or in workers without a DOM. */
export const inBrowser = (): boolean => typeof window !== 'undefined' && typeof document !== 'undefined';

/** Runs `fn`, turning a thrown error into `fallback`: for browser APIs that throw when blocked. */
export function attempt<T>(fn: () => T): T | undefined;
export function attempt<T>(fn: () => T, fallback: T): T;
export function attempt<T>(fn: () => T, fallback?: T): T | undefined {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

import type { Report } from '../core/report.ts';

/** Wraps a public method so that nothing it does can throw into the host page: it reports instead. */
export const guardWith =
  (report: Report) =>
  <A extends unknown[]>(method: (...args: A) => void) =>
  (...args: A): void => {
    try {
      method(...args);
    } catch (error) {
      report('internal', `${error}`, error);
    }
  };

export type Guard = ReturnType<typeof guardWith>;

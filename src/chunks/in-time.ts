/**
 * `promise`, or a rejection after `ms`: events wait for a chunk (the plan, the traffic source) only
 * so long, since a stalled fetch would hold them in memory, lost if the page closes meanwhile.
 */
export const inTime = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(reject, ms, Error(`no answer in ${ms} ms`))),
  ]);

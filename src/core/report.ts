import type { ErrorCode, OmnikitEvents } from '../types.ts';
import type { Emitter } from './emitter.ts';

/**
 * Reports a problem: always as an `error` event, on the console when debugging (or when `loud`).
 * Problems found while the client is being created are held back a microtask, so that a listener
 * added right after `createOmnikit()` hears them.
 */
export type Report = (code: ErrorCode, message: string, detail?: unknown, loud?: boolean) => void;

export function createReport(bus: Emitter<OmnikitEvents>, debug: boolean): Report {
  let creating = true;
  queueMicrotask(() => {
    creating = false;
  });
  return (code, message, detail, loud) => {
    if (debug || loud) console.warn(`[omnikit] ${message}`, detail ?? '');
    const emit = () => bus.emit('error', { code, message, detail });
    creating ? queueMicrotask(emit) : emit();
  };
}

import { inBrowser } from '../core/env.ts';
import type { Report } from '../core/report.ts';
import type { Delivery } from '../delivery/delivery.ts';
import { type Kv, openKv } from '../storage/kv.ts';

/**
 * The client's storage on the device: `_openKv` opens a store (reporting once when IndexedDB cannot
 * be used), `_start` opens the client's own and starts delivery once storage is allowed, never
 * outside a browser (SSR), and returns that store.
 */
export function createClientStorage(report: Report, delivery: Delivery) {
  let warned = false;
  let kv: Kv | undefined;
  const unavailable = (error: unknown) => {
    if (warned) return;
    warned = true;
    report('storage_unavailable', 'IndexedDB unavailable: events kept in memory', error, true);
  };
  const open = (name: string) => openKv(name, unavailable);
  return {
    _openKv: open,
    _start: (): Kv | undefined => {
      if (!kv && inBrowser()) {
        kv = open('omnikit');
        delivery._start(open);
      }
      return kv;
    },
  };
}

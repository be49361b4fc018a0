import type { Hono } from 'hono';
import type { ErrorLog } from './error-log.ts';
import { storageUnavailable } from './errors.ts';
import type { Store } from './store/types.ts';

/**
 * The probes a load balancer or an orchestrator asks. `GET /health`: the process answers (restart it
 * if not). `GET /ready`: its database answers too (send it traffic); a 503 while the
 * database is unreachable (`storage_unavailable`), which the process stays alive through (PostgreSQL
 * restarting), which `onUnavailable` hears.
 */
export function mountProbes(
  app: Hono,
  store: Store,
  errors: ErrorLog,
  onUnavailable: (error: unknown) => void = () => {},
): void {
  app.get('/health', (context) => context.json({ ok: true }));
  app.get('/ready', async (context) => {
    try {
      await store.ping();
    } catch (error) {
      onUnavailable(error);
      errors.report('storage unavailable, not ready', error, 'GET /ready');
      return storageUnavailable('Storage is unavailable; not ready');
    }
    return context.json({ ready: true });
  });
}

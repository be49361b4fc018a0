import type { Hono, MiddlewareHandler } from 'hono';
import type { ProtocolDeps } from '../deps.ts';
import { loginHandler, logoutHandler, sessionHandler } from './login.ts';
import { consoleFileHandler, qrDecoderHandler } from './static.ts';

/**
 * Mounts the staff console: its page and files, and its sign-in API. Its data calls go to the agent
 * API (/v1/agent/*, agents) and the store API (/v1/store/*, associates), which take a console session.
 */
export function mountConsole(app: Hono, deps: ProtocolDeps, beforeHandlers: MiddlewareHandler[]): void {
  const files = consoleFileHandler();
  for (const path of ['/console', '/console/', '/console/:file']) app.get(path, files);
  app.get('/console/vendor/jsqr.js', qrDecoderHandler());
  for (const step of [...beforeHandlers, loginHandler(deps)]) app.post('/console/api/login', step);
  for (const step of [...beforeHandlers, logoutHandler(deps)]) app.post('/console/api/logout', step);
  for (const step of [...beforeHandlers, sessionHandler(deps)]) app.get('/console/api/session', step);
}

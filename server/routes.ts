import type { Handler, Hono, MiddlewareHandler } from 'hono';
import {
  agentTypingHandler,
  listConversationsHandler,
  readHandler,
  replyHandler,
} from './agent/conversations.ts';
import { profileHandler } from './agent/profile.ts';
import { agentStreamHandler } from './agent/stream.ts';
import { hasBearer } from './auth.ts';
import { customerTypingHandler } from './chat/typing.ts';
import { consentHandler } from './consent/route.ts';
import type { ProtocolDeps } from './deps.ts';
import { registerHandler, revokeHandler } from './devices.ts';
import { eraseUserHandler, forgetDeviceHandler } from './erasure/erase.ts';
import { exportHandler } from './erasure/export.ts';
import { claimHandoffHandler, createHandoffHandler, peekHandoffHandler } from './handoff.ts';
import { identifyHandler } from './identify.ts';
import { resumeHandler, resumeLinkHandler } from './resume/route.ts';
import { loyaltyHandler, orderHandler } from './shop-state/route.ts';
import { streamHandler } from './stream.ts';
import { syncHandler } from './sync.ts';

/**
 * Mounts the device, sync, stream, handoff, chat and agent routes (protocol §2–§4, §6–§7). Must run before the event
 * routes are mounted: `POST /v1/identify` is also RudderStack's identify event, so a Bearer request
 * is ours and anything else falls through to the event route (RudderStack sends Basic auth).
 * `beforeHandlers` run right before each handler (the middleware a caller installed, if any).
 */
export function mountProtocolRoutes(
  app: Hono,
  deps: ProtocolDeps,
  beforeHandlers: MiddlewareHandler[],
): void {
  // One handler per registration: Hono chains handlers registered for the same method and path.
  const mount = (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    handler: Handler,
    options: { before?: MiddlewareHandler[]; bearerOnly?: boolean } = {},
  ) => {
    const chain = [...(options.before ?? []), ...beforeHandlers, handler];
    for (const step of chain) app.on(method, path, options.bearerOnly ? onlyWithBearer(step) : step);
  };

  mount('POST', '/v1/devices', registerHandler(deps));
  mount('DELETE', '/v1/devices/current', revokeHandler(deps));
  mount('DELETE', '/v1/devices/current/data', forgetDeviceHandler(deps));
  mount('POST', '/v1/identify', identifyHandler(deps), { bearerOnly: true });
  mount('POST', '/v1/sync', syncHandler(deps), { before: [deps.stats.syncMiddleware()] });
  mount('GET', '/v1/stream', streamHandler(deps));
  mount('POST', '/v1/handoff', createHandoffHandler(deps));
  mount('POST', '/v1/handoff/peek', peekHandoffHandler(deps));
  mount('POST', '/v1/handoff/claim', claimHandoffHandler(deps));
  mount('POST', '/v1/chat/typing', customerTypingHandler(deps));
  mount('POST', '/v1/resume', resumeHandler(deps));

  // The agent API (secret agent key, §7).
  const conversation = '/v1/agent/conversations/:profileId';
  mount('GET', '/v1/agent/conversations', listConversationsHandler(deps));
  mount('POST', `${conversation}/messages`, replyHandler(deps));
  mount('POST', `${conversation}/read`, readHandler(deps));
  mount('POST', `${conversation}/typing`, agentTypingHandler(deps));
  mount('GET', '/v1/agent/profiles/:profileId', profileHandler(deps));
  mount('GET', '/v1/agent/stream', agentStreamHandler(deps));

  // Erasure and access (server key, §8). The empty userId has routes of its own, so it is a 400
  // that names it rather than a 404 for a path that looks mistyped.
  for (const path of ['/v1/profiles/:userId', '/v1/profiles/']) mount('DELETE', path, eraseUserHandler(deps));
  for (const path of ['/v1/profiles/:userId/export', '/v1/profiles//export']) {
    mount('GET', path, exportHandler(deps));
  }
  for (const path of ['/v1/profiles/:userId/consent', '/v1/profiles//consent']) {
    mount('GET', path, consentHandler(deps));
  }
  // What the shop's systems own, live on the customer's devices (server key, §3).
  for (const path of ['/v1/profiles/:userId/orders', '/v1/profiles//orders'])
    mount('POST', path, orderHandler(deps));
  for (const path of ['/v1/profiles/:userId/loyalty', '/v1/profiles//loyalty'])
    mount('POST', path, loyaltyHandler(deps));
  for (const path of ['/v1/profiles/:userId/resume-links', '/v1/profiles//resume-links'])
    mount('POST', path, resumeLinkHandler(deps));
}

function onlyWithBearer(step: MiddlewareHandler | Handler): MiddlewareHandler {
  return async (context, next) => {
    if (!hasBearer(context)) return next();
    return (step as MiddlewareHandler)(context, next);
  };
}

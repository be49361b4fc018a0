import type { createTraffic } from '../attribution/traffic.ts';
import type { createContinuity } from '../continuity.ts';
import type { createArguments } from '../core/arguments.ts';
import type { Guard } from '../core/guard.ts';
import type { Identity } from '../identity/identity.ts';
import type { createSession } from '../identity/session.ts';
import type { EventType, Properties } from '../protocol/events.ts';
import type { OmnikitTracker } from '../types.ts';
import { withAttribution, withContinuity } from '../version.ts';
import type { Draft } from './envelope.ts';

/** Accepts a call: checked now, queued in call order, turned into an event when allowed. */
export type Accept = (type: EventType | undefined, fields: Draft['fields'], change?: () => void) => void;

/** The tracking methods of the page, each with its argument checks. */
export type Methods = Pick<OmnikitTracker, 'track' | 'page' | 'identify' | 'group' | 'alias' | 'reset'>;

/**
 * track, page, identify, group, alias and reset: each checks its arguments now (a bad one is
 * reported, the call dropped or the argument repaired) and hands the call to `accept`.
 */
export function createMethods(
  guard: Guard,
  check: ReturnType<typeof createArguments>,
  accept: Accept,
  identity: Identity,
  session: ReturnType<typeof createSession>,
  traffic?: ReturnType<typeof createTraffic>,
  continuity?: ReturnType<typeof createContinuity>,
): Methods {
  return {
    track: guard((event: string, properties?: Properties) => {
      const name = check.id(event, 'track event');
      const props = check._record(properties, 'track properties');
      if (!name) return;
      if (withContinuity) continuity?._tracked(name, props);
      accept('track', () => ({ event: name, properties: props }));
    }),
    page: guard((name?: string, properties?: Properties) => {
      const title = name === undefined || check.id(name, 'page name');
      const props = check._record(properties, 'page properties');
      if (!title) return;
      // The page context's fields are Segment's page properties.
      accept('page', (_, page) => ({ ...(name && { name }), properties: { ...page, ...props } }));
    }),
    identify: guard((userId: string, traits?: Properties, options?: { userHash?: string }) => {
      const id = check.id(userId, 'identify user id');
      const values = check._record(traits, 'identify traits');
      const userHash = withContinuity && options?.userHash;
      if (!id) return;
      accept(
        'identify',
        () => ({ traits: values }),
        () => identity._update({ userId: id, traits: { ...identity._get().traits, ...values } }),
      );
      // Only a hash signed by the site's server links devices; a bare claim just tags events. The
      // link is the customer's own sign-in (necessary): it waits for identity, not for consent.
      if (withContinuity && typeof userHash === 'string') continuity?._identify(id, userHash);
    }),
    group: guard((groupId: string, traits?: Properties) => {
      const id = check.id(groupId, 'group id');
      const values = check._record(traits, 'group traits');
      if (id) accept('group', () => ({ groupId: id, traits: values }));
    }),
    alias: guard((userId: string, previousId?: string) => {
      const id = check.id(userId, 'alias user id');
      const previous = previousId === undefined || check.id(previousId, 'alias previous id');
      if (id && previous) {
        accept('alias', (person) => ({
          userId: id,
          previousId: previousId ?? person.userId ?? person.anonymousId,
        }));
      }
    }),
    reset: guard(() =>
      accept(
        undefined,
        () => ({}),
        () => {
          identity._reset();
          session._reset();
          if (withAttribution) traffic?._reset();
          if (withContinuity) continuity?._reset();
        },
      ),
    ),
  };
}

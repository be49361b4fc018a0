import { type ChatEntry, isObject } from '../chat/document.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { EventOwners, ProfileSummary } from '../store/agent-types.ts';

/** How many identify events make up the traits (newest win). */
const MAX_IDENTIFY_EVENTS = 200;

/** Whose events belong to a profile: its devices' anonymous ids and its user. */
export function ownersOf(profile: ProfileSummary): EventOwners {
  return { anonymousIds: profile.devices.map((d) => d.anonymousId), userId: profile.userId };
}

/**
 * The traits of a profile: those of its identify events (`traits`, and `context.traits` where
 * RudderStack puts them), merged oldest to newest so the latest value of each trait wins.
 */
export async function traitsOf(deps: ProtocolDeps, siteId: string, owners: EventOwners) {
  const events = await deps.store.eventsOf(siteId, owners, { type: 'identify', limit: MAX_IDENTIFY_EVENTS });
  const traits: Record<string, unknown> = {};
  for (const event of events.reverse()) {
    const context = event.body.context;
    for (const source of [isObject(context) ? context.traits : undefined, event.body.traits]) {
      // defineProperty-free copy: Object.entries skips inherited keys, and a "__proto__" trait stays data.
      if (isObject(source))
        for (const [k, v] of Object.entries(source))
          Object.defineProperty(traits, k, {
            value: v,
            enumerable: true,
            writable: true,
            configurable: true,
          });
    }
  }
  return traits;
}

/** The traits of a profile by id ({} when the site has no such profile). */
export async function profileTraits(deps: ProtocolDeps, siteId: string, profileId: string) {
  const profile = await deps.store.profileSummary(siteId, profileId);
  return profile ? traitsOf(deps, siteId, ownersOf(profile)) : {};
}

/** What the agent calls the customer: a `name` trait, first + last name, a pre-chat name, or the email. */
export function displayName(messages: ChatEntry[], traits: Record<string, unknown>): string | undefined {
  const text = (value: unknown) =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const full = [text(traits.firstName), text(traits.lastName)].filter(Boolean).join(' ');
  const prechat = messages.find((m) => m.from === 'customer' && m.fields)?.fields;
  return text(traits.name) ?? text(full) ?? text(prechat?.name) ?? text(traits.email) ?? text(prechat?.email);
}

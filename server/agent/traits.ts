import { type ChatEntry, isObject } from '../chat/document.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { EventOwners, ProfileSummary } from '../store/agent-types.ts';
import type { EventCredential, StoredEvent } from '../store/types.ts';

/** How many identify events of each credential make up the traits (newest win). */
const MAX_IDENTIFY_EVENTS = 200;

/**
 * A profile's traits by provenance. Verified: from identify events the shop's servers sent with the
 * secret server key. Unverified: what identify events sent with the public write key claim (any page
 * can send one for any userId), for the traits that have no verified value: a claim never hides one.
 */
export interface ProfileTraits {
  verified: Record<string, unknown>;
  unverified: Record<string, unknown>;
}

/** What the agent calls the customer, and whether that comes from a verified trait. */
export interface DisplayName {
  name: string;
  verified: boolean;
}

/** Whose events belong to a profile: its devices' anonymous ids and its user. */
export function ownersOf(profile: ProfileSummary): EventOwners {
  return { anonymousIds: profile.devices.map((device) => device.anonymousId), userId: profile.userId };
}

/**
 * The traits of a profile. Each credential's identify events are read apart (so a flood of claims
 * cannot push the verified ones out of the window), and merged oldest to newest (`traits`, and
 * `context.traits` where RudderStack puts them) so the latest value of each trait wins.
 */
export async function traitsOf(
  deps: ProtocolDeps,
  siteId: string,
  owners: EventOwners,
): Promise<ProfileTraits> {
  const read = (credential: EventCredential) =>
    deps.store.eventsOf(siteId, owners, { type: 'identify', credential, limit: MAX_IDENTIFY_EVENTS });
  const [server, page] = await Promise.all([read('server'), read('public')]);
  const verified = merged(server);
  const unverified: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(merged(page)))
    if (!Object.hasOwn(verified, key)) define(unverified, key, value);
  return { verified, unverified };
}

/** The traits of a profile by id (none when the site has no such profile). */
export async function profileTraits(deps: ProtocolDeps, siteId: string, profileId: string) {
  const profile = await deps.store.profileSummary(siteId, profileId);
  return profile ? traitsOf(deps, siteId, ownersOf(profile)) : { verified: {}, unverified: {} };
}

/**
 * What the agent calls the customer: from the verified traits (a `name`, first + last name, the
 * email) if any; else, unverified, from the claimed traits or the chat's pre-chat form.
 */
export function displayName(messages: ChatEntry[], traits: ProfileTraits): DisplayName | undefined {
  const text = (value: unknown) =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const fromTraits = (given: Record<string, unknown>) =>
    text(given.name) ?? text([text(given.firstName), text(given.lastName)].filter(Boolean).join(' '));
  const verified = fromTraits(traits.verified) ?? text(traits.verified.email);
  if (verified !== undefined) return { name: verified, verified: true };
  const prechat = messages.find((m) => m.from === 'customer' && m.fields)?.fields;
  const claimed =
    fromTraits(traits.unverified) ??
    text(prechat?.name) ??
    text(traits.unverified.email) ??
    text(prechat?.email);
  return claimed === undefined ? undefined : { name: claimed, verified: false };
}

function merged(newestFirst: StoredEvent[]): Record<string, unknown> {
  const traits: Record<string, unknown> = {};
  for (const event of [...newestFirst].reverse()) {
    const context = event.body.context;
    for (const source of [isObject(context) ? context.traits : undefined, event.body.traits])
      if (isObject(source)) for (const [key, value] of Object.entries(source)) define(traits, key, value);
  }
  return traits;
}

// defineProperty, not assignment: Object.entries skips inherited keys, and a "__proto__" trait stays data.
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

import { randomId } from '../core/id.ts';
import type { JsonValue } from '../protocol/events.ts';
import type { Kv } from '../storage/kv.ts';
import { local } from '../storage/local.ts';
import { readCookie, writeCookie } from './cookie.ts';

/** Who this device's events are about. */
export interface Person {
  anonymousId: string;
  userId: string | null;
  traits: Record<string, JsonValue>;
}
type User = Pick<Person, 'userId' | 'traits'>;

const LOCAL_AID = 'omnikit:aid';
const LOCAL_USER = 'omnikit:user';
const ID_PATTERN = /^[\w-]{8,64}$/;
const isId = (value: unknown): value is string => typeof value === 'string' && ID_PATTERN.test(value);
const isUser = (value: unknown): value is User =>
  typeof value === 'object' && value !== null && 'traits' in value && 'userId' in value;

/**
 * The anonymous id lives in a first-party cookie, localStorage and IndexedDB. Resolution order is
 * cookie → localStorage → IndexedDB: the cookie is the only place shared across subdomains (with
 * `cookieDomain`), so it must win for subdomains to converge; invalid (tampered) values are skipped
 * and every place that disagrees with the winner is rewritten. User id and traits live in
 * localStorage → IndexedDB the same way.
 */
export function createIdentity(cookieDomain?: string) {
  const anonymous = (): Person => ({ anonymousId: randomId(), userId: null, traits: {} });
  let person = anonymous();
  let kv: Kv | undefined;
  /**
   * The first valid copy: the synchronous ones in order, then IndexedDB's `key`, read only when
   * they have none, so a returning visitor (cookie and localStorage intact) never waits for it.
   */
  const first = async <T>(valid: (value: unknown) => value is T, key: string, ...copies: unknown[]) =>
    copies.find(valid) ?? [await kv?._get(key)].find(valid);

  const identity = {
    _get: (): Person => person,
    /**
     * Loads the person. Without `durable` storage (consent pending) it only reads; with it, the
     * winner is written back everywhere, which repairs any place that was missing or disagreed.
     */
    async _load(durable?: Kv): Promise<void> {
      kv = durable;
      const [anonymousId, user] = await Promise.all([
        first(isId, 'aid', readCookie(), local.get(LOCAL_AID)),
        first(isUser, 'user', local.get(LOCAL_USER)),
      ]);
      if (anonymousId) person.anonymousId = anonymousId;
      if (user) identity._update({ userId: user.userId, traits: user.traits });
      if (kv) identity._save();
    },
    /** Storage became allowed (consent granted): keep what this page knows, everywhere. */
    _persistTo(durable: Kv): void {
      kv = durable;
      identity._save();
    },
    /** Writes the current person to every place (only called once storage is allowed). */
    _save(): void {
      const user: User = { userId: person.userId, traits: person.traits };
      writeCookie(person.anonymousId, cookieDomain);
      local.set(LOCAL_AID, person.anonymousId);
      local.set(LOCAL_USER, user);
      void kv?._setMany([
        ['aid', person.anonymousId],
        ['user', user],
      ]);
    },
    _update(change: Partial<Person>): void {
      person = { ...person, ...change };
    },
    /** A new anonymous person: the next customer at a shared computer starts clean. */
    _reset(): void {
      person = anonymous();
    },
  };
  return identity;
}

export type Identity = ReturnType<typeof createIdentity>;

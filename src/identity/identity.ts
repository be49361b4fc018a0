import { randomId } from '../core/id.ts';
import type { Kv } from '../storage/kv.ts';
import { local } from '../storage/local.ts';
import type { JsonValue } from '../types.ts';
import { readCookie, writeCookie } from './cookie.ts';

/** Who this device's events are about. */
export interface Person {
  anonymousId: string;
  userId: string | null;
  traits: Record<string, JsonValue>;
}
type User = Pick<Person, 'userId' | 'traits'>;

/** One place a value is kept; reads may be async (IndexedDB). */
interface Place<T> {
  read(): T | undefined | Promise<T | undefined>;
  write(value: T): void;
}

const LOCAL_AID = 'omnikit:aid';
const LOCAL_USER = 'omnikit:user';
const ID_PATTERN = /^[\w-]{8,64}$/;
const isId = (value: unknown): value is string => typeof value === 'string' && ID_PATTERN.test(value);
const isUser = (value: unknown): value is User =>
  typeof value === 'object' && value !== null && 'traits' in value && 'userId' in value;

/**
 * The first valid value in `places` order; a place that fails to read counts as empty. Read one at a
 * time, so a returning visitor (cookie and localStorage intact) never waits for IndexedDB to open.
 */
async function firstValid<T>(places: Place<T>[], valid: (v: unknown) => v is T): Promise<T | undefined> {
  for (const place of places) {
    const value = await Promise.resolve(place.read()).catch(() => undefined);
    if (valid(value)) return value;
  }
}

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

  const aidPlaces = (): Place<string>[] => [
    { read: readCookie, write: (id) => writeCookie(id, cookieDomain) },
    localPlace(LOCAL_AID),
    ...(kv ? [kvPlace<string>(kv, 'aid')] : []),
  ];
  const userPlaces = (): Place<User>[] => [
    localPlace(LOCAL_USER),
    ...(kv ? [kvPlace<User>(kv, 'user')] : []),
  ];

  return {
    get: (): Person => person,
    /**
     * Loads the person. Without `durable` storage (consent pending) it only reads; with it, the
     * winner is written back everywhere, which repairs any place that was missing or disagreed.
     */
    async load(durable?: Kv): Promise<void> {
      kv = durable;
      const [anonymousId, user] = await Promise.all([
        firstValid(aidPlaces(), isId),
        firstValid(userPlaces(), isUser),
      ]);
      if (anonymousId) person.anonymousId = anonymousId;
      if (user) person = { ...person, userId: user.userId, traits: user.traits };
      if (kv) this.save();
    },
    /** Storage became allowed (consent granted): keep what this page knows, everywhere. */
    persistTo(durable: Kv): void {
      kv = durable;
      this.save();
    },
    /** Writes the current person to every place (only called once storage is allowed). */
    save(): void {
      for (const place of aidPlaces()) place.write(person.anonymousId);
      for (const place of userPlaces()) place.write({ userId: person.userId, traits: person.traits });
    },
    update(change: Partial<Person>): void {
      person = { ...person, ...change };
    },
    /** A new anonymous person: the next customer at a shared computer starts clean. */
    reset(): void {
      person = anonymous();
    },
  };
}

function localPlace<T>(key: string): Place<T> {
  return { read: () => local.get<T>(key), write: (value) => local.set(key, value) };
}

function kvPlace<T>(kv: Kv, key: string): Place<T> {
  return { read: () => kv.get<T>(key), write: (value) => void kv.setMany([[key, value]]) };
}

export type Identity = ReturnType<typeof createIdentity>;

// The builds agree on what they keep and what they tell other tabs: the npm build (dist/omnikit.mjs)
// and the script-tag build (dist/omnikit.js) write byte-identical stored records (IndexedDB,
// localStorage, the cookie) and tab messages for the same calls (but for the time zone of the events
// tracked before it was looked up, and so their sizes, which timing decides), and the same ones as the builds made
// before the mangle map (test/fixtures/stored-format.json), so data stored by either still reads.
// Run `npm run build` first: this file loads dist/ in both cases.
import { expect } from '@open-wc/testing';
import { zoneOfOffset } from '../../src/identity/time-zone.ts';
import { FORMAT, LOCAL_FORMAT } from '../../src/storage/format.ts';
import { resetBackend, waitFor } from './helpers.ts';
import { type ClientPage, identifyIn, openClient } from './sdk.ts';

/** Everything the page keeps or says: IndexedDB by database, localStorage as stored, tab messages. */
interface Dump {
  idb: Record<string, [string, unknown][]>;
  local: [string, string][];
  cookie: string;
  messages: Record<string, string[]>;
}

const CHANNELS = ['omnikit:test-key', 'omnikit-sync:test-key', 'omnikit-chat:test-key'];

/** Whether a stored or sent record is of the `consent` document. */
const ofConsent = (record: unknown) => (record as { doc?: string } | null)?.doc === 'consent';

/**
 * The dump without the verified customer's `consent` document (its records and the tab messages
 * that carry them), which the sign-in writes since consent follows the customer: a document added
 * after the fixture was recorded, in the format every document has.
 */
function withoutConsentDoc(d: Dump): Dump {
  const docs = d.idb['omnikit-docs-test-key'];
  const message = (json: string) => {
    const parsed = JSON.parse(json) as { r?: unknown[] };
    if (!Array.isArray(parsed.r)) return json;
    const r = parsed.r.filter((record) => !ofConsent(record));
    if (r.length === parsed.r.length) return json;
    return r.length ? JSON.stringify({ ...parsed, r }) : undefined;
  };
  return {
    ...d,
    idb: { ...d.idb, ...(docs && { 'omnikit-docs-test-key': docs.filter(([, r]) => !ofConsent(r)) }) },
    messages: Object.fromEntries(
      Object.entries(d.messages).map(([name, list]) => [name, list.flatMap((json) => message(json) ?? [])]),
    ),
  };
}

/** Listens to the SDK's BroadcastChannels as another tab would: each distinct message, as JSON. */
const listen = (page: ClientPage) =>
  page.eval(`(() => {
    window.__messages = {};
    for (const name of ${JSON.stringify(CHANNELS)}) {
      const seen = (__messages[name] = []);
      new BroadcastChannel(name).onmessage = ({ data }) => seen.push(JSON.stringify(data));
    }
  })()`);

const dump = (page: ClientPage) =>
  page.eval<Dump>(`(async () => {
    const read = (name) => new Promise((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const store = open.result.transaction('kv').objectStore('kv');
        const keys = store.getAllKeys();
        const values = store.getAll();
        values.onsuccess = () => {
          open.result.close();
          resolve(keys.result.map((key, i) => [key, values.result[i]]));
        };
      };
    });
    const idb = {};
    for (const { name } of (await indexedDB.databases()).sort((a, b) => (a.name < b.name ? -1 : 1)))
      idb[name] = await read(name);
    const local = Object.keys(localStorage).sort().map((key) => [key, localStorage.getItem(key)]);
    return { idb, local, cookie: document.cookie, messages: __messages };
  })()`);

/**
 * The dump as JSON with what differs from run to run replaced by its kind: the ids and times the SDK
 * draws (anonymous id, message ids, HLCs, outbox keys, session ids, timestamps) and the values the
 * server hands out (device token, profile id, cursor). Messages: sorted, each distinct one once
 * (how many empty pulls a sync makes depends on timing).
 */
function normalised(d: Dump, anonymousId: string): string {
  const docs = d.idb['omnikit-docs-test-key'] ?? [];
  const meta = (docs.find(([key]) => key === 'm')?.[1] ?? {}) as Record<string, string>;
  // Stored whole, as the meta entry's values.
  const server = new Map([
    [meta.t, '<token>'],
    [meta.i, '<profileId>'],
    [meta.c, '<cursor>'],
  ]);
  const text = (value: string) =>
    value
      .replaceAll(anonymousId, '<anonymousId>')
      .replace(/[0-9a-z]{9}-[0-9a-z]{3}-[0-9a-z]{8}/g, '<hlc>')
      .replace(/[0-9a-z]{15}:[0-9a-v]{26}/g, '<outbox key>')
      .replace(/\b[0-9a-v]{26}\b/g, '<id>')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<iso time>')
      .replace(/\b1\d{12}\b/g, '<ms>');
  const walk = (value: unknown): unknown =>
    typeof value === 'string'
      ? (server.get(value) ?? text(value))
      : typeof value === 'number' && value >= 1e12 && value < 1e13
        ? '<ms>'
        : Array.isArray(value)
          ? value.map(walk)
          : value && typeof value === 'object'
            ? Object.fromEntries(Object.entries(value).map(([key, v]) => [key, walk(v)]))
            : value;
  // (How many events a kick announces depends on how many calls one tick made.)
  const message = (json: string) => text(json).replace(/^\{"kick":\d+\}$/, '{"kick":"<count>"}');
  const messages = Object.fromEntries(
    Object.entries(d.messages).map(([name, list]) => [name, [...new Set(list.map(message))].sort()]),
  );
  return JSON.stringify(walk({ ...d, messages }));
}

/** What this browser and test server put in events: the same for both builds, not for every machine. */
const withoutEnvironment = (text: string) =>
  text
    .replaceAll(navigator.userAgent, '<userAgent>')
    .replaceAll(location.origin, '<origin>')
    .replaceAll(`"${navigator.language}"`, '"<locale>"')
    .replaceAll(`"${Intl.DateTimeFormat().resolvedOptions().timeZone}"`, '"<timezone>"')
    // Events tracked before the page was first idle name the zone by its offset (src/identity/time-zone.ts).
    .replaceAll(`"${zoneOfOffset(new Date().getTimezoneOffset())}"`, '"<timezone>"')
    .replace(/"version":"[^"]+"/g, '"version":"<version>"')
    .replace(/"bytes":\d+/g, '"bytes":"<bytes>"');

/** The same calls in a fresh browser on an empty backend, with `build`; answers the settled storage. */
async function storedBy(build: 'npm' | 'dist'): Promise<string> {
  await resetBackend();
  // Nothing is sent: the events stay in the outbox.
  const page = await openClient({ build, flushInterval: 600_000, flushAt: 1000 });
  try {
    await listen(page);
    // Both pages at one URL: events carry it (and their size in bytes counts it).
    await page.eval(`history.replaceState(null, '', '/test/fixtures/esm.html?stored-format')`);
    const anonymousId = await page.anonymousId();
    const until = async (what: string, done: (d: Dump, docs: [string, unknown][]) => boolean) =>
      waitFor(
        async () => {
          const d = await dump(page);
          return done(d, d.idb['omnikit-docs-test-key'] ?? []);
        },
        { timeout: 15_000, message: `${build}: ${what}` },
      );
    const events = (d: Dump) => d.idb['omnikit-outbox-http']?.length;
    const meta = (docs: [string, unknown][]) => docs.find(([key]) => key === 'm')?.[1] as { u?: boolean };
    const records = (docs: [string, unknown][]) =>
      docs
        .filter(([key, r]) => key !== 'm' && !ofConsent(r))
        .map(([, r]) => r as { doc: string; p?: number });

    await page.call('cart.add', {
      productId: 'tea',
      name: 'Green tea',
      price: 4.5,
      currency: 'EUR',
      quantity: 2,
    });
    await page.call('track', 'Signed Up', { plan: 'pro' });
    // Verified: the device is linked, and its guest cart merged into the account's (the sign-in chunk).
    await identifyIn(page, 'ada', { traits: { plan: 'pro' } });
    // Product Added, Signed Up, identify, Cart Merged.
    await until('linked', (d, docs) => events(d) === 4 && meta(docs)?.u === true);
    // A draft, kept on this device by the forms chunk.
    await page.eval(
      `document.body.insertAdjacentHTML('beforeend', '<form data-omnikit-form="signup"><input name="email"></form>')`,
    );
    await page.act('fill', '[name=email]', 'ada@example.com');
    await until(
      'settled',
      (d, docs) =>
        events(d) === 5 && // and Form Started
        records(docs).length === 2 &&
        records(docs).every((r) => (r.doc === 'cart') === !r.p) && // the line pushed, the draft kept here
        d.local.some(([key, value]) => key === 'omnikit-journal:test-key' && value === '[]'),
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // late tab messages
    return normalised(withoutConsentDoc(await dump(page)), anonymousId);
  } finally {
    await page.close();
  }
}

describe('what the builds store', function () {
  this.timeout(60_000);

  it('is byte-identical from the npm and the script-tag build, and the same as before the mangle map', async () => {
    const npm = await storedBy('npm');
    const scriptTag = await storedBy('dist');
    // Which events were tracked before the time zone was looked up (and so how many bytes they take)
    // depends on timing: compared with the environment's values named.
    expect(withoutEnvironment(npm)).to.equal(withoutEnvironment(scriptTag));
    const before: Dump = await (await fetch('/test/fixtures/stored-format.json')).json();
    // Recorded before stored data had a format version: the keys added since are its stamp
    // (src/storage/format.ts), the time zone, kept by offset once the page was idle
    // (src/identity/time-zone.ts), and the sync meta's stamp (src/sync/meta-stamp.ts, a random id).
    // Everything else is as it was.
    const zone: [string, string] = [
      `omnikit:tz:${new Date().getTimezoneOffset()}`,
      JSON.stringify(Intl.DateTimeFormat().resolvedOptions().timeZone),
    ];
    const metaStamp: [string, string] = ['omnikit-meta:test-key', '"<id>"'];
    // Events carry the consent in effect since consent categories (docs/privacy.md): an envelope
    // field, not a stored format's, and left out of the comparison.
    const withoutConsent = (text: string) =>
      text.replace(/,"consent":\{"categoryPreferences":\{[^}]*\}\}/g, '');
    const stamped = [
      ...before.local,
      [LOCAL_FORMAT, String(FORMAT)] as [string, string],
      zone,
      metaStamp,
    ].sort(([a], [b]) => (a < b ? -1 : 1));
    // Since a write tells whether it was delivered (SyncDoc.status()), the other tabs hear a push's
    // outcome too: the pushed records again, without `p` (a refused one marked `d`).
    const sync = 'omnikit-sync:test-key';
    const delivered = before.messages[sync]
      .filter((json) => json.includes('"doc":"cart"'))
      .map((json) => json.replace(',"p":1', ''));
    expect(JSON.parse(withoutConsent(withoutEnvironment(scriptTag)))).to.deep.equal({
      ...before,
      local: stamped,
      messages: { ...before.messages, [sync]: [...before.messages[sync], ...delivered].sort() },
    });
  });
});

// A site's `webhooks` in the config file: what loadConfig and createServer accept, and the errors
// that name the bad field. A webhook's secret is checked like the site's own keys, and never shown.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createServer, loadConfig, openSqliteStore, type Site } from '../../server/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'omnikit-webhooks-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'whsec-for-tests-3f9a1c7e5b2d8046a1c3e5f7';
const SERVER_KEY = 'shop-server-key-for-config-tests-8b1d4f6a2c';

const webhook = (overrides: Record<string, unknown> = {}) => ({
  name: 'crm',
  url: 'https://crm.example/hooks/omnikit',
  secret: SECRET,
  ...overrides,
});
const config = (webhooks: unknown) => ({
  sites: [
    { id: 'shop', writeKey: 'shop-key', origins: ['https://shop.example'], serverKey: SERVER_KEY, webhooks },
  ],
});

let n = 0;
function load(content: unknown) {
  n += 1;
  const file = join(dir, `config-${n}.json`);
  writeFileSync(file, JSON.stringify(content));
  return loadConfig(file);
}

/** The message loadConfig fails with. */
function refusal(webhooks: unknown): string {
  try {
    load(config(webhooks));
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail(`accepted ${JSON.stringify(webhooks)}`);
}

describe('webhooks in the config', () => {
  it('loads a webhook with its defaults: track events of every name, no consent required', () => {
    const [site] = load(config([webhook()])).sites;
    assert.deepEqual(site.webhooks, [
      {
        name: 'crm',
        url: 'https://crm.example/hooks/omnikit',
        secret: SECRET,
        types: ['track'],
        categories: [],
      },
    ]);
  });

  it('loads filters: event names, event types, consent categories', () => {
    const [site] = load(
      config([
        webhook({
          events: ['Order Completed', 'Signed Up'],
          types: ['track', 'identify'],
          categories: ['marketing'],
        }),
        webhook({ name: 'local', url: 'http://127.0.0.1:9000/in', secret: `${SECRET}-2` }),
        webhook({ name: 'local6', url: 'http://[::1]:9000/in', secret: `${SECRET}-3` }),
        webhook({ name: 'localhost', url: 'http://localhost:9000/in', secret: `${SECRET}-4` }),
      ]),
    ).sites;
    assert.deepEqual(site.webhooks?.[0], {
      name: 'crm',
      url: 'https://crm.example/hooks/omnikit',
      secret: SECRET,
      events: ['Order Completed', 'Signed Up'],
      types: ['track', 'identify'],
      categories: ['marketing'],
    });
    assert.equal(site.webhooks?.length, 4);
  });

  it('refuses a bad webhook, naming the field and never the secret', () => {
    const cases: [unknown, RegExp][] = [
      [{}, /sites\[0\]\.webhooks must be an array/],
      [[7], /sites\[0\]\.webhooks\[0\] must be an object/],
      [[webhook({ name: '' })], /sites\[0\]\.webhooks\[0\]\.name must be/],
      [[webhook({ name: 'a b' })], /sites\[0\]\.webhooks\[0\]\.name must be/],
      [
        [webhook(), webhook({ secret: `${SECRET}-2` })],
        /sites\[0\]\.webhooks\[1\]\.name "crm" is used by another/,
      ],
      [[webhook({ url: 'ftp://crm.example/' })], /sites\[0\]\.webhooks\[0\]\.url must be an https:/],
      [[webhook({ url: 'not a url' })], /sites\[0\]\.webhooks\[0\]\.url must be an https:/],
      [[webhook({ url: 'http://crm.example/in' })], /sites\[0\]\.webhooks\[0\]\.url must use https/],
      [[webhook({ url: 'https://user:pw@crm.example/in' })], /sites\[0\]\.webhooks\[0\]\.url must not hold/],
      [[webhook({ url: 'https://crm.example/in#part' })], /sites\[0\]\.webhooks\[0\]\.url must not hold/],
      [
        [webhook({ secret: 'short' })],
        /sites\[0\]\.webhooks\[0\]\.secret must be a secret of at least 32 bytes/,
      ],
      [[webhook({ secret: undefined })], /sites\[0\]\.webhooks\[0\]\.secret must be/],
      [[webhook({ secret: SERVER_KEY })], /sites\[0\]\.webhooks\[0\]\.secret must be unique/],
      [[webhook(), webhook({ name: 'other' })], /sites\[0\]\.webhooks\[1\]\.secret must be unique/],
      [
        [webhook({ events: 'Order Completed' })],
        /sites\[0\]\.webhooks\[0\]\.events must be a non-empty array of names/,
      ],
      [[webhook({ events: [] })], /sites\[0\]\.webhooks\[0\]\.events must be a non-empty array of names/],
      [[webhook({ events: [''] })], /sites\[0\]\.webhooks\[0\]\.events\[0\] must be/],
      [[webhook({ types: ['click'] })], /sites\[0\]\.webhooks\[0\]\.types\[0\] must be one of/],
      [
        [webhook({ types: ['identify'], events: ['Signed Up'] })],
        /sites\[0\]\.webhooks\[0\]\.events names track/,
      ],
      [[webhook({ categories: [3] })], /sites\[0\]\.webhooks\[0\]\.categories\[0\] must be/],
      [[webhook({ retries: 3 })], /sites\[0\]\.webhooks\[0\]\.retries is not a webhook field/],
    ];
    for (const [webhooks, expected] of cases) {
      const message = refusal(webhooks);
      assert.match(message, expected, JSON.stringify(webhooks));
      assert.ok(!message.includes(SECRET), `the secret is not in "${message}"`);
    }
  });

  it('is checked by createServer too, for sites given in code', () => {
    const store = openSqliteStore(':memory:');
    const site = config([webhook({ url: 'http://crm.example/in' })]).sites[0] as unknown as Site;
    assert.throws(
      () => createServer({ store, sites: [site] }),
      /sites\[0\]\.webhooks\[0\]\.url must use https/,
    );
    const short = config([webhook({ secret: 'short' })]).sites[0] as unknown as Site;
    assert.throws(() => createServer({ store, sites: [short] }), /webhooks\[0\]\.secret must be a secret/);
    void store.close();
  });
});

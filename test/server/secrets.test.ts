// Safe secrets by default: the server refuses to start with example, short or shared keys, from
// createServer (library users) and from the config file (the CLI), unless it is started as the demo.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createServer, loadSites, openSqliteStore, type Site } from '../../server/index.ts';
import { runServerMain } from './main-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'omnikit-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const store = openSqliteStore(':memory:');
after(() => store.close());

/** Keys of 32+ random-looking bytes, all different: what a production config holds. */
const good = {
  secret: 'L4y0ZqV8cM2nR7tW1xB9dF3gH6jK5pS0uE8iO2aQ4wY=',
  agentKey: 'Tq7Xk2Pz9Rb4Nm1Vc8Ld3Hs6Jf0Gw5Ye2Ua7Io4Kp1=',
  serverKey: 'Zc3Vb8Nm1Qw6Er4Ty9Ui2Op7As5Df0Gh3Jk8Lz1Xc6=',
};
const shop = (overrides: Partial<Site> = {}): Site => ({
  id: 'shop',
  writeKey: 'shop-key',
  origins: ['https://shop.example'],
  ...good,
  ...overrides,
});
const blog = (overrides: Partial<Site> = {}): Site => ({
  id: 'blog',
  writeKey: 'blog-key',
  origins: ['https://blog.example'],
  ...overrides,
});

/** Exactly `n` bytes of UTF-8 with plenty of distinct characters ("é" is two bytes). */
const bytes = (n: number) => 'é'.repeat(4) + 'abcdefghijklmnopqrstuvwxyz0123456789'.slice(0, n - 8);

const refusals: [string, Site[], RegExp][] = [
  ['the shipped example secret', [shop({ secret: 'demo-secret-change-me' })], /sites\[0\]\.secret .*example/],
  [
    'the shipped example agent key',
    [shop({ agentKey: 'demo-agent-key-change-me' })],
    /sites\[0\]\.agentKey .*example/,
  ],
  [
    'the shipped example server key',
    [shop(), blog({ serverKey: 'demo-server-key-change-me' })],
    /sites\[1\]\.serverKey .*example/,
  ],
  [
    'a long secret that says to change it',
    [shop({ secret: 'our-production-identify-secret--CHANGE_ME' })],
    /sites\[0\]\.secret .*example/,
  ],
  [
    'a 31-byte secret',
    [shop({ secret: bytes(31) })],
    /sites\[0\]\.secret must be a secret of at least 32 bytes, not 31/,
  ],
  [
    'a 31-byte agent key',
    [shop({ agentKey: bytes(31) })],
    /sites\[0\]\.agentKey .* at least 32 bytes, not 31/,
  ],
  [
    'a 20-byte server key',
    [shop({ serverKey: bytes(20) })],
    /sites\[0\]\.serverKey .* at least 32 bytes, not 20/,
  ],
  ['a long placeholder', [shop({ secret: 'x'.repeat(64) })], /sites\[0\]\.secret must be a random secret/],
  [
    'a secret shared by two sites',
    [shop(), blog({ secret: good.secret })],
    /sites\[1\]\.secret must be unique, but it equals sites\[0\]\.secret/,
  ],
  [
    "one site's agent key as another's server key",
    [shop(), blog({ serverKey: good.agentKey })],
    /sites\[1\]\.serverKey must be unique, but it equals sites\[0\]\.agentKey/,
  ],
  [
    "one site's secret as another's write key",
    [shop(), blog({ writeKey: good.secret })],
    /sites\[1\]\.writeKey must be unique, but it equals sites\[0\]\.secret/,
  ],
  [
    'a secret equal to its write key',
    [shop({ writeKey: good.secret })],
    /sites\[0\]\.secret must be unique, but it equals sites\[0\]\.writeKey/,
  ],
  [
    'an agent key equal to its server key',
    [shop({ serverKey: good.agentKey })],
    /sites\[0\]\.serverKey must be unique, but it equals sites\[0\]\.agentKey/,
  ],
];

/** The refusal names the field, says how to make a good secret, and never repeats the value. */
function assertRefusal(error: unknown, sites: Site[], message: RegExp): true {
  assert.ok(error instanceof Error);
  assert.match(error.message, message);
  assert.match(error.message, /openssl rand -base64 32/);
  for (const site of sites) {
    for (const key of [site.secret, site.agentKey, site.serverKey]) {
      if (key && key.length >= 8) assert.ok(!error.message.includes(key), 'the message holds no key');
    }
  }
  return true;
}

function configFile(sites: Site[]): string {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ sites }));
  return file;
}

describe('safe secrets by default', () => {
  for (const [what, sites, message] of refusals) {
    it(`createServer refuses ${what}`, () => {
      assert.throws(
        () => createServer({ store, sites }),
        (error) => assertRefusal(error, sites, message),
      );
    });
    it(`the config file refuses ${what}`, () => {
      const file = configFile(sites);
      assert.throws(
        () => loadSites(file),
        (error) => assertRefusal(error, sites, message) && (error as Error).message.includes(file),
      );
    });
  }

  it('accepts 32-byte secrets, unique keys and a short public write key', () => {
    const sites = [shop({ secret: bytes(32) }), blog({ agentKey: `${good.agentKey}-blog` })];
    assert.doesNotThrow(() => createServer({ store, sites }));
    assert.deepEqual(loadSites(configFile(sites)), sites);
  });

  it('runs the shipped config only as the demo', () => {
    assert.throws(
      () => loadSites('server/omnikit.config.json'),
      /sites\[0\]\.secret .*example.*npm run demo/,
    );
    const sites = loadSites('server/omnikit.config.json', { demo: true });
    assert.throws(() => createServer({ store, sites }), /sites\[0\]\.secret .*example/);
    assert.doesNotThrow(() => createServer({ store, sites, demo: true }));
  });

  it('the demo accepts short and example secrets, never a shared key', () => {
    const weak = [shop({ secret: 'short', agentKey: 'demo-agent-key-change-me' }), blog()];
    assert.doesNotThrow(() => createServer({ store, sites: weak, demo: true }));
    assert.doesNotThrow(() => loadSites(configFile(weak), { demo: true }));
    const shared = [shop(), blog({ agentKey: good.agentKey })];
    assert.throws(
      () => createServer({ store, sites: shared, demo: true }),
      /sites\[1\]\.agentKey must be unique/,
    );
    assert.throws(() => loadSites(configFile(shared), { demo: true }), /sites\[1\]\.agentKey must be unique/);
  });
});

const runMain = (env: Record<string, string>) =>
  runServerMain({ DATA_DIR: mkdtempSync(join(dir, 'data-')), ...env });

describe('tsx server/main.ts', () => {
  it('exits non-zero on the shipped config, saying how to start the demo or make secrets', async () => {
    const { code, stdout, stderr } = await runMain({
      OMNIKIT_DEMO: '',
      OMNIKIT_CONFIG: 'server/omnikit.config.json',
    });
    assert.notEqual(code, 0);
    assert.doesNotMatch(stdout, /listening on/);
    assert.match(stderr, /sites\[0\]\.secret must be a secret of your own, not an example/);
    assert.match(stderr, /npm run demo/);
    assert.match(stderr, /OMNIKIT_DEMO=1/);
    assert.match(stderr, /openssl rand -base64 32/);
    assert.doesNotMatch(stderr, /demo-secret-change-me/);
  });

  it('serves the example config shipped with the package with OMNIKIT_DEMO=1, on a loopback host only', async () => {
    const demo = await runMain({ OMNIKIT_DEMO: '1' });
    assert.match(demo.stdout, /listening on http:\/\/127\.0\.0\.1:\d+/, demo.stderr);
    const exposed = await runMain({ OMNIKIT_DEMO: '1', HOST: '0.0.0.0' });
    assert.notEqual(exposed.code, 0);
    assert.match(exposed.stderr, /only on a loopback HOST/);
  });

  it('starts on a config with real secrets', async () => {
    const { stdout, stderr } = await runMain({
      OMNIKIT_DEMO: '',
      OMNIKIT_CONFIG: configFile([shop(), blog()]),
    });
    assert.match(stdout, /listening on/, stderr);
  });
});

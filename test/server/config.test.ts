import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createServer, loadConfig, loadSites, openSqliteStore } from '../../server/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'omnikit-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function configFile(content: unknown): string {
  n += 1;
  const file = join(dir, `config-${n}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** A key long and random enough to be accepted, used twice where keys must differ. */
const SAME = 'a-key-of-32-bytes-or-more-used-twice-7e41c9';

const site = (overrides: Record<string, unknown> = {}) => ({
  id: 'shop',
  writeKey: 'shop-key',
  origins: ['http://localhost:8000'],
  ...overrides,
});

describe('loadSites', () => {
  it('loads the shipped demo config, as the demo', () => {
    // Its tracking plan extends the built-in e-commerce plan: checked apart, it is long.
    const [{ plan, staff, ...demo }] = loadSites('server/omnikit.config.json', { demo: true });
    assert.ok(plan?.events['Order Completed'], 'the e-commerce plan, resolved');
    // The console's demo accounts (console-config.test.ts checks their passwords).
    assert.deepEqual(
      staff?.map(({ name, role }) => [name, role]),
      [
        ['ada-agent', 'agent'],
        ['sam-associate', 'associate'],
      ],
    );
    assert.deepEqual(
      [demo],
      [
        {
          id: 'demo',
          writeKey: 'demo-write-key',
          origins: ['http://localhost:8080', 'http://127.0.0.1:8080'],
          secret: 'demo-secret-change-me',
          agentKey: 'demo-agent-key-change-me',
          serverKey: 'demo-server-key-change-me',
          // The demo shop's products (demo/index.html), so its cart lines are checked against them.
          catalog: {
            'sku-mug': { price: 14, currency: 'EUR', available: true },
            'sku-tee': { price: 29, currency: 'EUR', available: true },
            'sku-bag': { price: 19, currency: 'EUR', available: true },
          },
        },
      ],
    );
  });

  it("prices every product of the demo shop as the shop's page shows it", () => {
    const page = readFileSync('demo/index.html', 'utf8');
    const shown = [...page.matchAll(/\{ id: '([\w-]+)', name: '[^']*', price: ([\d.]+) \}/g)];
    assert.ok(shown.length > 0, 'the products of demo/index.html');
    const { catalog } = loadSites('server/omnikit.config.json', { demo: true })[0];
    for (const [, id, price] of shown) assert.equal(catalog?.[id]?.price, Number(price), id);
  });

  it('loads a catalog, with currency and availability optional', () => {
    const catalog = { 'tee-m': { price: 19.9, currency: 'EUR' }, mug: { price: 0, available: false } };
    assert.deepEqual(loadSites(configFile({ sites: [site({ catalog })] }))[0].catalog, catalog);
  });

  it("loads several sites, '*' included, with or without a secret", () => {
    const sites = [
      site({
        secret: 'shop-secret-of-32-bytes-or-more-5f0c2a9e',
        agentKey: 'shop-agent-key-of-32-bytes-or-more-81d3b7',
      }),
      site({ id: 'blog', writeKey: 'blog-key', origins: ['*', 'https://blog.example:8443'] }),
    ];
    assert.deepEqual(loadSites(configFile({ sites })), sites);
  });

  const failures: [string, unknown, RegExp][] = [
    ['invalid JSON', '{ "sites": [', /is not valid JSON/],
    ['no sites array', { site: [] }, /"sites" array/],
    ['empty sites', { sites: [] }, /at least one site/],
    ['a site that is not an object', { sites: ['shop'] }, /sites\[0\] must be an object/],
    ['a missing id', { sites: [site({ id: '' })] }, /sites\[0\]\.id must be a non-empty string/],
    [
      'a duplicate id',
      { sites: [site(), site({ writeKey: 'other' })] },
      /sites\[1\]\.id "shop" is used by another site/,
    ],
    [
      'a missing writeKey',
      { sites: [site({ writeKey: undefined })] },
      /sites\[0\]\.writeKey must be a non-empty string/,
    ],
    [
      'a shared writeKey',
      { sites: [site(), site({ id: 'blog' })] },
      /sites\[1\]\.writeKey is used by another site/,
    ],
    ['an empty secret', { sites: [site({ secret: '' })] }, /sites\[0\]\.secret must be a non-empty string/],
    ['a secret that is not a string', { sites: [site({ secret: 42 })] }, /sites\[0\]\.secret/],
    [
      'a short agentKey',
      { sites: [site({ agentKey: 'short' })] },
      /sites\[0\]\.agentKey must be a secret of at least 32 bytes/,
    ],
    ['an agentKey that is not a string', { sites: [site({ agentKey: 1234 })] }, /sites\[0\]\.agentKey/],
    [
      'an agentKey equal to the secret',
      { sites: [site({ secret: SAME, agentKey: SAME })] },
      /sites\[0\]\.agentKey must be unique, but it equals sites\[0\]\.secret/,
    ],
    [
      'a shared agentKey',
      {
        sites: [site({ agentKey: SAME }), site({ id: 'blog', writeKey: 'blog-key', agentKey: SAME })],
      },
      /sites\[1\]\.agentKey must be unique, but it equals sites\[0\]\.agentKey/,
    ],
    ['origins not an array', { sites: [site({ origins: '*' })] }, /sites\[0\]\.origins must be an array/],
    [
      'an origin with a path',
      { sites: [site({ origins: ['http://localhost:8000/shop'] })] },
      /origins\[0\].*not an exact origin/,
    ],
    [
      'an origin with a trailing slash',
      { sites: [site({ origins: ['http://a.example', 'http://b.example/'] })] },
      /origins\[1\]/,
    ],
    [
      'an origin that is not a URL',
      { sites: [site({ origins: ['localhost:8000'] })] },
      /not an exact origin/,
    ],
    [
      'a catalog that is an array',
      { sites: [site({ catalog: [] })] },
      /sites\[0\]\.catalog must be an object/,
    ],
    [
      'a catalog price that is not a number',
      { sites: [site({ catalog: { tee: { price: '19.90' } } })] },
      /sites\[0\]\.catalog\["tee"\]\.price must be a number >= 0/,
    ],
    [
      'a negative catalog price',
      { sites: [site({ catalog: { tee: { price: -1 } } })] },
      /catalog\["tee"\]\.price/,
    ],
    [
      'an empty catalog currency',
      { sites: [site({ catalog: { tee: { price: 1, currency: '' } } })] },
      /catalog\["tee"\]\.currency/,
    ],
    [
      'a catalog availability that is not a boolean',
      { sites: [site({ catalog: { tee: { price: 1, available: 'no' } } })] },
      /catalog\["tee"\]\.available must be a boolean/,
    ],
  ];
  for (const [what, content, message] of failures) {
    it(`rejects ${what} with a clear error naming the file`, () => {
      const file = configFile(content);
      assert.throws(
        () => loadSites(file),
        (error: Error) => {
          assert.match(error.message, message);
          assert.ok(error.message.includes(file), error.message);
          return true;
        },
      );
    });
  }

  it('reports a missing file', () => {
    assert.throws(() => loadSites(join(dir, 'nope.json')), /Cannot read Omnikit config .*nope\.json/);
  });
});

describe('loadConfig: limits and trusted proxies', () => {
  it('reads server-wide limits, trusted proxies and per-site limits', () => {
    const siteLimits = { recordsPerProfile: 500, bytesPerProfile: 1_000_000, streamsPerIp: 50 };
    const config = {
      limits: {
        syncPerIp: { limit: 10_000, windowMs: 60_000 },
        agentKeyFailures: { limit: 5, windowMs: 600_000 },
      },
      trustedProxies: ['10.0.0.0/8', '2001:db8::/32', '127.0.0.1'],
      sites: [site({ limits: siteLimits })],
    };
    const loaded = loadConfig(configFile(config));
    assert.deepEqual(loaded.limits, config.limits);
    assert.deepEqual(loaded.trustedProxies, config.trustedProxies);
    assert.deepEqual(loaded.sites[0].limits, siteLimits);
    // loadSites is the same file's sites, unchanged.
    assert.deepEqual(loadSites(configFile(config))[0].limits, siteLimits);
  });

  it('reads a config without them', () => {
    const loaded = loadConfig(configFile({ sites: [site()] }));
    assert.deepEqual(loaded, { sites: [site()] });
  });

  const failures: [string, unknown, RegExp][] = [
    [
      'limits that are not an object',
      { sites: [site({ limits: [] })] },
      /sites\[0\]\.limits must be an object/,
    ],
    [
      'an unknown limit',
      { sites: [site({ limits: { syncsPerDevice: 5 } })] },
      /sites\[0\]\.limits\.syncsPerDevice is not a limit; known: .*syncPerDevice/,
    ],
    [
      'a rate without a window',
      { sites: [site({ limits: { syncPerDevice: { limit: 5 } } })] },
      /sites\[0\]\.limits\.syncPerDevice\.windowMs must be a number > 0/,
    ],
    [
      'a rate of zero',
      { sites: [site({ limits: { batchesPerIp: { limit: 0, windowMs: 1000 } } })] },
      /sites\[0\]\.limits\.batchesPerIp\.limit must be an integer >= 1/,
    ],
    [
      'a count given as a rate',
      { sites: [site({ limits: { streamsPerDevice: { limit: 2, windowMs: 1 } } })] },
      /sites\[0\]\.limits\.streamsPerDevice must be an integer >= 1/,
    ],
    [
      'a fractional quota',
      { sites: [site({ limits: { recordsPerProfile: 1.5 } })] },
      /sites\[0\]\.limits\.recordsPerProfile must be an integer >= 1/,
    ],
    [
      'a server-wide limit on a site',
      { sites: [site({ limits: { agentKeyFailures: { limit: 5, windowMs: 1000 } } })] },
      /sites\[0\]\.limits\.agentKeyFailures is server-wide: set it in the top-level "limits"/,
    ],
    [
      'bad top-level limits',
      { limits: { recordsPerProfile: -1 }, sites: [site()] },
      /^.*: limits\.recordsPerProfile must be/,
    ],
    [
      'trustedProxies not an array',
      { trustedProxies: '10.0.0.1', sites: [site()] },
      /trustedProxies must be an array/,
    ],
    [
      'a trusted proxy that is no address or range',
      { trustedProxies: ['10.0.0.1', 'proxy.internal'], sites: [site()] },
      /trustedProxies\[1\] "proxy.internal" is not an IP address or CIDR range/,
    ],
    ['a bad CIDR prefix', { trustedProxies: ['10.0.0.0/40'], sites: [site()] }, /trustedProxies\[0\]/],
  ];
  for (const [what, content, message] of failures) rejectsNamingFile(what, content, message);

  it('createServer checks its limits and trusted proxies the same way', () => {
    const store = openSqliteStore(join(dir, 'limits.db'));
    try {
      const sites = [site()] as Parameters<typeof createServer>[0]['sites'];
      assert.throws(
        () => createServer({ store, sites, limits: { syncPerDevice: { limit: 0, windowMs: 1 } } }),
        /createServer\(\): limits\.syncPerDevice\.limit must be an integer >= 1/,
      );
      assert.throws(() => createServer({ store, sites, trustedProxies: ['nope'] }), /trustedProxies\[0\]/);
      assert.throws(
        () => createServer({ store, sites: [{ ...sites[0], limits: { streamsPerIp: 0 } }] }),
        /sites\[0\]\.limits\.streamsPerIp must be an integer >= 1/,
      );
    } finally {
      void store.close();
    }
  });
});

describe('loadConfig: webhook delivery', () => {
  it('reads how webhooks are delivered, for servers started from a config file', () => {
    const webhookDelivery = { concurrency: 4, timeoutMs: 2000, leaseMs: 30_000, retryForMs: 86_400_000 };
    const loaded = loadConfig(configFile({ sites: [site()], webhookDelivery }));
    assert.deepEqual(loaded.webhookDelivery, webhookDelivery);
  });

  const refused: [string, unknown, RegExp][] = [
    ['not an object', [4], /webhookDelivery must be an object of .*concurrency/],
    ['an unknown option (a typo)', { timeout: 2000 }, /webhookDelivery\.timeout is no delivery option/],
    ['a number that is not > 0', { concurrency: 0 }, /webhookDelivery\.concurrency must be a number > 0/],
    ['a count that is not whole', { batchSize: 2.5 }, /webhookDelivery\.batchSize must be an integer/],
    ['text for a number', { timeoutMs: '2000' }, /webhookDelivery\.timeoutMs must be a number > 0/],
    ['a lease no longer than the timeout', { timeoutMs: 60_000 }, /webhookDelivery\.leaseMs must be longer/],
  ];
  for (const [what, webhookDelivery, error] of refused) {
    it(`refuses ${what}, naming the field and the file`, () => {
      const file = configFile({ sites: [site()], webhookDelivery });
      assert.throws(
        () => loadConfig(file),
        (e: Error) => e.message.includes(file) && error.test(e.message),
      );
    });
  }
});

describe('loadConfig: secrets from the environment', () => {
  /** `${NAME}` as the config file writes it. */
  const ref = (name: string) => `\${${name}}`;
  const SECRET = 'L4y0ZqV8cM2nR7tW1xB9dF3gH6jK5pS0uE8iO2aQ4wY="quoted"\\';
  const SERVER_KEY = 'Zc3Vb8Nm1Qw6Er4Ty9Ui2Op7As5Df0Gh3Jk8Lz1Xc6=';

  it('replaces a reference to an environment variable in any string with its value, whatever it holds', () => {
    const file = configFile({
      sites: [
        site({
          writeKey: `shop-${ref('STAGE')}`,
          secret: ref('SHOP_SECRET'),
          serverKey: ref('SHOP_SERVER_KEY'),
          origins: [`https://${ref('SHOP_HOST')}`],
        }),
      ],
    });
    const env = {
      SHOP_SECRET: SECRET,
      SHOP_SERVER_KEY: SERVER_KEY,
      SHOP_HOST: 'shop.example',
      STAGE: 'live',
    };
    const [loaded] = loadConfig(file, {}, env).sites;
    assert.equal(loaded.secret, SECRET);
    assert.equal(loaded.serverKey, SERVER_KEY);
    assert.equal(loaded.writeKey, 'shop-live');
    assert.deepEqual(loaded.origins, ['https://shop.example']);
  });

  it('refuses a variable that is not set or empty, naming the field and the variable', () => {
    const file = configFile({ sites: [site({ secret: ref('SHOP_SECRET') })] });
    for (const env of [{}, { SHOP_SECRET: '' }]) {
      assert.throws(
        () => loadConfig(file, {}, env),
        /sites\[0\]\.secret: environment variable SHOP_SECRET is not set/,
      );
    }
  });

  it('leaves $NAME without braces, and lower-case names, as they are; checks secrets after replacing', () => {
    const file = configFile({ sites: [site({ writeKey: `key-$STAGE-${ref('lower')}` })] });
    assert.equal(
      loadConfig(file, {}, { STAGE: 'x', lower: 'y' }).sites[0].writeKey,
      `key-$STAGE-${ref('lower')}`,
    );
    // An example secret coming from the environment is refused like one written in the file.
    const example = configFile({ sites: [site({ secret: ref('SHOP_SECRET') })] });
    assert.throws(() => loadConfig(example, {}, { SHOP_SECRET: 'change-me' }), /sites\[0\]\.secret/);
  });
});

describe('loadConfig: retention', () => {
  it('reads a site retention in days, and a site without one keeps everything', () => {
    const retention = { events: 395, anonymousProfiles: 30, chat: 180, drafts: 7 };
    const loaded = loadConfig(
      configFile({ sites: [site({ retention }), site({ id: 'blog', writeKey: 'b' })] }),
    );
    assert.deepEqual(loaded.sites[0].retention, retention);
    assert.equal(loaded.sites[1].retention, undefined);
    // Each kind is optional: what is left out is kept until erased.
    assert.deepEqual(
      loadConfig(configFile({ sites: [site({ retention: { drafts: 1 } })] })).sites[0].retention,
      { drafts: 1 },
    );
  });

  const hostile: [string, unknown, RegExp][] = [
    ['not an object', [], /sites\[0\]\.retention must be an object like \{"events": 395/],
    ['an unknown kind', { evnts: 30 }, /sites\[0\]\.retention\.evnts is not a kind of data; known: events, /],
    [
      'zero days',
      { events: 0 },
      /sites\[0\]\.retention\.events must be a whole number of days from 1 to 36500/,
    ],
    ['negative days', { chat: -5 }, /sites\[0\]\.retention\.chat must be a whole number of days/],
    ['a fraction of a day', { drafts: 1.5 }, /sites\[0\]\.retention\.drafts must be a whole number of days/],
    [
      '1e12 days',
      { anonymousProfiles: 1e12 },
      /sites\[0\]\.retention\.anonymousProfiles must be .* to 36500/,
    ],
    ['a string', { events: '30' }, /sites\[0\]\.retention\.events must be a whole number of days/],
    ['null', { events: null }, /sites\[0\]\.retention\.events must be a whole number of days/],
  ];
  for (const [what, retention, message] of hostile) {
    rejectsNamingFile(`a retention of ${what}`, { sites: [site({ retention })] }, message);
  }

  it('createServer and reloadSites check a retention the same way (NaN included)', () => {
    const store = openSqliteStore(join(dir, 'retention.db'));
    try {
      const sites = [site()] as Parameters<typeof createServer>[0]['sites'];
      const bad = [{ ...sites[0], retention: { events: Number.NaN } }];
      assert.throws(
        () => createServer({ store, sites: bad }),
        /sites\[0\]\.retention\.events must be a whole number of days/,
      );
      const server = createServer({ store, sites });
      assert.throws(() => server.reloadSites(bad), /sites\[0\]\.retention\.events/);
    } finally {
      void store.close();
    }
  });
});

/** A test that loading `content` as the config file fails with `message`, naming the file. */
function rejectsNamingFile(what: string, content: unknown, message: RegExp): void {
  it(`rejects ${what}, naming the field and the file`, () => {
    const file = configFile(content);
    assert.throws(
      () => loadConfig(file),
      (error: Error) => {
        assert.match(error.message, message);
        assert.ok(error.message.includes(file), error.message);
        return true;
      },
    );
  });
}

// The config file's JSON Schema (server/omnikit.config.schema.json), which editors complete and check
// a config with, says what loadConfig accepts: the shipped configs and docs/config.md's example pass
// it, configs loadConfig refuses for their shape fail it too, and its limits are the server's.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../server/index.ts';
import { COUNT_LIMIT_NAMES, RATE_LIMIT_NAMES, SERVER_WIDE_LIMITS } from '../../server/limits/defaults.ts';
import { validate } from './protocol/json-schema.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const schema = JSON.parse(readFileSync(join(ROOT, 'server/omnikit.config.schema.json'), 'utf8'));
const check = (config: unknown) => validate(config, schema, schema);
const dir = mkdtempSync(join(tmpdir(), 'omnikit-config-schema-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** docs/config.md's complete example: the first ```json block after "## A complete example". */
function documentedExample(): unknown {
  const doc = readFileSync(join(ROOT, 'docs/config.md'), 'utf8');
  const block = /## A complete example[\s\S]*?```json\n([\s\S]*?)```/.exec(doc);
  assert.ok(block, 'docs/config.md has a complete example');
  return JSON.parse(block[1]);
}

const site = { id: 'shop', writeKey: 'shop-key', origins: ['https://shop.example'] };
const webhook = { name: 'crm', url: 'http://127.0.0.1:9000/in', secret: 'a-webhook-secret' };

describe('the config schema', () => {
  it('accepts the shipped demo config and the documented example', () => {
    assert.deepEqual(check(JSON.parse(readFileSync(join(ROOT, 'server/omnikit.config.json'), 'utf8'))), []);
    const example = documentedExample();
    assert.deepEqual(check(example), []);
    // The example loads too, its ${NAME}s from the environment.
    const file = join(dir, 'example.json');
    writeFileSync(file, JSON.stringify(example));
    const env = {
      SHOP_SECRET: 'L4y0ZqV8cM2nR7tW1xB9dF3gH6jK5pS0uE8iO2aQ4wY=',
      SHOP_AGENT_KEY: 'Tq7Xk2Pz9Rb4Nm1Vc8Ld3Hs6Jf0Gw5Ye2Ua7Io4Kp1=',
      SHOP_SERVER_KEY: 'Zc3Vb8Nm1Qw6Er4Ty9Ui2Op7As5Df0Gh3Jk8Lz1Xc6=',
      METRICS_TOKEN: 'Mx5Pq2Wr8Ty1Ui4Op7As0Df3Gh6Jk9Lz2Xc5Vb8Nm=',
      CRM_WEBHOOK_SECRET: 'Wh7Rt2Yu5Io8Pa1Sd4Fg7Hj0Kl3Zx6Cv9Bn2Mq5We=',
    };
    const loaded = loadConfig(file, {}, env);
    assert.equal(loaded.sites.length, 2);
    assert.deepEqual(loaded.metrics, { token: env.METRICS_TOKEN });
  });

  it('refuses what loadConfig refuses for its shape', () => {
    const refused: unknown[] = [
      {},
      { sites: [] },
      { sites: [{ ...site, id: '' }] },
      { sites: [{ ...site, writeKey: 7 }] },
      { sites: [{ ...site, origins: 'https://shop.example' }] },
      { sites: [{ ...site, origins: ['https://shop.example/'] }] },
      { sites: [{ ...site, catalog: { mug: { price: -1 } } }] },
      { sites: [{ ...site, limits: { syncPerDevice: { limit: 0, windowMs: 1000 } } }] },
      { sites: [{ ...site, limits: { agentKeyFailures: { limit: 5, windowMs: 1000 } } }] },
      { sites: [site], limits: { streamsPerIp: 0 } },
      { sites: [site], limits: { noSuchLimit: 3 } },
      { sites: [site], trustedProxies: '10.0.0.0/8' },
      { sites: [site], metrics: 'a-metrics-token' },
      { sites: [site], metrics: {} },
      { sites: [site], metrics: { token: '' } },
      { sites: [site], metrics: { token: 'a-metrics-token', port: 9100 } },
      { sites: [{ ...site, retention: [] }] },
      { sites: [{ ...site, retention: { evnts: 30 } }] },
      { sites: [{ ...site, retention: { events: 0 } }] },
      { sites: [{ ...site, retention: { chat: -1 } }] },
      { sites: [{ ...site, retention: { drafts: 1.5 } }] },
      { sites: [{ ...site, retention: { anonymousProfiles: 1e12 } }] },
      { sites: [{ ...site, retention: { events: '30' } }] },
      { sites: [{ ...site, webhooks: {} }] },
      { sites: [{ ...site, webhooks: [{ name: 'crm', url: 'https://crm.example/in' }] }] },
      { sites: [{ ...site, webhooks: [{ ...webhook, name: 'a b' }] }] },
      { sites: [{ ...site, webhooks: [{ ...webhook, url: 'http://crm.example/in' }] }] },
      { sites: [{ ...site, webhooks: [{ ...webhook, url: 'ftp://crm.example/in' }] }] },
      { sites: [{ ...site, webhooks: [{ ...webhook, url: 'https://crm.example/in#x' }] }] },
      { sites: [{ ...site, webhooks: [{ ...webhook, events: [] }] }] },
      { sites: [{ ...site, webhooks: [{ ...webhook, types: ['click'] }] }] },
      { sites: [{ ...site, webhooks: [{ ...webhook, retries: 3 }] }] },
    ];
    for (const [index, config] of refused.entries()) {
      assert.notDeepEqual(check(config), [], `schema accepts ${JSON.stringify(config)}`);
      const file = join(dir, `refused-${index}.json`);
      writeFileSync(file, JSON.stringify(config));
      assert.throws(() => loadConfig(file, { demo: true }), `loadConfig accepts ${JSON.stringify(config)}`);
    }
  });

  it("lists exactly the server's limits, server-wide ones only at the top level", () => {
    const names = (limits: { properties: Record<string, unknown> }) => Object.keys(limits.properties).sort();
    const all = [...RATE_LIMIT_NAMES, ...COUNT_LIMIT_NAMES];
    const serverWide: readonly string[] = SERVER_WIDE_LIMITS;
    assert.deepEqual(names(schema.$defs.serverLimits), [...all].sort());
    assert.deepEqual(names(schema.$defs.siteLimits), all.filter((name) => !serverWide.includes(name)).sort());
  });
});

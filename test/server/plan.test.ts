// Tracking plans on the server: each incoming track event is checked against the site's plan by
// the same checker as the browser's; violations are recorded per event and property and counted by
// GET /v1/plan/report, while every event is still stored. Real server, real HTTP, real SQLite file.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { planReportPage } from '../../demo/plan-report.ts';
import { validateSites } from '../../server/config.ts';
import type { PlanReport } from '../../server/index.ts';
import { validatePlan } from '../../server/plan/validate.ts';
import { ecommerce } from '../../src/plan/ecommerce.ts';
import { type Harness, type IngestBody, postJson, SITES, startServer, trackEvent } from './helpers.ts';

const SHOP_SERVER_KEY = 'shop-server-key-for-tests-2e94b7c10d5a8f63';
const BLOG_SERVER_KEY = 'blog-server-key-for-tests-7a1d3c95e0b2f468';

let h: Harness;
before(async () => {
  const [shop, blog] = SITES;
  const plan = validateSites({
    sites: [
      {
        ...shop,
        serverKey: SHOP_SERVER_KEY,
        plan: {
          extends: ['ecommerce'],
          events: { 'Plan Chosen': { properties: { plan: { enum: ['free', 'pro'] } }, required: ['plan'] } },
        },
      },
      { ...blog, serverKey: BLOG_SERVER_KEY },
    ],
  });
  h = await startServer({ sites: plan });
});
after(() => h.close());
beforeEach(() => h.store.reset());

async function report(key: string | null = SHOP_SERVER_KEY, query = ''): Promise<Response> {
  return fetch(`${h.url}/v1/plan/report${query}`, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
}
const counts = (body: PlanReport) => body.violations.map((v) => [v.event, v.path, v.kind, v.count]);

describe('plan checks at ingest', () => {
  it('stores every event and counts each violation per event, property and kind', async () => {
    const bad = [
      trackEvent({ event: 'Product Added', properties: { price: 3 } }), // missing product_id
      trackEvent({ event: 'Product Added', properties: { product_id: 7 } }), // wrong type
      trackEvent({ event: 'Product Added', properties: {} }), // missing product_id again
      trackEvent({ event: 'Plan Chosen', properties: { plan: 'gold' } }), // bad enum
      trackEvent({ event: 'Order Completed', properties: { order_id: 'o', currency: 'eur' } }), // bad pattern
      trackEvent({ event: 'Order Completed', properties: { order_id: 'o', total: -1 } }), // out of range
      trackEvent({ event: 'product viewed', properties: { product_id: 'p' } }), // naming + unknown
      trackEvent({ event: 'Product Viewed', properties: { product_id: 'p', listPrice: 3 } }), // naming property
    ];
    const good = [
      trackEvent({ event: 'Product Viewed', properties: { product_id: 'p' } }),
      trackEvent({
        type: 'page',
        event: undefined,
        properties: { Title: 'not checked: only track is planned' },
      }),
    ];
    const res = await postJson(`${h.url}/v1/batch`, { batch: [...bad, ...good] });
    assert.deepEqual(((await res.json()) as IngestBody).accepted, 10, 'never dropped for a plan violation');
    assert.equal((await h.store.listEvents('shop')).length, 10);

    const body = (await (await report()).json()) as PlanReport;
    assert.equal(body.siteId, 'shop');
    assert.equal(body.planned, true);
    assert.deepEqual(counts(body), [
      ['Product Added', 'product_id', 'missing_required', 2],
      ['Order Completed', 'currency', 'bad_pattern', 1],
      ['Order Completed', 'total', 'out_of_range', 1],
      ['Plan Chosen', 'plan', 'bad_enum', 1],
      ['Product Added', 'product_id', 'wrong_type', 1],
      ['Product Viewed', 'listPrice', 'naming_property', 1],
      ['product viewed', '', 'naming_event', 1],
      ['product viewed', '', 'unknown_event', 1],
    ]);
    const missing = body.violations[0];
    assert.deepEqual(
      new Set(missing.examples.map((e) => e.messageId)),
      new Set([bad[0].messageId, bad[2].messageId]),
    );
    assert.match(missing.examples[0].message, /product_id: required property is missing/);
    assert.ok(Date.parse(missing.lastSeen) > 0);
  });

  it('counts a re-sent event once, and checks the Segment and RudderStack routes too', async () => {
    const event = trackEvent({ event: 'Plan Chosen', properties: { plan: 'gold' } });
    await postJson(`${h.url}/v1/batch`, { batch: [event] });
    await postJson(`${h.url}/v1/batch`, { batch: [event] });
    await postJson(`${h.url}/t`, trackEvent({ event: 'Plan Chosen', properties: {} }));
    await postJson(`${h.url}/v1/track`, trackEvent({ event: 'Plan Chosen', properties: { plan: 'free' } }));
    const body = (await (await report()).json()) as PlanReport;
    assert.deepEqual(counts(body), [
      ['Plan Chosen', 'plan', 'bad_enum', 1],
      ['Plan Chosen', 'plan', 'missing_required', 1],
    ]);
  });

  it('checks nothing for a site without a plan', async () => {
    await postJson(
      `${h.url}/v1/batch`,
      { batch: [trackEvent({ event: 'whatever happened' })] },
      { writeKey: 'blog-key' },
    );
    const body = (await (await report(BLOG_SERVER_KEY)).json()) as PlanReport;
    assert.deepEqual(body, { siteId: 'blog', planned: false, violations: [] });
  });

  it('limits examples with ?examples=', async () => {
    const batch = [1, 2, 3, 4].map(() => trackEvent({ event: 'Nope Event', properties: {} }));
    await postJson(`${h.url}/v1/batch`, { batch });
    const body = (await (await report(SHOP_SERVER_KEY, '?examples=1')).json()) as PlanReport;
    assert.deepEqual(
      body.violations.map((v) => [v.count, v.examples.length]),
      [[4, 1]],
    );
  });
});

describe('the demo page (/plan)', () => {
  it('renders the counts, escaping what clients sent', async () => {
    await postJson(`${h.url}/v1/batch`, {
      batch: [trackEvent({ event: '<b>Evil</b> Event', properties: {} })],
    });
    const page = await planReportPage(h.url, SHOP_SERVER_KEY);
    assert.match(
      page,
      /<td>&#60;b&#62;Evil&#60;\/b&#62; Event<\/td><td><code>—<\/code><\/td><td>unknown_event<\/td><td>1<\/td>/,
    );
    assert.doesNotMatch(page, /<b>Evil/);
    assert.match(await planReportPage(h.url, BLOG_SERVER_KEY), /no tracking plan/);
    assert.match(await planReportPage(h.url, undefined), /Add a <code>serverKey<\/code>/);
  });
});

describe('GET /v1/plan/report authentication', () => {
  for (const [label, key, code] of [
    ['no key', null, 'missing_server_key'],
    ['an unknown key', 'not-a-key', 'invalid_server_key'],
    ['the public write key', 'shop-key', 'invalid_server_key'],
  ] as const) {
    it(`refuses ${label} with 401 ${code}`, async () => {
      const res = await report(key);
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, code);
    });
  }
});

describe('site config: plan and serverKey', () => {
  const site = { id: 's', writeKey: 'k', origins: ['*'] };
  it('reads a plan file relative to the config and resolves extends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnikit-plan-config-'));
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ extends: ['ecommerce'], events: {} }));
    const [loaded] = validateSites({ sites: [{ ...site, plan: 'plan.json' }] }, dir);
    assert.ok(loaded.plan?.events['Order Completed']);
    assert.equal(loaded.plan?.naming?.events, 'Title Case');
  });
  for (const [plan, error] of [
    ['missing.json', /sites\[0\]\.plan: cannot read plan/],
    [{ events: [] }, /sites\[0\]\.plan must be an object with an "events" object/],
    [
      { events: { A: { type: 'object', properties: { x: { type: 'text' } } } } },
      /\.properties\.x\.type "text"/,
    ],
    [{ events: { A: { properties: { x: { pattern: '(' } } } } }, /pattern is not a valid regular expression/],
    [{ events: { A: { oneOf: [] } } }, /oneOf: keyword not supported/],
    [{ extends: ['shopify'], events: {} }, /unknown built-in plan "shopify"/],
  ] as const) {
    it(`refuses a bad plan: ${error.source}`, () => {
      assert.throws(() => validateSites({ sites: [{ ...site, plan }] }, tmpdir()), error);
    });
  }
  it('accepts the built-in e-commerce plan as a plan file would hold it', () => {
    assert.doesNotThrow(() => validatePlan(JSON.parse(JSON.stringify(ecommerce)), 'ecommerce'));
  });
  it('refuses a short server key or one equal to the write key', () => {
    assert.throws(
      () => validateSites({ sites: [{ ...site, serverKey: 'short' }] }),
      /serverKey must be a secret of at least 32 bytes/,
    );
    const writeKey = 'write-key-as-long-as-a-secret-0a8f3e6b2d';
    assert.throws(
      () => validateSites({ sites: [{ ...site, writeKey, serverKey: writeKey }] }),
      /sites\[0\]\.serverKey must be unique, but it equals sites\[0\]\.writeKey/,
    );
  });
});

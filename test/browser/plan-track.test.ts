// The tracking plan at run time, through `omnikit.track` on real clients against the real
// backend: each violation kind in each mode, as the server stored it, and the failures that must never
// cost an event (the chunk or the plan URL unavailable). The checker alone: plan-check.test.ts.
import { expect } from '@open-wc/testing';
import type { TrackingPlan, Violation } from '../../src/plan/types.ts';
import {
  backend,
  openDevice,
  resetBackend,
  type StoredEvent,
  storedEvents,
  type Tab,
  waitFor,
  writeKeys,
} from './helpers.ts';
import { type ClientPage, pagePool } from './sdk.ts';

const plan: TrackingPlan = {
  naming: { events: 'Title Case', properties: 'snake_case' },
  events: {
    'Plan Chosen': {
      properties: { plan: { type: 'string', enum: ['free', 'pro'] }, seats: { type: 'integer' } },
      required: ['plan'],
    },
    // Planned, so that its only violation is its name.
    'plan picked': { properties: { plan: { type: 'string' } } },
  },
};

/** One call per kind, `n` telling them apart on the server, and the violations it must yield. */
const CASES: [label: string, event: string, properties: Record<string, unknown>, expected: string[][]][] = [
  ['unknown_event', 'Plan Renamed', { plan: 'pro' }, [['unknown_event', '']]],
  ['missing_required', 'Plan Chosen', { seats: 2 }, [['missing_required', 'plan']]],
  ['wrong_type', 'Plan Chosen', { plan: 'pro', seats: 'two' }, [['wrong_type', 'seats']]],
  ['bad_enum', 'Plan Chosen', { plan: 'gold' }, [['bad_enum', 'plan']]],
  ['naming_event', 'plan picked', { plan: 'pro' }, [['naming_event', '']]],
  ['naming_property', 'Plan Chosen', { plan: 'pro', seatCount: 3 }, [['naming_property', 'seatCount']]],
];
const VALID = { plan: 'free', seats: 1 };

interface Heard {
  code: string;
  message: string;
  detail?: { event?: string; violations?: Violation[] };
}

const kinds = (violations: Violation[] = []) => violations.map((v) => [v.kind, v.path]);
const byN = (events: StoredEvent[]) =>
  new Map(events.map((e) => [(e.body.properties as { n?: number }).n, e.body]));

describe('the tracking plan in track()', () => {
  const pool = pagePool();
  beforeEach(resetBackend);
  afterEach(() => pool.closeAll());

  /** A client (ESM fixture) with `plan` in `mode`, its `error` events kept whole (detail included). */
  async function planClient(mode: string, extra: Record<string, unknown> = {}): Promise<ClientPage> {
    const client = await pool.open({
      plan: JSON.stringify(plan),
      planMode: mode,
      flushInterval: 20,
      ...extra,
    });
    await client.eval(`window.__heard = []; omnikit.on('error', (e) => __heard.push(e))`);
    return client;
  }

  /** Tracks every case, numbered 0…n-1, then the valid event as n; answers the valid event's `n`. */
  async function trackAll(client: ClientPage): Promise<number> {
    for (const [i, [, event, properties]] of CASES.entries())
      await client.call('track', event, { ...properties, n: i });
    await client.call('track', 'Plan Chosen', { ...VALID, n: CASES.length });
    return CASES.length;
  }

  const stored = async (client: ClientPage, count: number) => {
    const anonymousId = await client.anonymousId();
    return waitFor(async () => {
      const events = await storedEvents({ anonymousId, type: 'track' });
      return events.length === count && events;
    });
  };

  for (const mode of ['warn', 'flag', 'drop'] as const) {
    it(`${mode}: every violation is reported as plan_violation, with the event and its violations`, async () => {
      const client = await planClient(mode);
      await trackAll(client);
      await stored(client, mode === 'drop' ? 1 : CASES.length + 1);
      const heard = await client.eval<Heard[]>('__heard');
      expect(heard.map((h) => h.code)).to.deep.equal(CASES.map(() => 'plan_violation'));
      for (const [i, [, event, , expected]] of CASES.entries()) {
        expect(heard[i].detail?.event).to.equal(event);
        expect(kinds(heard[i].detail?.violations)).to.deep.equal(expected);
        expect(heard[i].message).to.include(event);
      }
    });
  }

  it('warn: stores every event unchanged, without context.violations', async () => {
    const client = await planClient('warn');
    await trackAll(client);
    const events = byN(await stored(client, CASES.length + 1));
    for (const [i, [, event, properties]] of CASES.entries()) {
      const body = events.get(i)!;
      expect(body.event).to.equal(event);
      expect(body.properties).to.deep.equal({ ...properties, n: i });
      expect(body.context).not.to.have.property('violations');
    }
    expect(events.get(CASES.length)!.context).not.to.have.property('violations');
  });

  it('flag: stores every event, each with exactly its violations in context.violations', async () => {
    const client = await planClient('flag');
    const valid = await trackAll(client);
    const events = byN(await stored(client, CASES.length + 1));
    for (const [i, [label, , properties, expected]] of CASES.entries()) {
      const body = events.get(i)!;
      expect(body.properties, label).to.deep.equal({ ...properties, n: i });
      const violations = (body.context as { violations: Violation[] }).violations;
      expect(kinds(violations), label).to.deep.equal(expected);
      for (const v of violations) expect(v.message, label).to.be.a('string').and.not.equal('');
    }
    expect(events.get(valid)!.context, 'a valid event is not flagged').not.to.have.property('violations');
  });

  it('drop: stores none of the violating events; the valid one and other calls of the run are', async () => {
    const client = await planClient('drop');
    await client.call('identify', 'planned-user'); // not a track event: never checked
    const valid = await trackAll(client);
    await client.call('page', 'not checked'); // neither is a page view
    const anonymousId = await client.anonymousId();
    await waitFor(async () => (await storedEvents({ anonymousId })).length === 3);
    await client.eval('omnikit.flush()');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = await storedEvents({ anonymousId });
    expect(events.map((e) => e.type)).to.deep.equal(['identify', 'track', 'page']);
    expect(events[1].body.properties).to.deep.equal({ ...VALID, n: valid });
  });

  it('passes a valid event with no report and no console output, and logs violations only in debug mode', async () => {
    const quiet = await planClient('flag');
    await quiet.eval(`window.__warned = []; console.warn = (...a) => __warned.push(String(a[0]))`);
    await quiet.call('track', 'Plan Chosen', { ...VALID, n: 0 });
    await quiet.call('track', 'Plan Renamed', { n: 1 });
    await stored(quiet, 2);
    expect((await quiet.eval<Heard[]>('__heard')).map((h) => [h.code, h.detail?.event])).to.deep.equal([
      ['plan_violation', 'Plan Renamed'],
    ]);
    expect(await quiet.eval('__warned'), 'no console without debug').to.deep.equal([]);

    const loud = await planClient('warn', { debug: true });
    await loud.eval(`window.__warned = []; console.warn = (...a) => __warned.push(String(a[0]))`);
    await loud.call('track', 'Plan Chosen', { ...VALID, n: 0 });
    await loud.call('track', 'Plan Renamed', { n: 1 });
    await stored(loud, 2);
    const warned = await loud.eval<string[]>('__warned');
    expect(warned.filter((w) => w.includes('Plan'))).to.deep.equal([
      '[omnikit] Plan Renamed: event "Plan Renamed" is not in the plan',
    ]);
  });
});

/**
 * A site's page with the script tag (dist/omnikit.js: `npm run build` first) and `attributes`; an
 * `error` listener is queued through the stub, so it hears what happens while the client starts.
 * `block`: requests to URLs matching it fail, from the start.
 */
async function scriptTagPage(
  attributes: Record<string, string>,
  block?: string,
  options?: { hold?: boolean },
): Promise<Tab> {
  const page = await openDevice('/test/fixtures/blank.html');
  if (block) await page.block(block, options);
  await page.eval(`new Promise((resolve, reject) => {
    window.__heard = [];
    window.omnikit = [['on', 'error', (e) => __heard.push(e)]];
    const s = document.createElement('script');
    s.src = '/dist/omnikit.js';
    const attributes = ${JSON.stringify({
      'data-endpoint': backend.url,
      'data-write-key': writeKeys.test,
      'data-auto-page': 'false',
      'data-flush-interval': '20',
      ...attributes,
    })};
    for (const [name, value] of Object.entries(attributes)) s.setAttribute(name, value);
    s.onload = resolve;
    s.onerror = () => reject(new Error('could not load ' + s.src));
    document.head.append(s);
  })`);
  return page;
}

describe('the tracking plan from a script tag (dist/omnikit.js)', () => {
  const pages: Tab[] = [];
  beforeEach(resetBackend);
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close().catch(() => {});
  });
  const open = async (...args: Parameters<typeof scriptTagPage>) => {
    const page = await scriptTagPage(...args);
    pages.push(page);
    return page;
  };
  const track = (page: Tab, event: string, properties: Record<string, unknown>) =>
    page.eval(`omnikit.track(${JSON.stringify(event)}, ${JSON.stringify(properties)})`);
  const storedTracks = async (page: Tab, count: number) => {
    const anonymousId = await page.eval<string>('omnikit.ready().then(() => omnikit.anonymousId())');
    return waitFor(async () => {
      const events = await storedEvents({ anonymousId, type: 'track' });
      return events.length === count && events.map((e) => e.body);
    });
  };

  it('fetches data-plan (its extends resolved) and applies data-plan-mode; Omnikit’s own events pass', async () => {
    const page = await open({ 'data-plan': '/test/fixtures/plan.json', 'data-plan-mode': 'flag' });
    await track(page, 'Plan Chosen', { plan: 'pro' });
    await track(page, 'Product Added', { price: 3 }); // from "extends": ["ecommerce"]
    // The cart's own Product Added and Cart Viewed, with the properties it gives them.
    await page.eval(`omnikit.cart.add({ productId: 'p1', name: 'Mug', price: 9.5, currency: 'EUR' })`);
    await page.eval('omnikit.cart.view()');
    const [chosen, added, cartAdded, viewed] = await storedTracks(page, 4);
    expect(chosen.context).not.to.have.property('violations');
    expect(kinds((added.context as { violations: Violation[] }).violations)).to.deep.equal([
      ['missing_required', 'product_id'],
    ]);
    expect([cartAdded.event, viewed.event]).to.deep.equal(['Product Added', 'Cart Viewed']);
    expect(cartAdded.context).not.to.have.property('violations');
    expect(viewed.context).not.to.have.property('violations');
    const heard = await page.eval<Heard[]>('__heard');
    expect(
      heard.map((h) => [h.code, h.detail?.event]),
      JSON.stringify(heard),
    ).to.deep.equal([['plan_violation', 'Product Added']]);
  });

  it('sends events unchecked, and reports plan_unavailable, when data-plan is not found', async () => {
    const page = await open({ 'data-plan': '/test/fixtures/no-such-plan.json', 'data-plan-mode': 'drop' });
    await track(page, 'Plan Renamed', { n: 1 });
    await track(page, 'Product Added', { n: 2 });
    const events = await storedTracks(page, 2);
    expect(events.map((e) => e.event)).to.deep.equal(['Plan Renamed', 'Product Added']);
    const heard = await page.eval<Heard[]>('__heard');
    expect(heard.map((h) => h.code)).to.deep.equal(['plan_unavailable']);
    expect(heard[0].message).to.match(/no-such-plan\.json: HTTP 404/);
  });

  it('sends events unchecked, and reports plan_unavailable, when the plan chunk cannot be loaded', async () => {
    const page = await open(
      { 'data-plan': '/test/fixtures/plan.json', 'data-plan-mode': 'drop' },
      'omnikit-plan\\.js',
    );
    await track(page, 'Plan Renamed', { n: 1 });
    const events = await storedTracks(page, 1);
    expect(events[0].event).to.equal('Plan Renamed');
    const heard = await page.eval<Heard[]>('__heard');
    expect(heard.map((h) => h.code)).to.deep.equal(['plan_unavailable']);
    expect(heard[0].message).to.match(/omnikit-plan\.js/);
  });

  it('holds events at most ~3 s for a plan that never arrives, then sends them unchecked and reports it', async () => {
    const page = await open(
      { 'data-plan': '/test/fixtures/plan.json', 'data-plan-mode': 'drop' },
      'fixtures/plan\\.json',
      { hold: true },
    );
    const start = Date.now();
    await track(page, 'Plan Renamed', { n: 1 });
    const events = await storedTracks(page, 1);
    expect(events[0].event).to.equal('Plan Renamed');
    expect(Date.now() - start).to.be.within(2500, 15_000);
    const heard = await page.eval<Heard[]>('__heard');
    expect(heard.map((h) => h.code)).to.deep.equal(['plan_unavailable']);
    expect(heard[0].message).to.match(/no answer in 3000 ms/);
  });
});

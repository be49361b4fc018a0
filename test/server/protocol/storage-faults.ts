// When the database refuses a write: a failed request stores nothing (events and their plan
// violations are one transaction), and the server's log says what kind of failure happened without
// ever quoting what the customer sent. Faults are real: triggers installed in the real database.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { validateSites } from '../../../server/config.ts';
import {
  type ErrorBody,
  type Harness,
  type IngestBody,
  postJson,
  SHOP_SERVER_KEY,
  SITES,
  startServer,
  trackEvent,
} from '../helpers.ts';

/** SQL that makes every insert into `table` fail, quoting the row (as pg's `detail` often does). */
function refuseInserts(engine: string, table: string, column: string): string {
  if (engine === 'sqlite') {
    return `CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table}
            BEGIN SELECT RAISE(ABORT, 'refused: ' || NEW.${column}); END;`;
  }
  return `CREATE FUNCTION refuse_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'refused: %', NEW.${column} USING DETAIL = NEW.${column}; END $$;
          CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table}
            FOR EACH ROW EXECUTE FUNCTION refuse_${table}();`;
}

function allowInserts(engine: string, table: string): string {
  return engine === 'sqlite'
    ? `DROP TRIGGER refuse_${table};`
    : `DROP TRIGGER refuse_${table} ON ${table}; DROP FUNCTION refuse_${table}();`;
}

describe('storage faults', () => {
  let h: Harness;
  let lines: string[];
  const original = { error: console.error, warn: console.warn, log: console.log };
  before(async () => {
    const [shop, blog] = SITES;
    const sites = validateSites({
      sites: [
        {
          ...shop,
          plan: {
            extends: ['ecommerce'],
            events: { 'Plan Chosen': { properties: { plan: { enum: ['pro'] } } } },
          },
        },
        blog,
      ],
    });
    h = await startServer({ sites });
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.store.reset();
    // The server's console, captured: its log is what an operator (and whoever reads the logs) sees.
    lines = [];
    const capture = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    Object.assign(console, { error: capture, warn: capture, log: capture });
  });
  afterEach(() => Object.assign(console, original));

  const batch = (events: Record<string, unknown>[]) => postJson(`${h.url}/v1/batch`, { batch: events });

  it('a batch whose plan violations cannot be stored stores none of its events; the re-sent batch is stored whole', async () => {
    const events = [
      trackEvent({ event: 'Plan Chosen', properties: { plan: 'gold' } }), // a violation of the plan
      trackEvent(),
    ];
    await h.database.exec(refuseInserts(h.database.engine, 'plan_violations', 'message'));
    try {
      const failed = await batch(events);
      assert.equal(failed.status, 500);
      assert.deepEqual(await h.store.listEvents('shop'), [], 'a failed request stored nothing');
    } finally {
      await h.database.exec(allowInserts(h.database.engine, 'plan_violations'));
    }
    const again = await batch(events);
    assert.equal(again.status, 200);
    assert.deepEqual(
      { accepted: ((await again.json()) as IngestBody).accepted },
      { accepted: 2 },
      'nothing of the failed attempt is taken for a duplicate',
    );
    const report = await fetch(`${h.url}/v1/plan/report`, {
      headers: { Authorization: `Bearer ${SHOP_SERVER_KEY}` },
    });
    const { violations } = (await report.json()) as { violations: { event: string; count: number }[] };
    assert.equal(violations.find((v) => v.event === 'Plan Chosen')?.count, 1, 'its violation recorded once');
  });

  it('an unexpected failure answers 500 and logs one line per kind and route, without what the customer sent', async () => {
    const secret = `card-4111-${randomUUID()}`;
    // Past the rate limit of any earlier test's failure of the same kind.
    h.clock.now += 61_000;
    await h.database.exec(refuseInserts(h.database.engine, 'events', 'body'));
    try {
      for (let i = 0; i < 3; i++) {
        const res = await batch([trackEvent({ properties: { note: secret } })]);
        assert.equal(res.status, 500);
        const text = await res.text();
        assert.equal((JSON.parse(text) as ErrorBody).error.code, 'internal_error');
        assert.ok(!text.includes(secret));
      }
      assert.equal(lines.length, 1, `one line for three failures of one kind:\n${lines.join('\n')}`);
      assert.match(lines[0], /unexpected error.*POST \/v1\/batch/);
      // A minute later the same failure is logged again, with the count of those in between.
      h.clock.now += 61_000;
      assert.equal((await batch([trackEvent({ properties: { note: secret } })])).status, 500);
      assert.equal(lines.length, 2);
      assert.match(lines[1], /\(2 more since the last report\)/);
    } finally {
      await h.database.exec(allowInserts(h.database.engine, 'events'));
    }
    for (const line of lines) {
      assert.ok(!line.includes(secret), `the log quotes the customer: ${line}`);
      assert.ok(!line.includes('refused'), `the log holds the database's message: ${line}`);
    }
  });
});

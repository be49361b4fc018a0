// Server-side rendering: importing Omnikit during server-side rendering does not throw, and neither does
// using it there (no window, no document, no IndexedDB).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type * as Sdk from '../../src/index.ts';
import type { Omnikit } from '../../src/index.ts';

for (const [label, path] of [
  ['the source', '../../src/index.ts'],
  ['the npm build (dist/omnikit.mjs)', '../../dist/omnikit.mjs'],
  ['the script-tag build (dist/omnikit.js)', '../../dist/omnikit.js'],
] as const) {
  test(`importing ${label} in Node does not throw`, async () => {
    const module = await import(path);
    if (path.endsWith('omnikit.js')) {
      // An IIFE: it defines a global in a browser and nothing (harmlessly) in Node.
      assert.equal(typeof module, 'object');
      return;
    }
    assert.equal(typeof module.createOmnikit, 'function');
    const errors: string[] = [];
    const client = module.createOmnikit({ writeKey: 'k', endpoint: 'http://127.0.0.1:9' });
    client.on('error', (e: { code: string }) => errors.push(e.code));
    assert.doesNotThrow(() => {
      client.track('Rendered On Server', { ok: true });
      client.page();
      client.identify('u1');
      client.reset();
    });
    await client.ready();
    assert.ok(!errors.includes('internal'), errors.join());
  });
}

/**
 * The calls the README's API table lists (its first column), e.g. `cart.add/update` as `cart.add` and
 * `cart.update`; config keys (`consentMode: true`) are not calls.
 */
function apiTableCalls(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const lines = readme.split('\n## API\n')[1].trim().split('\n');
  const table = lines.slice(
    0,
    lines.findIndex((line) => !line.startsWith('|')),
  );
  const names = new Set<string>();
  for (const row of table.slice(2)) {
    const first = row.split(/(?<!\\)\|/)[1];
    for (const [, code] of first.matchAll(/`([^`]+)`/g)) {
      const match = code.match(/^([\w.]+)((?:\/\w+)*)(.?)/);
      if (!match || match[3] === ':') continue;
      const [, head, more] = match;
      names.add(head);
      const owner = head.includes('.') ? head.slice(0, head.lastIndexOf('.') + 1) : '';
      for (const name of more.split('/').filter(Boolean)) names.add(owner + name);
    }
  }
  return [...names];
}

/** Each call of the API table, made as a page's server-side render might: `m` is the module, `c` a client. */
const CALLS: Record<string, (m: typeof Sdk, c: Omnikit) => unknown> = {
  createOmnikit: (m) => m.createOmnikit({ writeKey: 'k', endpoint: 'http://127.0.0.1:9' }),
  track: (_, c) => c.track('Rendered', { ok: true }),
  page: (_, c) => c.page('Home', { ok: true }),
  identify: (_, c) => c.identify('u1', { name: 'Mei' }, { userHash: 'ab'.repeat(32) }),
  group: (_, c) => c.group('g1', { plan: 'pro' }),
  alias: (_, c) => c.alias('u2', 'u1'),
  reset: (_, c) => c.reset(),
  'consent.set': (_, c) => c.consent.set({ analytics: true }),
  'consent.get': (_, c) => c.consent.get(),
  'consent.state': (_, c) => c.consent.state,
  'consent.grant': (_, c) => c.consent.grant(),
  'consent.deny': (_, c) => c.consent.deny(),
  forget: (_, c) => c.forget(),
  flush: (_, c) => c.flush(),
  ready: (_, c) => c.ready(),
  anonymousId: (_, c) => c.anonymousId(),
  on: (_, c) => c.on('sent', () => {})(),
  'cart.add': (_, c) =>
    c.cart.add({ productId: 'sock', name: 'Sock', price: 9, currency: 'EUR', quantity: 1 }),
  'cart.update': (_, c) => c.cart.update('sock|', 2),
  'cart.remove': (_, c) => c.cart.remove('sock|'),
  'cart.clear': (_, c) => c.cart.clear(),
  'cart.items': (_, c) => c.cart.items(),
  'cart.total': (_, c) => c.cart.total(),
  'cart.view': (_, c) => c.cart.view(),
  'cart.subscribe': (_, c) => c.cart.subscribe(() => {})(),
  'orders.list': (_, c) => c.orders.list(),
  'orders.get': (_, c) => c.orders.get('o-1'),
  'orders.subscribe': (_, c) => c.orders.subscribe(() => {})(),
  'loyalty.get': (_, c) => c.loyalty.get(),
  'loyalty.subscribe': (_, c) => c.loyalty.subscribe(() => {})(),
  'recent.list': (_, c) => c.recent.list(),
  'recent.subscribe': (_, c) => c.recent.subscribe(() => {})(),
  'handoff.create': (_, c) => c.handoff.create(),
  'handoff.incoming': (_, c) => c.handoff.incoming(),
  'forms.watch': (_, c) => c.forms.watch('#checkout', { id: 'checkout' }),
  'widget.open': (_, c) => c.widget.open(),
  'widget.close': (_, c) => c.widget.close(),
  'widget.toggle': (_, c) => c.widget.toggle(),
  'widget.on': (_, c) => c.widget.on('message', () => {})(),
  httpDestination: (m) => m.httpDestination('http://127.0.0.1:9/v1/batch', 'k'),
  segmentDestination: (m) => m.segmentDestination('k'),
};

test('every call of the README API table has a case here', () => {
  assert.deepEqual(apiTableCalls().sort(), Object.keys(CALLS).sort());
});

for (const [label, path] of [
  ['the source', '../../src/index.ts'],
  ['the npm build (dist/omnikit.mjs)', '../../dist/omnikit.mjs'],
] as const) {
  test(`in Node, every call of the API table is inert with ${label}: no throw, no rejection, none left pending`, async () => {
    const module = await import(path);
    const client = module.createOmnikit({ writeKey: 'k', endpoint: 'http://127.0.0.1:9', widget: true });
    const internal: string[] = [];
    client.on('error', (e: { code: string; message: string }) => {
      if (e.code === 'internal') internal.push(e.message);
    });
    for (const [name, call] of Object.entries(CALLS)) {
      let answer: unknown;
      assert.doesNotThrow(() => {
        answer = call(module, client);
      }, name);
      if (answer instanceof Promise) {
        const late = new Promise((_, reject) =>
          setTimeout(reject, 2000, new Error(`${name}: pending`)).unref(),
        );
        await Promise.race([answer, late]).catch((error) => assert.fail(`${name}: ${error}`));
      }
    }
    assert.deepEqual(internal, []);
  });
}

test('the npm entry exports the public API and nothing else (its chunks share code through a chunk)', async () => {
  const PUBLIC = ['createOmnikit', 'httpDestination', 'segmentDestination', 'version'];
  const npmEntry = '../../dist/omnikit.mjs'; // a variable: the build has no types beside it to check
  assert.deepEqual(Object.keys(await import(npmEntry)).sort(), PUBLIC);
  assert.deepEqual(Object.keys(await import('../../src/index.ts')).sort(), PUBLIC);
});

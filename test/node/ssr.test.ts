// Server-side rendering: importing Omnikit during server-side rendering does not throw, and neither does
// using it there (no window, no document, no IndexedDB).
import assert from 'node:assert/strict';
import { test } from 'node:test';

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

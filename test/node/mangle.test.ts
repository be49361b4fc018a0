// The mangle map (mangle.json, tools/mangle.mjs): the build fails on a marked property the map lacks,
// on a map whose short names could meet on one object, and on a map out of step with the source.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { rollup } from 'rollup';
import { cacheOf, checkSource, createMangler, mangler, sourceFiles } from '../../tools/mangle.mjs';

const map = {
  stored: { 'sync meta': { _cursor: 'c' }, 'a tab message': { _cleared: 'c' } },
  internal: { _flush: 'a' },
};

/** Builds `code` (one module, `entry.js`) with the mangle plugin of `map`, as rollup.config.js does. */
async function build(code: string) {
  const entry = 'entry.js';
  const bundle = await rollup({
    input: entry,
    plugins: [
      {
        name: 'entry',
        resolveId: (id) => (id === entry ? id : null),
        load: (id) => (id === entry ? code : null),
      },
      createMangler(map).rollup(),
    ],
    onwarn: () => {},
  });
  const { output } = await bundle.generate({ format: 'es' });
  return output[0].code;
}

test('the build renames marked properties to their pinned short names, and leaves quoted keys alone', async () => {
  const code = await build(
    `export const meta = { _cursor: '' }; meta._cursor = 'x'; export const q = { '_flush': 1 };`,
  );
  assert.match(code, /meta = \{ c: "" \}/);
  assert.match(code, /meta\.c = "x"/);
  assert.match(code, /"_flush": 1/);
});

test('the build fails on a marked property missing from the map', async () => {
  await assert.rejects(
    build(`export const outbox = {}; outbox._unlisted = 1;`),
    /missing from mangle\.json: _unlisted/,
  );
});

test('the map refuses short names that could meet on one object', () => {
  assert.deepEqual(cacheOf(map), { _cursor: 'c', _cleared: 'c', _flush: 'a' }); // two shapes may share
  assert.throws(
    () => cacheOf({ stored: { 'sync meta': { _cursor: 'c', _count: 'c' } } }),
    /_cursor and _count share "c" in sync meta/,
  );
  assert.throws(() => cacheOf({ ...map, internal: { _flush: 'c' } }), /_cleared and _flush share "c"/);
  assert.throws(() => cacheOf({ internal: { _flush: 'a', _run: 'a' } }), /_flush and _run share "a"/);
  assert.throws(() => cacheOf({ internal: { flush: 'a' } }), /flush \(internal\) is not marked/);
  assert.throws(() => cacheOf({ internal: { _flush: '_a' } }), /is not a short name/);
});

test('the map lists exactly the marked properties of the source, unquoted, and no internal short name is unmarked there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'omnikit-mangle-'));
  const file = (name: string, code: string) => {
    writeFileSync(join(dir, name), code);
    return join(dir, name);
  };
  const uses = file(
    'uses.ts',
    `export const m = { _cursor: '', _cleared: true }; export const f = { _flush() {} };`,
  );
  await checkSource(map, [uses]);
  await assert.rejects(
    checkSource(map, [uses, file('more.ts', `export const o = { _more: 1 };`)]),
    /_more \(.*more\.ts\) is not listed/,
  );
  await assert.rejects(
    checkSource(map, [file('some.ts', `export const m = { _cursor: '', _cleared: true };`)]),
    /_flush is listed but marked nowhere/,
  );
  await assert.rejects(
    checkSource(map, [uses, file('quoted.ts', `export const has = (m: object) => '_cursor' in m;`)]),
    /_cursor is quoted in .*quoted\.ts/,
  );
  await assert.rejects(
    checkSource(map, [uses, file('clash.tsx', `export const x = { a: 1 }; export const y = <b c="1" />;`)]),
    /"a" \(_flush\) is also an unmarked property/,
  );
});

test("the repository's map fits its source", async () => {
  const json = JSON.parse(readFileSync(new URL('../../mangle.json', import.meta.url), 'utf8'));
  assert.deepEqual(mangler.cache, cacheOf(json));
  await checkSource(json, sourceFiles());
});

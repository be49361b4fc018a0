// Property mangling the Preact way: a property marked in the source with a leading underscore and a
// letter (`meta._cursor`, `outbox._peek()`) is renamed by every build to the short name pinned for it
// in mangle.json. One map for the npm build, both script tags, every chunk and the test runner: a
// chunk may use the core's marked properties, and every build stores and tells other tabs the same
// bytes. The rules are in docs/mangle.md.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

/** A marked property name: an underscore and a letter. Quoted keys are never renamed (`o['_x']`). */
export const MARKED = /^_[a-zA-Z]/;
const UNMARKED = /^([^_]|_[^a-zA-Z]|_$)/; // (esbuild runs Go regular expressions: no lookahead)
const SHORT = /^[A-Za-z$][\w$]*$/;

const root = new URL('../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');

/**
 * mangle.json as esbuild's mangleCache (marked name → short name), after checking it: every name
 * marked and listed once; short names plain identifiers, distinct within each stored shape (two
 * shapes never meet on one object, so they may share one), and an internal one shared with nothing.
 */
export function cacheOf({ stored = {}, internal = {} }) {
  const problems = [];
  const cache = {};
  const add = (name, short, where) => {
    if (!MARKED.test(name)) problems.push(`${name} (${where}) is not marked: _ and a letter`);
    if (!SHORT.test(short) || MARKED.test(short)) problems.push(`${name} → "${short}" is not a short name`);
    if (name in cache) problems.push(`${name} is listed twice`);
    cache[name] = short;
  };
  const storedNames = new Map();
  for (const [shape, names] of Object.entries(stored)) {
    const inShape = new Map();
    for (const [name, short] of Object.entries(names)) {
      add(name, short, shape);
      if (inShape.has(short)) problems.push(`${inShape.get(short)} and ${name} share "${short}" in ${shape}`);
      inShape.set(short, name);
      storedNames.set(short, name);
    }
  }
  const internalNames = new Map();
  for (const [name, short] of Object.entries(internal)) {
    add(name, short, 'internal');
    const other = internalNames.get(short) ?? storedNames.get(short);
    if (other) problems.push(`${other} and ${name} share "${short}": an internal short name is unique`);
    internalNames.set(short, name);
  }
  if (problems.length) throw new Error(`mangle.json: ${problems.join('; ')}`);
  return cache;
}

/** The map's checks against the source, and its renaming for rollup and the test runner. */
export function createMangler(map, { sources = [] } = {}) {
  const cache = cacheOf(map);
  let checked;

  /** `code` (JavaScript) with its marked properties renamed; rejects on one the map lacks. */
  async function mangle(code, file, sourcemap) {
    const result = await transform(code, {
      loader: 'js',
      sourcefile: file,
      sourcemap,
      mangleProps: MARKED,
      mangleCache: { ...cache },
    });
    const missing = Object.keys(result.mangleCache).filter((name) => !(name in cache));
    if (missing.length)
      throw new Error(`${file}: marked properties missing from mangle.json: ${missing.join(', ')}`);
    return result;
  }

  return {
    cache,
    mangle,
    /** A rollup plugin, after the TypeScript compile: every module of ours, mangled (deps untouched). */
    rollup: () => ({
      name: 'omnikit-mangle',
      buildStart() {
        if (sources.length) checked ??= checkSource(map, sources);
        return checked;
      },
      async transform(code, id) {
        if (id.startsWith('\0') || id.includes('node_modules') || !/\.[cm]?[jt]sx?$/.test(id)) return null;
        try {
          const { code: mangled, map: sourceMap } = await mangle(code, id, true);
          return { code: mangled, map: sourceMap };
        } catch (error) {
          this.error(error.message);
        }
      },
    }),
    /** A web-test-runner plugin, after its esbuild plugin: the TypeScript it serves from src/ and test/. */
    wtr: () => ({
      name: 'omnikit-mangle',
      async transform(context) {
        if (!/^\/(src|test)\/.*\.tsx?$/.test(context.path)) return undefined;
        return { body: (await mangle(context.body, context.path, 'inline')).code };
      },
    }),
  };
}

/** The property names `file` (TypeScript) uses, marked and unmarked, and the marked names it quotes. */
async function propertiesOf(file, tsconfigRaw) {
  const code = readFileSync(file, 'utf8');
  const loader = file.endsWith('.tsx') ? 'tsx' : 'ts';
  const names = (mangleProps, mangleQuoted) =>
    transform(code, { loader, tsconfigRaw, mangleProps, mangleQuoted, mangleCache: {} });
  const [marked, unmarked] = await Promise.all([names(MARKED, false), names(UNMARKED, true)]);
  return {
    marked: Object.keys(marked.mangleCache),
    unmarked: Object.keys(unmarked.mangleCache),
    // Left as strings in the compiled code (types and comments are gone): `'_records' in message`.
    quoted: [...marked.code.matchAll(/["'`](_[a-zA-Z]\w*)["'`]/g)].map(([, name]) => name),
  };
}

/**
 * Checks `map` against `files` (TypeScript): every marked property is listed, every listed one is
 * marked somewhere and never quoted (a quoted name is not renamed), and no internal short name is
 * also an unmarked property (a marked one renamed to it could land on the same object; stored short
 * names are pinned by what builds wrote, their shapes' types keep them apart).
 */
export async function checkSource(map, files) {
  const cache = cacheOf(map);
  const tsconfigRaw = read('tsconfig.json');
  const marked = new Map();
  const unmarked = new Map();
  const problems = [];
  for (const file of files) {
    const found = await propertiesOf(file, tsconfigRaw);
    for (const name of found.marked) marked.set(name, [...(marked.get(name) ?? []), file]);
    for (const name of found.unmarked) unmarked.set(name, [...(unmarked.get(name) ?? []), file]);
    for (const name of found.quoted) if (name in cache) problems.push(`${name} is quoted in ${file}`);
  }
  for (const [name, where] of marked) if (!(name in cache)) problems.push(`${name} (${where}) is not listed`);
  for (const name of Object.keys(cache))
    if (!marked.has(name)) problems.push(`${name} is listed but marked nowhere`);
  for (const [name, short] of Object.entries(map.internal ?? {}))
    if (unmarked.has(short))
      problems.push(`"${short}" (${name}) is also an unmarked property in ${unmarked.get(short)}`);
  if (problems.length) throw new Error(`mangle.json: ${problems.join('; ')}`);
}

/** Every TypeScript file of src/: what the builds and the browser tests compile. */
export const sourceFiles = () =>
  readdirSync(new URL('src', root), { recursive: true })
    .filter((file) => /\.tsx?$/.test(file))
    .map((file) => fileURLToPath(new URL(`src/${file}`, root)));

/** The map of mangle.json, checked against src/ at the first build. */
export const mangler = createMangler(JSON.parse(read('mangle.json')), { sources: sourceFiles() });

/** A rollup plugin for the .d.ts builds: the public types name no marked property (the code renames them). */
export const unmarkedTypes = () => ({
  name: 'omnikit-unmarked-types',
  generateBundle(_, bundle) {
    for (const [file, { code }] of Object.entries(bundle)) {
      const marked = code?.match(/^\s*(readonly\s+)?_[a-zA-Z]\w*\??\s*[:(]/gm);
      if (marked) this.error(`${file}: public types name marked properties: ${marked.join(', ')}`);
    }
  },
});

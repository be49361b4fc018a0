// Sizes of script-tag builds made in memory from rollup.config.js with parts turned off or added:
// what the widget's launcher adds to omnikit.js (issue 5), the core alone (issue 3), what the
// tracking plan adds (issue 6), and what a module would add once wired into the core.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { scriptChunk, scriptTag } from '../rollup.config.js';

const path = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/**
 * The minified code of dist/omnikit.js's build with `features` turned off (see scriptTag), and with
 * `module`'s exports kept alive when given. No source map comment: builds compare like for like.
 */
export async function buildCode(features = {}, module) {
  const entry = '\0omnikit-measured';
  const code = `import ${JSON.stringify(path('src/script/omnikit.ts'))};${
    module ? `import * as m from ${JSON.stringify(path(module))}; globalThis.__m = m;` : ''
  }`;
  const virtual = {
    name: 'measured',
    resolveId: (id) => (id === entry ? id : null),
    load: (id) => (id === entry ? code : null),
  };
  const options = scriptTag(entry, 'dist/measured.js', features);
  const bundle = await rollup({ ...options, plugins: [virtual, ...options.plugins], onwarn: () => {} });
  const { output } = await bundle.generate({ ...options.output, sourcemap: false });
  await bundle.close();
  return Buffer.from(output[0].code);
}

/** Gzip -9 bytes. */
export const gzipped = (code) => gzipSync(code, { level: 9 }).length;

/**
 * What the launcher adds: gzipped bytes of the full build, of the same build without it, and the
 * difference; `rawAdded`: the difference minified, before gzip.
 */
export async function launcherSize() {
  const [full, without] = await Promise.all([buildCode(), buildCode({ widget: false })]);
  return {
    full: gzipped(full),
    without: gzipped(without),
    added: gzipped(full) - gzipped(without),
    rawAdded: full.length - without.length,
  };
}

/** The minified code of chunk `name` (dist/omnikit-<name>.js) from `input`, without its source map comment. */
export async function chunkCode(name, input) {
  const options = scriptChunk(name, path(input));
  const bundle = await rollup({ ...options, onwarn: () => {} });
  const { output } = await bundle.generate({ ...options.output, sourcemap: false });
  await bundle.close();
  return Buffer.from(output[0].code);
}

/**
 * What the tracking plan costs (issue 6), gzipped: omnikit.js without its glue, what the glue adds to
 * omnikit.js (every page downloads it), and the chunk a page with a plan fetches.
 */
export async function planSize() {
  const [full, without, chunk] = await Promise.all([
    buildCode(),
    buildCode({ plan: false }),
    chunkCode('plan', 'src/plan/index.ts'),
  ]);
  return { without: gzipped(without), glue: gzipped(full) - gzipped(without), chunk: gzipped(chunk) };
}

// Sizes of script-tag builds made in memory from rollup.config.js with parts turned off or added:
// what the widget's launcher and the attribution and tracking-plan glue add to omnikit.js, the core
// alone (tracker + sync + cart), chunks, and what a module would add if it were inlined.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { scriptTag } from '../rollup.config.js';

const path = (file) => fileURLToPath(new URL(`../${file}`, import.meta.url));

/**
 * The minified code of dist/omnikit.js's build (or `script`'s) with `features` turned off (see
 * scriptTag), and with `module`'s exports kept alive when given. No source map comment: builds compare like for like.
 */
export async function buildCode(features = {}, module, script = 'src/script/omnikit.ts') {
  const entry = '\0omnikit-measured';
  const code = `import ${JSON.stringify(path(script))};${
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
 * What `feature` (see scriptTag) adds: gzipped bytes of the full build, of the same build without it,
 * and the difference; `rawAdded`: the difference minified, before gzip.
 */
export async function featureSize(feature) {
  const [full, without] = await Promise.all([buildCode(), buildCode({ [feature]: false })]);
  return {
    full: gzipped(full),
    without: gzipped(without),
    added: gzipped(full) - gzipped(without),
    rawAdded: full.length - without.length,
  };
}

/** What the widget's launcher adds to omnikit.js. */
export const launcherSize = () => featureSize('widget');

// What the widget's launcher adds to dist/omnikit.js (issue 5: at most 1.5 KB gzipped): the same
// script-tag build made without it, in memory, against the built file. Run after `npm run build`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { scriptTag } from '../rollup.config.js';

/**
 * Gzipped (-9) bytes of dist/omnikit.js, of the same build without the launcher, and the difference;
 * `rawAdded`: the difference minified, before gzip.
 */
export async function launcherSize() {
  const entry = fileURLToPath(new URL('../src/script/omnikit.ts', import.meta.url));
  const bundle = await rollup(scriptTag(entry, 'dist/omnikit.js', true, false));
  const { output } = await bundle.generate({ format: 'iife', name: 'Omnikit', strict: false });
  await bundle.close();
  const built = readFileSync(new URL('../dist/omnikit.js', import.meta.url));
  const without = gzipSync(output[0].code, { level: 9 }).length;
  const full = gzipSync(built, { level: 9 }).length;
  return { full, without, added: full - without, rawAdded: built.length - Buffer.byteLength(output[0].code) };
}

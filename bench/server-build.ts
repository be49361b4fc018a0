/**
 * The bench's server children run as production runs the server: plain JavaScript, the server
 * package as `npm run build:server` builds it (server/dist), not through tsx. tsx transforms every
 * TypeScript file on load and wraps each function in a name-keeping helper; the built package has
 * neither, and measured faster on the same load, so timing the server under tsx would time code no
 * one deploys. A child script (reference-server.ts, ceiling-server.ts) is bundled by esbuild into
 * bench/dist/ with its import of the server's entry (../server/index.ts) pointed at the built
 * server/dist/index.js; the rest of what it imports is compiled in, the same way for every child.
 */
import { execFileSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { BENCH, ROOT } from './prepare.ts';

const SERVER_ENTRY = join(ROOT, 'server/index.ts');
const BUILT_SERVER = join(ROOT, 'server/dist/index.js');
const OUT_DIR = join(BENCH, 'dist');

/** Resolves `../server/index.ts` to the built package, left as an import of it. */
const builtServer: Plugin = {
  name: 'built-server',
  setup(esbuild) {
    esbuild.onResolve({ filter: /server\/index\.ts$/ }, ({ path, resolveDir }) =>
      join(resolveDir, path) === SERVER_ENTRY ? { path: BUILT_SERVER, external: true } : undefined,
    );
  },
};

let serverBuilt: Promise<void> | undefined;

/**
 * The JavaScript file to run for `script` (a bench script, from the repository's root): built on the
 * first call of a bench run (the server package too, so a run never measures a stale dist/).
 */
export async function builtScript(script: string): Promise<string> {
  serverBuilt ??= Promise.resolve().then(() => {
    execFileSync('npm', ['run', 'build:server'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  });
  await serverBuilt;
  const outfile = join(OUT_DIR, basename(script).replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [join(ROOT, script)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies stay imports, resolved from bench/ as before (the server's own from its package).
    packages: 'external',
    plugins: [builtServer],
    logLevel: 'warning',
  });
  return outfile;
}

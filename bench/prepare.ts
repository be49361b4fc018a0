/**
 * Gets the files a script-tag user loads onto disk: Omnikit's build, peers installed in
 * bench/node_modules, peers fetched with `npm pack` (their install fails here), and IIFE bundles
 * for peers that ship no script-tag build. Everything generated lands in bench/.peers (gitignored).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';

export const ROOT = new URL('..', import.meta.url).pathname;
export const BENCH = join(ROOT, 'bench');
export const PEERS_DIR = join(BENCH, '.peers');
export const NODE_MODULES = join(BENCH, 'node_modules');

/** dist/omnikit.js, built first when missing. */
export function omnikitScript(): string {
  const file = join(ROOT, 'dist/omnikit.js');
  if (!existsSync(file)) {
    console.log('dist/omnikit.js is missing: running `npm run build`');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  return file;
}

/** A file inside a package installed in bench/node_modules. */
export function installed(pkg: string, file: string): string {
  const path = join(NODE_MODULES, pkg, file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm ci --prefix bench\``);
  return path;
}

/** The version of a package installed in bench/node_modules. */
export function installedVersion(pkg: string): string {
  return JSON.parse(readFileSync(join(NODE_MODULES, pkg, 'package.json'), 'utf8')).version;
}

/**
 * A file inside `name@version`, fetched with `npm pack` (verified against the pinned integrity)
 * and unpacked into bench/.peers/<name>-<version>/.
 */
export function packed(name: string, version: string, integrity: string, file: string): string {
  const dir = join(PEERS_DIR, `${name.replace('@', '').replace('/', '-')}-${version}`);
  const path = join(dir, 'package', file);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  console.log(`npm pack ${name}@${version}`);
  const out = execFileSync('npm', ['pack', `${name}@${version}`, '--json', '--pack-destination', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [info] = JSON.parse(out) as { filename: string; integrity: string }[];
  if (info.integrity !== integrity) throw new Error(`${name}@${version}: integrity ${info.integrity}`);
  execFileSync('tar', ['xzf', join(dir, info.filename), '-C', dir]);
  return path;
}

/**
 * Bundles `source` (an ES module importing from bench/node_modules) into a minified IIFE exposing
 * its exports as `globalName`, the way a site would ship a peer that has no script-tag build.
 */
export async function iife(id: string, source: string, globalName: string): Promise<string> {
  mkdirSync(PEERS_DIR, { recursive: true });
  const entry = join(PEERS_DIR, `${id}.entry.mjs`);
  const file = join(PEERS_DIR, `${id}.iife.js`);
  const stamp = `${source}\n// ${globalName}\n`;
  if (existsSync(file) && existsSync(entry) && readFileSync(entry, 'utf8') === stamp) return file;
  writeFileSync(entry, stamp);
  const bundle = await rollup({
    input: entry,
    plugins: [
      nodeResolve({ browser: true, exportConditions: ['browser'] }),
      terser({ format: { comments: false } }),
    ],
    onwarn: () => {},
  });
  await bundle.write({ file, format: 'iife', name: globalName });
  await bundle.close();
  return file;
}

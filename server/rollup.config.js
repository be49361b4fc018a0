// The server's package (@omnikit/server): the `omnikit-server` command and the embeddable API,
// compiled to plain ES modules for Node. Dependencies stay imports (the package's own dependencies),
// so they are installed, deduped and updated like any other; the wire protocol and plan checker it
// shares with the SDK (../src) are compiled in.

import { rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import nodeResolve from '@rollup/plugin-node-resolve';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';
import pkg from './package.json' with { type: 'json' };

// A fresh dist/ each build: chunk names carry hashes, and a stale chunk would ship in the package.
rmSync(new URL('dist', import.meta.url), { recursive: true, force: true });

const dependencies = Object.keys(pkg.dependencies);
const external = (id) =>
  id.startsWith('node:') ||
  builtinModules.includes(id) ||
  dependencies.some((name) => id === name || id.startsWith(`${name}/`));

export default [
  {
    input: { main: 'main.ts', index: 'index.ts' },
    external,
    plugins: [nodeResolve({ extensions: ['.ts', '.js'] }), esbuild({ target: 'node20' })],
    output: {
      dir: 'dist',
      format: 'es',
      // Every file directly in dist/, one folder below the package root as cli/ is in the source:
      // cli/package-files.ts finds the package's files from there.
      chunkFileNames: 'shared-[hash].js',
      banner: (chunk) => (chunk.name === 'main' ? '#!/usr/bin/env node' : ''),
      sourcemap: true,
    },
  },
  {
    input: 'index.ts',
    external,
    plugins: [dts()],
    output: { file: 'dist/index.d.ts', format: 'es' },
  },
];

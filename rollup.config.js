// Three artifacts: the npm module (deps external, so bundlers dedupe them), the script-tag IIFE
// (everything inlined and minified, global `Omnikit`) and one bundled .d.ts.
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';
import pkg from './package.json' with { type: 'json' };

const define = { __OMNIKIT_VERSION__: JSON.stringify(pkg.version) };
const resolve = () =>
  nodeResolve({ browser: true, exportConditions: ['browser'], extensions: ['.ts', '.js'] });

export default [
  {
    input: 'src/index.ts',
    external: Object.keys(pkg.dependencies),
    plugins: [resolve(), esbuild({ target: 'es2020', define })],
    output: { file: 'dist/omnikit.mjs', format: 'es', sourcemap: true },
  },
  {
    input: 'src/loader.ts',
    // esbuild compiles, terser minifies: ~5 % smaller than esbuild's minifier, and size is a feature.
    plugins: [
      resolve(),
      esbuild({ target: 'es2020', define }),
      terser({ ecma: 2020, compress: { passes: 3, pure_getters: true }, format: { comments: false } }),
    ],
    // No "use strict" prologue: the code is ES module code, strict-clean already.
    output: { file: 'dist/omnikit.js', format: 'iife', name: 'Omnikit', sourcemap: true, strict: false },
  },
  {
    input: 'src/index.ts',
    plugins: [dts()],
    output: { file: 'dist/omnikit.d.ts', format: 'es' },
  },
];

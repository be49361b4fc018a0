// The npm module (deps external, so bundlers dedupe them), two script-tag IIFEs (the full client, and
// a tracker-only one for pages without a cart) and one bundled .d.ts.
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';
import pkg from './package.json' with { type: 'json' };

const define = { __OMNIKIT_VERSION__: JSON.stringify(pkg.version), __CONTINUITY__: 'true' };
const resolve = () =>
  nodeResolve({ browser: true, exportConditions: ['browser'], extensions: ['.ts', '.js'] });

/**
 * Property names the minifier may shorten, as Preact does with its mangle.json: internal names only.
 * Never a public API or config key, never a field sent over the wire or stored (IndexedDB,
 * localStorage), never a message between tabs: two versions of the script may share those.
 * The `dist` test group runs the main flows against the minified build.
 */
const INTERNAL_PROPERTIES = [
  'allow',
  'allowed',
  'delMany',
  'durable',
  'enqueue',
  'flusher',
  'kick',
  'load',
  'mayFlush',
  'mergeGuest',
  'onSent',
  'openKv',
  'outbox',
  'peek',
  'persistTo',
  'problems',
  'receive',
  'report',
  'restart',
  'run',
  'save',
  'sendOnExit',
  'setMany',
  'settings',
  'touch',
  'tracked',
  'unconfirmed',
  'written',
];

/** A script-tag build: everything inlined, minified, global `Omnikit`. */
const scriptTag = (input, file, continuity = true) => ({
  input,
  // esbuild compiles, terser minifies: ~5 % smaller than esbuild's minifier, and size is a feature.
  plugins: [
    resolve(),
    esbuild({ target: 'es2020', define: { ...define, __CONTINUITY__: String(continuity) } }),
    terser({
      ecma: 2020,
      compress: { passes: 3, pure_getters: true },
      mangle: { properties: { regex: new RegExp(`^(${INTERNAL_PROPERTIES.join('|')})$`) } },
      format: { comments: false },
    }),
  ],
  // No "use strict" prologue: the code is ES module code, strict-clean already.
  output: { file, format: 'iife', name: 'Omnikit', sourcemap: true, strict: false },
});

export default [
  {
    input: 'src/index.ts',
    external: Object.keys(pkg.dependencies),
    plugins: [resolve(), esbuild({ target: 'es2020', define })],
    output: { file: 'dist/omnikit.mjs', format: 'es', sourcemap: true },
  },
  scriptTag('src/script/omnikit.ts', 'dist/omnikit.js'),
  scriptTag('src/script/tracker.ts', 'dist/omnikit-tracker.js', false),
  {
    input: 'src/index.ts',
    plugins: [dts()],
    output: { file: 'dist/omnikit.d.ts', format: 'es' },
  },
];

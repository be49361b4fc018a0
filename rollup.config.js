// The npm module (deps external, so bundlers dedupe them), two script-tag IIFEs (the full client, and
// a tracker-only one for pages without a cart) and one bundled .d.ts.

import { fileURLToPath } from 'node:url';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';
import pkg from './package.json' with { type: 'json' };
import { mangler, unmarkedTypes } from './tools/mangle.mjs';

// __BRIDGES__ too: a chunk that imports version.ts (the sign-in's) then carries no test of it.
const define = {
  __OMNIKIT_VERSION__: JSON.stringify(pkg.version),
  __CONTINUITY__: 'true',
  __BRIDGES__: 'true',
};
const resolve = () =>
  nodeResolve({ browser: true, exportConditions: ['browser'], extensions: ['.ts', '.js'] });

/**
 * Property mangling the Preact way (tools/mangle.mjs, rules in docs/mangle.md): a property marked in
 * the source with an underscore and a letter (`meta._cursor`) becomes the short name mangle.json pins
 * for it, in every build below alike: the npm build, both script tags and every chunk. So a chunk may
 * use the core's marked properties, and every build writes the same stored keys and tab messages.
 * The build fails on a marked property the map lacks, or a map out of step with src/.
 */
const mangle = () => mangler.rollup();

/**
 * A script tag's first line is V8's compile hint (Chrome 136+): every function compiles with the
 * script rather than at its first call. Most run at start-up or at the first event anyway; compiled
 * lazily, they made a page's first track() call 2-4 ms instead of under 1 (bench/main-thread.ts).
 */
const COMPILE_ALL = '//# allFunctionsCalledOnLoad';

const minify = (preamble = '') =>
  terser({
    ecma: 2020,
    // Five passes: each of the last two still finds a few bytes in the tracker (its 6 KB budget).
    compress: { passes: 5, pure_getters: true, keep_fargs: false },
    format: { comments: false, wrap_func_args: false, preamble },
  });

/** The script-tag builds fetch chunks as classic scripts beside the core (src/chunks/load-script.ts). */
const scriptChunks = () => ({
  name: 'omnikit-script-chunks',
  resolveId: (source, importer) =>
    importer && /chunks[\\/]load\.ts$/.test(source)
      ? fileURLToPath(new URL('src/chunks/load-script.ts', import.meta.url))
      : null,
});

/**
 * A script-tag build: everything inlined, minified, global `Omnikit`. `features` turns parts off:
 * `continuity` (the tracker-only build); the others only in bench/size.mjs, to measure the core
 * without the features added on top of it (form pick-up, widget launcher, attribution, plan and consent
 * glue, the consent bridges' glue, the shop's state).
 */
export const scriptTag = (input, file, features = {}) => ({
  input,
  // esbuild compiles, the map renames, terser minifies: ~5 % smaller than esbuild's minifier.
  plugins: [
    scriptChunks(),
    resolve(),
    esbuild({
      target: 'es2020',
      define: {
        ...define,
        __CONTINUITY__: String(features.continuity ?? true),
        __FORMS__: String(features.forms ?? true),
        __WIDGET__: String(features.widget ?? true),
        __ATTRIBUTION__: String(features.attribution ?? true),
        __PLAN__: String(features.plan ?? true),
        __CONSENT__: String(features.consent ?? true),
        __BRIDGES__: String(features.bridges ?? true),
        __SHOP_STATE__: String(features.shopState ?? true),
      },
    }),
    mangle(),
    minify(COMPILE_ALL),
  ],
  // No "use strict" prologue: the code is ES module code, strict-clean already.
  output: { file, format: 'iife', name: 'Omnikit', sourcemap: true, strict: false },
});

/** A chunk for the script-tag builds: `dist/omnikit-<name>.js` defines `OmnikitChunks[name]`. */
const scriptChunk = (name, input) => ({
  input,
  plugins: [resolve(), esbuild({ target: 'es2020', define }), mangle(), minify()],
  output: {
    file: `dist/omnikit-${name}.js`,
    format: 'iife',
    name: `OmnikitChunks.${name}`,
    extend: true,
    sourcemap: true,
    strict: false,
  },
});

export default [
  {
    input: 'src/index.ts',
    // Subpaths too (preact/hooks, preact/jsx-runtime): the page's bundler dedupes them with its own.
    external: (id) => Object.keys(pkg.dependencies).some((d) => id === d || id.startsWith(`${d}/`)),
    // omnikit.mjs exports the public API only: what the chunks share with it is a chunk of its own.
    preserveEntrySignatures: 'strict',
    plugins: [resolve(), esbuild({ target: 'es2020', define }), mangle()],
    // Chunks (src/chunks/load.ts) become files of their own beside omnikit.mjs.
    output: {
      dir: 'dist',
      entryFileNames: 'omnikit.mjs',
      // Named by their folder (forms, widget) where the entry file is an index.ts; the code omnikit.mjs
      // shares with them (no entry of its own) is omnikit-core.mjs.
      chunkFileNames: ({ name, facadeModuleId }) => {
        if (name !== 'index') return `omnikit-${name}.mjs`;
        const folder = facadeModuleId?.match(/([^\\/]+)[\\/](panel[\\/])?index\.ts$/)?.[1];
        return `omnikit-${folder ?? 'core'}.mjs`;
      },
      hoistTransitiveImports: false,
      format: 'es',
      sourcemap: true,
    },
  },
  scriptTag('src/script/omnikit.ts', 'dist/omnikit.js'),
  scriptChunk('handoff', 'src/handoff/handoff.ts'),
  // The verified sign-in: links the device and merges a guest cart into the account's.
  scriptChunk('account', 'src/account/index.ts'),
  scriptChunk('forms', 'src/forms/index.ts'),
  scriptChunk('widget', 'src/widget/panel/index.ts'),
  scriptChunk('attribution', 'src/attribution/index.ts'),
  // The tracking-plan check, fetched before the first event by a site with a plan.
  scriptChunk('plan', 'src/plan/index.ts'),
  // The sync's replication, fetched when sync first goes online.
  scriptChunk('replication', 'src/sync/replication.ts'),
  // The change stream, fetched by the one tab that holds it after its first sync.
  scriptChunk('stream', 'src/sync/stream.ts'),
  // The consent bridges, each fetched only by a page that turns it on (`consentMode`, `tcf`).
  scriptChunk('consentMode', 'src/consent/consent-mode.ts'),
  scriptChunk('tcf', 'src/consent/tcf.ts'),
  scriptTag('src/script/tracker.ts', 'dist/omnikit-tracker.js', { continuity: false }),
  {
    input: 'src/index.ts',
    plugins: [dts(), unmarkedTypes()],
    output: { file: 'dist/omnikit.d.ts', format: 'es' },
  },
  // `omnikit/react` and `omnikit/vue`: hooks and composables over a client the page made. React and
  // Vue stay external (the app's own copy), and they import only types from the SDK: no SDK code.
  ...[
    ['src/react/index.ts', 'react', 'react'],
    ['src/vue/index.ts', 'vue', 'vue'],
  ].flatMap(([input, name, framework]) => [
    {
      input,
      external: [framework],
      plugins: [resolve(), esbuild({ target: 'es2020', define }), mangle()],
      output: { file: `dist/omnikit-${name}.mjs`, format: 'es', sourcemap: true },
    },
    {
      input,
      external: [framework],
      plugins: [dts(), unmarkedTypes()],
      output: { file: `dist/omnikit-${name}.d.ts`, format: 'es' },
    },
  ]),
  // Not for browsers: `omnikit/server` (server-side channels, holds a secret key) and `omnikit/plan`
  // (plan tools for sites and build scripts). Plain ES modules, not minified.
  ...[
    ['src/server-events.ts', 'server'],
    ['src/plan/package.ts', 'plan-tools'],
  ].flatMap(([input, name]) => [
    {
      input,
      plugins: [resolve(), esbuild({ target: 'es2022', define }), mangle()],
      output: { file: `dist/omnikit-${name}.mjs`, format: 'es', sourcemap: true },
    },
    { input, plugins: [dts(), unmarkedTypes()], output: { file: `dist/omnikit-${name}.d.ts`, format: 'es' } },
  ]),
];

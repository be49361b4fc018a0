// Serves `/test/app/<app>.js`: a small SPA of test/apps, bundled as an app's bundler would bundle it,
// with its framework and the built binding (dist/omnikit-react.mjs, dist/omnikit-vue.mjs: `npm run
// build` first). `react18` and `react19` are one source (test/apps/react-shop.ts) bundled with the
// root's React 18 and test/react19's React 19; `vue` is test/apps/vue-shop.ts with Vue 3. The page
// made its client with createOmnikit() already (window.omnikit): the app is handed it, as an SPA is.
import { fileURLToPath } from 'node:url';
import type { TestRunnerPlugin } from '@web/test-runner';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const APPS: Record<string, { entry: string; alias?: Record<string, string> }> = {
  react18: { entry: 'test/apps/react-shop.ts' },
  react19: {
    entry: 'test/apps/react-shop.ts',
    alias: {
      react: './test/react19/node_modules/react',
      'react-dom': './test/react19/node_modules/react-dom',
    },
  },
  vue: { entry: 'test/apps/vue-shop.ts' },
};

/** `omnikit/react` and `omnikit/vue` are the package's built files, as an app installing it gets them. */
const builtBindings: Plugin = {
  name: 'omnikit-bindings',
  setup(bundler) {
    bundler.onResolve({ filter: /^omnikit\/(react|vue)$/ }, ({ path }) => ({
      path: `${root}dist/omnikit-${path.slice('omnikit/'.length)}.mjs`,
    }));
  },
};

async function bundle(name: string): Promise<string> {
  const app = APPS[name];
  const result = await build({
    absWorkingDir: root,
    entryPoints: [app.entry],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    write: false,
    alias: app.alias,
    plugins: [builtBindings],
    // What an app's production build defines for React and Vue.
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export function appsPlugin(): TestRunnerPlugin {
  const bundles = new Map<string, Promise<string>>();
  return {
    name: 'omnikit-apps',
    async serve(context) {
      const name = /^\/test\/app\/(\w+)\.js$/.exec(context.path)?.[1];
      if (!name || !(name in APPS)) return undefined;
      if (!bundles.has(name)) bundles.set(name, bundle(name));
      return { body: await (bundles.get(name) as Promise<string>), type: 'js' };
    },
  };
}

// Serves `/test/built/<name>.js`: test/fixtures/<name>.ts built as dist/omnikit.js is built (the
// scriptTag() pipeline of rollup.config.js: minified, properties mangled by mangle.json), as an ES
// module, for tests of the `dist` group that drive a part the script tag does not expose (the sync
// engine: test/fixtures/sync-page.ts). Built in memory on first request.
// A module has no `document.currentScript`, so the chunks it loads (the change stream) are fetched
// beside the page (test/fixtures/blank.html): served from dist/, as a site serves them beside its script.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { TestRunnerPlugin } from '@web/test-runner';
import { rollup } from 'rollup';
// @ts-expect-error: rollup.config.js is plain JavaScript, without types.
import { scriptTag } from '../../../rollup.config.js';

export function builtPlugin(): TestRunnerPlugin {
  const builds = new Map<string, Promise<string>>();
  const build = async (name: string) => {
    const options = scriptTag(
      fileURLToPath(new URL(`../../fixtures/${name}.ts`, import.meta.url)),
      'unused.js',
    );
    const bundle = await rollup({ ...options, onwarn: () => {} });
    try {
      const { output } = await bundle.generate({ format: 'es', sourcemap: 'inline' });
      return output[0].code;
    } finally {
      await bundle.close();
    }
  };
  return {
    name: 'omnikit-built',
    async serve(context) {
      const chunk = /^\/test\/fixtures\/(omnikit-[\w-]+\.js)$/.exec(context.path)?.[1];
      if (chunk) {
        const code = await readFile(new URL(`../../../dist/${chunk}`, import.meta.url), 'utf8').catch(
          () => '',
        );
        return code ? { body: code, type: 'js' } : undefined;
      }
      const name = /^\/test\/built\/([\w-]+)\.js$/.exec(context.path)?.[1];
      if (!name) return undefined;
      if (!builds.has(name)) builds.set(name, build(name));
      return { body: await (builds.get(name) as Promise<string>), type: 'js' };
    },
  };
}

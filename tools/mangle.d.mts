// Types of mangle.mjs (plain ESM, loaded by rollup.config.js and web-test-runner.config.mjs), for
// TypeScript callers (test/node/mangle.test.ts).
import type { Plugin } from 'rollup';

/** esbuild's mangleCache: marked name → short name. */
export type MangleCache = Record<string, string>;
export interface MangleMap {
  stored?: Record<string, Record<string, string>>;
  internal?: Record<string, string>;
}
export const MARKED: RegExp;
export function cacheOf(map: MangleMap): MangleCache;
export function checkSource(map: MangleMap, files: string[]): Promise<void>;
export function createMangler(
  map: MangleMap,
  options?: { sources?: string[] },
): {
  cache: MangleCache;
  mangle(code: string, file: string, sourcemap?: boolean | 'inline'): Promise<{ code: string; map: string }>;
  rollup(): Plugin;
  wtr(): {
    name: string;
    transform(context: { path: string; body: unknown }): Promise<{ body: string } | undefined>;
  };
};
export function sourceFiles(): string[];
export const mangler: ReturnType<typeof createMangler>;
export function unmarkedTypes(): Plugin;

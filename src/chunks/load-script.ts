/**
 * load.ts for the script-tag builds (rollup.config.js swaps it in): a chunk is the classic script
 * `omnikit-<name>.js` beside the core script, which defines `OmnikitChunks[name]`. It carries the
 * core tag's CSP nonce, so a page with a strict script-src needs nothing more.
 */
import type { Chunks } from './load.ts';

declare global {
  interface Window {
    OmnikitChunks?: Partial<Chunks>;
  }
}

// Read while the core script runs: later, currentScript is someone else's (or null).
const core = typeof document === 'object' ? (document.currentScript as HTMLScriptElement | null) : null;
const loading: { [N in keyof Chunks]?: Promise<unknown> } = {};

/** Loads chunk `name` (once); rejects when it cannot be fetched, and a later call tries again. */
export function load<N extends keyof Chunks>(name: N): Promise<Chunks[N]> {
  loading[name] ??= new Promise<Chunks[N]>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = new URL(`omnikit-${name}.js`, core?.src || location.href).href;
    script.nonce = core?.nonce ?? '';
    script.onload = () => resolve(window.OmnikitChunks?.[name] as Chunks[N]);
    script.onerror = () => {
      delete loading[name];
      reject(new Error(`could not load ${script.src}`));
    };
    document.head.append(script);
  });
  return loading[name] as Promise<Chunks[N]>;
}

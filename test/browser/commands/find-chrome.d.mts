// Types of find-chrome.mjs (plain ESM, so `.ci/run` can run it before `npm ci`), for TypeScript callers.

/** Candidate paths in discovery order: CHROME_PATH first, then the usual install locations. */
export function chromeCandidates(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): string[];
/** The first existing candidate, if any. */
export function findChrome(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): string | undefined;
/** Flags for a headless Chromium on a closed network. */
export const CHROME_FLAGS: string[];
/** What to do when no Chromium is found. */
export const NO_CHROME_MESSAGE: string;

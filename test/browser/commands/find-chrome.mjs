// Finds a Chrome/Chromium binary for the Playwright launcher. Plain ESM with no dependencies so that
// `.ci/run` can call it (`node test/browser/commands/find-chrome.mjs`) before `npm ci`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Candidate paths in discovery order: CHROME_PATH first, then the usual install locations. */
export function chromeCandidates(env = process.env, platform = process.platform) {
  const list = [];
  if (env.CHROME_PATH) list.push(env.CHROME_PATH);
  if (platform === 'darwin') {
    list.push(
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
    );
  } else if (platform === 'win32') {
    const suffix = join('Google', 'Chrome', 'Application', 'chrome.exe');
    for (const base of [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA]) {
      if (base) list.push(join(base, suffix));
    }
  } else {
    list.push(
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/bin/google-chrome',
      '/usr/bin/google-chrome-stable',
      '/snap/bin/chromium',
    );
  }
  return list;
}

/** @returns {string | undefined} the first existing candidate */
export function findChrome(env = process.env, platform = process.platform) {
  return chromeCandidates(env, platform).find((path) => existsSync(path));
}

/**
 * Flags for a headless Chromium on a closed network (see shared/toolchain.md): no sandbox as root,
 * and none of the background connections that would otherwise be refused one by one.
 */
export const CHROME_FLAGS = [
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const NO_CHROME_MESSAGE =
  'No Chrome or Chromium found for the browser tests. Set CHROME_PATH to your Chrome/Chromium binary, ' +
  'or on Debian/Ubuntu run: sudo apt-get install chromium';

// CLI: print the path (exit 0) or the message (exit 1).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const found = findChrome();
  if (found) {
    console.log(found);
  } else {
    console.error(NO_CHROME_MESSAGE);
    process.exit(1);
  }
}

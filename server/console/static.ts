import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Handler } from 'hono';
import { errorResponse } from '../errors.ts';

/**
 * The console's page runs under this policy: no inline script or style, calls to this server only,
 * no framing (clickjacking), no form posted anywhere (the login form is sent by script).
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The page's files, shipped in the server's package. This file sits one folder below the package
 * root (server/console/), as the built server does (dist/): so `../console/public/` is the same
 * folder when run from source and when installed (like cli/package-files.ts).
 */
const PUBLIC = new URL('../console/public/', import.meta.url);

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** A file of the console's page, by name: only these names, so no path reaches another file. */
const FILE = /^[a-z][a-z-]*\.(js|css)$/;

/**
 * `GET /console` (the page) and `GET /console/<file>.js|css`: shipped in the server's package
 * (console/public/), readable without a session, as they hold nothing but the login form and the code
 * that asks the API, which is what checks the session. Read at each request: a handful of small
 * files, opened by staff only.
 */
export function consoleFileHandler(): Handler {
  return async (context) => {
    const name = context.req.param('file') ?? 'index.html';
    if (name !== 'index.html' && !FILE.test(name)) return context.notFound();
    let body: Buffer;
    try {
      body = await readFile(fileURLToPath(new URL(name, PUBLIC)));
    } catch {
      return errorResponse(404, 'not_found', `No console file ${name}`);
    }
    return context.body(new Uint8Array(body), 200, headersOf(TYPES[name.slice(name.lastIndexOf('.') + 1)]));
  };
}

const headersOf = (type: string) => ({
  'Content-Type': type,
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
});

/**
 * `GET /console/vendor/jsqr.js`: jsQR (Apache-2.0, a dependency of the server's package), the QR
 * decoder the store view loads only where the browser has no BarcodeDetector (Chrome on Windows and
 * Linux, Firefox, Safari on macOS): a classic script that defines `window.jsQR`.
 */
export function qrDecoderHandler(): Handler {
  const file = createRequire(import.meta.url).resolve('jsqr');
  return async (context) => context.body(new Uint8Array(await readFile(file)), 200, headersOf(TYPES.js));
}

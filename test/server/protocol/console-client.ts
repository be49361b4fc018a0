// Test-side client of the console's sign-in API and of the agent API with its session cookie: plain
// HTTP with the headers a browser would send (Origin, Cookie, X-CSRF-Token), set by hand.
import { hashPassword } from '../../../server/console/password.ts';
import type { Site } from '../../../server/index.ts';
import { SITES } from '../helpers.ts';

export const AGENT = { name: 'mia', password: 'mia-has-a-long-password-of-her-own' };
export const ASSOCIATE = { name: 'leo', password: 'leo-has-a-long-password-of-his-own' };

/** The test sites with staff: an agent and an associate at the shop; the blog has none. */
export async function sitesWithStaff(): Promise<Site[]> {
  const [shop, ...others] = SITES;
  const staff = [
    { name: AGENT.name, role: 'agent' as const, passwordHash: await hashPassword(AGENT.password) },
    {
      name: ASSOCIATE.name,
      role: 'associate' as const,
      passwordHash: await hashPassword(ASSOCIATE.password),
    },
  ];
  return [{ ...shop, staff }, ...others];
}

/** A signed-in console: the cookie's value and the CSRF token. */
export interface ConsoleLogin {
  cookie: string;
  csrfToken: string;
  setCookie: string;
}

export interface SendOptions {
  body?: unknown;
  cookie?: string;
  csrfToken?: string;
  /** The Origin header; the server's own origin by default, as the console's page sends it. */
  origin?: string | null;
  headers?: Record<string, string>;
}

/** One request as the console's page would make it (same origin, its cookie, its CSRF token). */
export function send(baseUrl: string, method: string, path: string, options: SendOptions = {}) {
  const origin = options.origin === undefined ? new URL(baseUrl).origin : options.origin;
  const headers: Record<string, string> = { ...options.headers };
  if (origin !== null) headers.Origin = origin;
  if (options.cookie) headers.Cookie = `omnikit_console=${options.cookie}`;
  if (options.csrfToken) headers['X-CSRF-Token'] = options.csrfToken;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

/** Signs in; throws unless 200. */
export async function login(
  baseUrl: string,
  who: { name: string; password: string },
  headers: Record<string, string> = {},
): Promise<ConsoleLogin> {
  const res = await send(baseUrl, 'POST', '/console/api/login', { body: who, headers });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.getSetCookie().join('\n');
  const cookie = /omnikit_console=([^;]*)/.exec(setCookie)?.[1] ?? '';
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrfToken, setCookie };
}

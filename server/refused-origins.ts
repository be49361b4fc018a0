/** Distinct refused origins logged at most; past that, one line says the rest go unlogged. */
export const REFUSED_ORIGINS_LOGGED = 1000;

/**
 * Logs the first request from each origin no site allows, so a shop sees a page it forgot to add
 * (a new domain, a staging host) in its server's log, not only in that page's console. Once per
 * origin: a page retries, and a flood of made-up origins cannot grow the log, or the memory, past
 * `limit` lines. The origin is quoted and cut to 200 characters: it is what the client sent.
 */
export function logRefusedOrigins(
  write: (line: string) => void = (line) => console.warn(line),
  limit = REFUSED_ORIGINS_LOGGED,
): (origin: string) => void {
  const logged = new Set<string>();
  return (origin) => {
    if (logged.has(origin) || logged.size > limit) return;
    logged.add(origin);
    write(
      logged.size > limit
        ? `Omnikit server: more than ${limit} origins refused; the others are not logged`
        : `Omnikit server: refused origin ${JSON.stringify(origin.slice(0, 200))}: no site allows it (add it to a site's "origins" if it is one of the shop's pages)`,
    );
  };
}

/** The kinds of data a site may keep for a limited time, in the order the config lists them. */
export const RETENTION_KINDS = ['events', 'anonymousProfiles', 'chat', 'drafts'] as const;

/** One kind of data a retention rule applies to. */
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/**
 * How many days a site keeps each kind of data (docs/config.md, "retention"); a kind left out is
 * kept until erased. The housekeeping schedule deletes what is older (server/retention.ts).
 */
export type SiteRetention = Partial<Record<RetentionKind, number>>;

/**
 * The longest retention accepted, 100 years: past it the field is a typo (1e12 days lies past the
 * end of JavaScript's dates), and keeping data that long is what leaving the field out says.
 */
export const MAX_RETENTION_DAYS = 36_500;

const KINDS: readonly string[] = RETENTION_KINDS;

/** Validates a site's `retention`, throwing on the first problem with the field named from `where`. */
export function checkRetention(raw: unknown, where: string): SiteRetention {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(
      `${where} must be an object like {"events": 395, "anonymousProfiles": 30, "chat": 180, "drafts": 30} (days)`,
    );
  }
  const retention: SiteRetention = {};
  for (const [kind, days] of Object.entries(raw)) {
    const field = `${where}.${kind}`;
    if (!KINDS.includes(kind)) {
      throw new Error(`${field} is not a kind of data; known: ${RETENTION_KINDS.join(', ')}`);
    }
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
      throw new Error(
        `${field} must be a whole number of days from 1 to ${MAX_RETENTION_DAYS} (leave it out to keep that data until erased)`,
      );
    }
    retention[kind as RetentionKind] = days;
  }
  return retention;
}

/** Checks the retention of every site (createServer, reloadSites): the config loader's errors. */
export function checkSitesRetention(sites: readonly { retention?: unknown }[]): void {
  sites.forEach((site, index) => {
    if (site.retention !== undefined) checkRetention(site.retention, `sites[${index}].retention`);
  });
}

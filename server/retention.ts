import type { RetentionKind, SiteRetention } from './retention-config.ts';
import type { Site } from './sites.ts';
import type { SweepResult, SweepStep } from './store/housekeeping-types.ts';
import type { Store } from './store/types.ts';

const DAY = 24 * 60 * 60 * 1000;

/** What retention deleted in one housekeeping run, all sites together. */
export interface RetentionReport {
  /** Events received longer ago than their site's `retention.events` (their plan violations went too). */
  events: number;
  /** Records of chat conversations unchanged for longer than `retention.chat`. */
  chatRecords: number;
  /** Records of form drafts unchanged for longer than `retention.drafts`. */
  draftRecords: number;
  /** Anonymous profiles with no activity for longer than `retention.anonymousProfiles`. */
  anonymousProfiles: number;
}

/**
 * Runs one bounded sweep to its end or its budget (housekeeping.ts); `key` names where it resumes,
 * so each site and kind keeps its own place.
 */
export type Sweeper = (key: string, step: (window: SweepStep) => Promise<SweepResult>) => Promise<number>;

/**
 * Deletes, for every site with a `retention`, what is older than it keeps: events, then stale chats
 * and drafts, then inactive anonymous profiles (last: a chat or draft deleted first is one trace
 * fewer to delete with a profile). `at` is the run's clock; each cutoff is `at` minus the days.
 */
export async function enforceRetention(
  store: Store,
  sites: readonly Site[],
  at: number,
  sweep: Sweeper,
): Promise<RetentionReport> {
  const report: RetentionReport = { events: 0, chatRecords: 0, draftRecords: 0, anonymousProfiles: 0 };
  for (const site of sites) {
    const cutoff = (kind: RetentionKind) => cutoffOf(site.retention, kind, at);
    const events = cutoff('events');
    if (events) {
      report.events += await sweep(`events:${site.id}`, (w) => store.removeExpiredEvents(site.id, events, w));
    }
    const chat = cutoff('chat');
    if (chat) {
      report.chatRecords += await sweep(`chat:${site.id}`, (w) =>
        store.removeStaleDocuments(site.id, 'chat', chat, w),
      );
    }
    const drafts = cutoff('drafts');
    if (drafts) {
      report.draftRecords += await sweep(`drafts:${site.id}`, (w) =>
        store.removeStaleDocuments(site.id, 'drafts', drafts, w),
      );
    }
    const profiles = cutoff('anonymousProfiles');
    if (profiles) {
      report.anonymousProfiles += await sweep(`anonymousProfiles:${site.id}`, (w) =>
        store.removeInactiveAnonymousProfiles(site.id, profiles, w),
      );
    }
  }
  return report;
}

/** The moment before which `kind` goes, or undefined when the site keeps it until erased. */
function cutoffOf(retention: SiteRetention | undefined, kind: RetentionKind, at: number): Date | undefined {
  const days = retention?.[kind];
  return days === undefined ? undefined : new Date(at - days * DAY);
}

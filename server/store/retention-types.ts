/**
 * Storage port of retention per site (server/retention.ts): deleting what a site keeps only for a
 * number of days. Like the rest of housekeeping (housekeeping-types.ts), each call does a bounded
 * piece of the work in one transaction, and the caller repeats it, within a budget, run after run.
 * Every time compared is the server's own clock at the moment it received something (a client can
 * claim any `timestamp` or HLC, but not when its request arrived).
 */
import { CHAT_DOC, FORM_DOC_PREFIX } from '../../src/protocol/index.ts';
import type { SweepResult, SweepStep } from './housekeeping-types.ts';

/** The documents a retention rule applies to: the chat conversation, or form drafts. */
export type DocumentKind = 'chat' | 'drafts';

/** Deletes what a site keeps only for a while. */
export interface RetentionStore {
  /**
   * Deletes at most `step.limit` events of the site received before `receivedBefore`, oldest first,
   * and the plan violations of their messageIds once no event of that messageId is left. The oldest
   * events are always the ones to go, so there is no window to resume: `step.after` is ignored, and
   * `next` is '' while a full batch went (more may be left), null once fewer did.
   */
  removeExpiredEvents(siteId: string, receivedBefore: Date, step: SweepStep): Promise<SweepResult>;
  /**
   * Looks at the window of the site's records after `step.after` (in key order; the cursor is
   * opaque) and deletes those of documents of `kind` (`chat`; `form:<id>`) that the server last
   * changed before `changedBefore`: a document goes whole once no record of it was received since,
   * so a conversation in progress keeps its first messages. Each profile that lost records has its
   * compaction watermark raised to the last record number it handed out, so each of its devices'
   * next pull is a reset (docs/protocol.md §3) and they forget the deleted records too.
   */
  removeStaleDocuments(
    siteId: string,
    kind: DocumentKind,
    changedBefore: Date,
    step: SweepStep,
  ): Promise<SweepResult>;
  /**
   * Looks at the window of profiles after `step.after` and deletes the site's anonymous ones (never
   * a user's) with no activity since `inactiveSince`: no profile, device or handoff link created, no
   * record received, no handoff claimed, and no event received with a device's anonymousId since.
   * With each go its devices (their tokens die), handoff links, records and watermark. Its events
   * stay: they are the `events` rule's. At most `step.limit` records go per call: a profile with more
   * is finished by the next calls (its devices go first, so nobody reads it half deleted), and
   * `next` then names the same window again.
   */
  removeInactiveAnonymousProfiles(siteId: string, inactiveSince: Date, step: SweepStep): Promise<SweepResult>;
}

/** How SQL finds a kind's documents: `doc` is the document's whole name, or (`prefix`) how it starts. */
export const DOCUMENT_KINDS: Readonly<Record<DocumentKind, { doc: string; prefix: boolean }>> = {
  chat: { doc: CHAT_DOC, prefix: false },
  drafts: { doc: FORM_DOC_PREFIX, prefix: true },
};

/** A window cursor of the records table: its key after the site, as the opaque string a sweep keeps. */
export function recordCursor(after: string): [string, string, string] {
  if (after === '') return ['', '', ''];
  const parsed: unknown = JSON.parse(after);
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((part) => typeof part === 'string')) {
    throw new RangeError('retention: not a records cursor');
  }
  return parsed as [string, string, string];
}

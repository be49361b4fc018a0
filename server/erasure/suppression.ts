import { subjectHash } from '../store/erasure-subject.ts';
import type { ErasureStore } from '../store/erasure-types.ts';

/** Valid events of a batch and their JSON, as the ingest route stores them. */
export interface CheckedEvents {
  events: Record<string, unknown>[];
  json: string[];
}

/**
 * Drops the events whose userId the site erased with suppression (protocol §8): they are answered
 * as accepted, so no client retries them, and never stored. One lookup per batch, and none for a
 * batch without a userId (most of a browser's events before sign-in).
 */
export async function dropSuppressed(
  store: Pick<ErasureStore, 'suppressedSubjects'>,
  siteId: string,
  checked: CheckedEvents,
): Promise<CheckedEvents & { suppressed: number }> {
  const hashes = checked.events.map((event) =>
    typeof event.userId === 'string' && event.userId !== '' ? subjectHash(siteId, event.userId) : null,
  );
  const asked = [...new Set(hashes.filter((hash): hash is string => hash !== null))];
  if (asked.length === 0) return { ...checked, suppressed: 0 };
  const suppressed = await store.suppressedSubjects(siteId, asked);
  if (suppressed.size === 0) return { ...checked, suppressed: 0 };
  const kept: CheckedEvents = { events: [], json: [] };
  checked.events.forEach((event, index) => {
    const hash = hashes[index];
    if (hash !== null && suppressed.has(hash)) return;
    kept.events.push(event);
    kept.json.push(checked.json[index]);
  });
  return { ...kept, suppressed: checked.events.length - kept.events.length };
}

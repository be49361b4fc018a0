import {
  CONSENT_DOC,
  MAX_CONSENT_CHANNEL_LENGTH,
  MAX_CONSENT_POLICY_LENGTH,
} from '../../src/protocol/index.ts';
import type { RecordGuard } from '../records.ts';

const FIELDS = new Set(['granted', 'channel', 'policy']);

/**
 * The rule of the `consent` document on top of the record rules (§3), for checkPush: a value of
 * exactly `{granted, channel, policy?}`, and no tombstone. Every accepted record becomes a receipt
 * the shop shows as proof of consent, so a value that could not say who granted what is refused, as
 * is a removal: consent is withdrawn with `granted: false`, which leaves a receipt, never by
 * deleting the record, which would leave the profile with no answer at all.
 */
export const consentGuard: RecordGuard = (record, where) => {
  if (record.doc !== CONSENT_DOC) return null;
  if (record.deleted) {
    return `${where} removes a consent record; withdraw consent with {"granted": false} instead`;
  }
  return consentValueProblem(record.value, `${where}.value`);
};

/** Why `value` is not a consent value (`{granted, channel, policy?}`, nothing else), or null. */
export function consentValueProblem(value: unknown, where: string): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `${where} must be an object {granted, channel, policy?}`;
  }
  const fields = value as Record<string, unknown>;
  const extra = Object.keys(fields).find((name) => !FIELDS.has(name));
  if (extra !== undefined)
    return `${where} has a field "${extra.slice(0, 40)}"; a consent value has only granted, channel and policy`;
  if (typeof fields.granted !== 'boolean') return `${where}.granted must be true or false`;
  return (
    shortText(fields.channel, `${where}.channel`, MAX_CONSENT_CHANNEL_LENGTH) ??
    (fields.policy === undefined
      ? null
      : shortText(fields.policy, `${where}.policy`, MAX_CONSENT_POLICY_LENGTH))
  );
}

// The text rules (well-formed, no U+0000) were checked with the record's value; only length is left.
function shortText(text: unknown, where: string, max: number): string | null {
  if (typeof text === 'string' && text !== '' && text.length <= max) return null;
  return `${where} must be a non-empty string of at most ${max} characters`;
}

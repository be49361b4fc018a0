import { isRecord } from '../src/core/sanitize.ts';

/**
 * Global Privacy Control (`Sec-GPC: 1`, which the browser sends with every request while its user
 * turned it on): an opt-out of sale and targeted advertising that California and Colorado require
 * honouring. The server treats it as the SDK does: an event that does not grant `marketing`
 * explicitly (a page that asked its customer may) is stored with it refused, in Segment's shape
 * (`context.consent.categoryPreferences.marketing: false`), so whatever reads or forwards the event
 * later honours the signal too. Returns the event to store, or undefined when it needs no change.
 */
export function refuseMarketing(event: Record<string, unknown>): Record<string, unknown> | undefined {
  const context = isRecord(event.context) ? event.context : {};
  const consent = isRecord(context.consent) ? context.consent : {};
  const preferences = isRecord(consent.categoryPreferences) ? consent.categoryPreferences : {};
  if (preferences.marketing === true) return undefined;
  return {
    ...event,
    context: {
      ...context,
      consent: { ...consent, categoryPreferences: { ...preferences, marketing: false } },
    },
  };
}

/** Whether a request carries Global Privacy Control (`Sec-GPC: 1`; any other value is none). */
export const hasPrivacyControl = (header: string | undefined): boolean => header?.trim() === '1';

import type { createTraffic } from '../attribution/traffic.ts';
import type { Settings } from '../config.ts';
import type { Consent } from '../consent/types.ts';
import { campaignOf, type deviceContext, withoutClickIds } from '../core/context.ts';
import type { Report } from '../core/report.ts';
import type { Delivery } from '../delivery/delivery.ts';
import type { Identity } from '../identity/identity.ts';
import type { createSession } from '../identity/session.ts';
import type { PlanGlue } from '../plan/glue.ts';
import { MAX_EVENT_CHARS } from '../protocol/index.ts';
import { version, withAttribution, withConsent, withPlan } from '../version.ts';
import { type Draft, type EventDraft, envelopeOf } from './envelope.ts';

/**
 * Largest event accepted, less room for the `sentAt` added when sent: in characters of its JSON
 * (UTF-16 code units), as the server counts it.
 */
const MAX_EVENT_SIZE = MAX_EVENT_CHARS - 64;

/**
 * Runs one waiting call, once allowed: its identity change first (identify, reset), then its event,
 * tagged with the consent in effect and (with `marketing`) the traffic source and click ids,
 * checked against the plan and the size limit, into the outbox.
 */
export function createSending(
  settings: Settings,
  report: Report,
  identity: Identity,
  session: ReturnType<typeof createSession>,
  delivery: Delivery,
  device: ReturnType<typeof deviceContext>,
  consent: Consent,
  traffic?: ReturnType<typeof createTraffic>,
  plan?: PlanGlue,
) {
  const library = { name: 'omnikit' as const, version };
  return (draft: Draft): void => {
    if (draft._change) {
      draft._change();
      identity._save();
    }
    if (!draft.type) return;
    const categoryPreferences = withConsent ? consent.get() : {};
    const marketing = !withConsent || categoryPreferences.marketing;
    if (!marketing) draft.page = withoutClickIds(draft.page);
    draft.campaign = campaignOf(draft.page.search);
    // A draft with a type is an event draft (TypeScript does not narrow an object by its property).
    const envelope = envelopeOf(draft as EventDraft, identity._get(), {
      channel: settings.channel,
      library,
      ...device(),
      session: { id: session._touch(draft.at) },
      ...(withConsent && { consent: { categoryPreferences } }),
    });
    if (withAttribution && marketing) traffic?._tag(envelope);
    if (withPlan && plan?.keep?.(envelope) === false) return;
    // Measured once, here, in characters (no UTF-8 copy per event): the outbox batches by it and
    // the exit send budgets by it.
    const size = JSON.stringify(envelope).length;
    if (size > MAX_EVENT_SIZE) {
      report('event_too_large', `${draft.type}: ${size} characters > ${MAX_EVENT_SIZE}; dropped`, { size });
      return;
    }
    delivery._enqueue(envelope, size);
  };
}

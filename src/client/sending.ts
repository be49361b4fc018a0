import type { createTraffic } from '../attribution/traffic.ts';
import type { Settings } from '../config.ts';
import type { deviceContext } from '../core/context.ts';
import type { Report } from '../core/report.ts';
import { jsonBytes } from '../core/sanitize.ts';
import type { Delivery } from '../delivery/delivery.ts';
import type { Identity } from '../identity/identity.ts';
import type { createSession } from '../identity/session.ts';
import type { PlanGlue } from '../plan/glue.ts';
import { MAX_EVENT_CHARS } from '../protocol/index.ts';
import { version, withAttribution, withPlan } from '../version.ts';
import { type Draft, type EventDraft, envelopeOf } from './envelope.ts';

/**
 * Largest event accepted, less room for the `sentAt` added when sent. Counted in UTF-8 bytes, never
 * fewer than the characters the server counts, so the server never refuses an event sent.
 */
const MAX_EVENT_BYTES = MAX_EVENT_CHARS - 64;

/**
 * Runs one waiting call, once allowed: its identity change first (identify, reset), then its event,
 * tagged with the traffic source, checked against the plan and the size limit, into the outbox.
 */
export function createSending(
  settings: Settings,
  report: Report,
  identity: Identity,
  session: ReturnType<typeof createSession>,
  delivery: Delivery,
  device: ReturnType<typeof deviceContext>,
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
    // A draft with a type is an event draft (TypeScript does not narrow an object by its property).
    const envelope = envelopeOf(draft as EventDraft, identity._get(), {
      channel: settings.channel,
      library,
      ...device(),
      session: { id: session._touch(draft.at) },
    });
    if (withAttribution) traffic?._tag(envelope);
    if (withPlan && plan?.keep?.(envelope) === false) return;
    // Measured once, here: the outbox batches by it and the exit send budgets by it.
    const bytes = jsonBytes(envelope);
    if (bytes > MAX_EVENT_BYTES) {
      report('event_too_large', `${draft.type}: ${bytes} bytes > ${MAX_EVENT_BYTES}; dropped`, { bytes });
      return;
    }
    delivery._enqueue(envelope, bytes);
  };
}

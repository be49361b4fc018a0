// A chunk (src/chunks/load.ts): loaded at the first watch of a form (src/forms/facade.ts checks its
// arguments). Only types come from the core; what it needs of it is passed as functions.
// This file wires one form's parts: its draft (draft.ts), its fields as the customer and a restore
// change them (watch-fields.ts), what a restore fills (restore.ts), how the visit ends (visit-end.ts).
import type { ConsentClient } from '../consent/types.ts';
import type { Report } from '../core/report.ts';
import type { Properties } from '../protocol/events.ts';
import { FORM_DOC_PREFIX } from '../protocol/index.ts';
import { emptyDoc } from '../sync/empty.ts';
import type { Sync } from '../sync/index.ts';
import { draftStore, type Saved } from './draft.ts';
import { captured, type Field, keyOf } from './fields.ts';
import { draftValues } from './restore.ts';
import type { FormHandle, FormsConfig, WatchForm, WatchOptions } from './types.ts';
import { watchVisitEnd } from './visit-end.ts';
import { watchFields } from './watch-fields.ts';

export type { FormHandle, Forms, FormsConfig, WatchForm, WatchOptions } from './types.ts';

/** What the drafts need of the client: its public `track`, the device's anonymous id, its consent. */
export interface FormsClient extends ConsentClient {
  track(event: string, properties?: Properties): void;
  anonymousId(): string | undefined;
}

/**
 * Drafts are kept only with `personalization`: the customer did not ask for them. Without it no
 * draft is saved or restored; once a choice refuses it, every draft this device holds is discarded
 * (on every device, as a discard is): when the chunk starts, and at once on withdrawal. A grant
 * calls `granted` (the watched forms are restored). Answers whether drafts are kept now.
 */
function keepDraftsWhileAllowed(sync: Sync, client: () => FormsClient, granted: () => void): () => boolean {
  const { consent } = client();
  // A build without consent categories has no get(): drafts are kept as its consent allows storage.
  const allowed = () => consent.get?.().personalization !== false;
  const settle = () => {
    if (allowed()) return granted();
    if (consent.state === 'pending') return;
    for (const name of sync._names?.() ?? []) {
      if (!name.startsWith(FORM_DOC_PREFIX)) continue;
      emptyDoc(sync.doc(name)); // the draft goes on every device
    }
  };
  void sync.ready().then(settle);
  client().on('consent', settle);
  return allowed;
}

/** The drafts of `sync`'s documents `form:<id>`; `client` tracks the form events. */
export function createForms(
  sync: Sync,
  client: () => FormsClient,
  report: Report,
  config: FormsConfig = {},
): WatchForm {
  const track = (event: string, properties: Properties) => client().track(event, properties);
  const watched = new Map<HTMLFormElement, [FormHandle, WatchOptions]>();
  const fills = new Set<() => void>();
  const kept = keepDraftsWhileAllowed(sync, client, () => {
    for (const fill of fills) fill();
  });
  return (form, options = {}, typed = []) => {
    const known = watched.get(form);
    if (known) return Object.assign(known[1], options) && known[0];
    const id = (options.id || form.dataset.omnikitForm)!;

    const doc = sync.doc(`${FORM_DOC_PREFIX}${id}`);
    const props = { form_id: id };
    // Fields the customer changed on this page: a restore leaves them alone.
    const touched = new Set<string>();
    let resumed = false;

    const fields = (key: string) =>
      [...form.elements].filter((el): el is Field => captured(el, config) && keyOf(el as Field) === key);
    const [save, changed, discardDraft, drop] = draftStore(
      doc,
      fields,
      () => client().anonymousId() ?? '',
      () => track('Form Started', props),
    );
    const change = (key: string) => kept() && changed(key);
    const fillUntouched = watchFields(form, fields, config, typed, touched, change);
    const restore = async () => {
      if (!kept()) return;
      const found = draftValues(doc.entries() as [string, Saved][], form.dataset.omnikitSince, config.maxAge);
      if (!found) return drop(); // expired, or empty
      const [values, from] = found;
      await options.prepare?.(values);
      const filled = fillUntouched(values);
      if (filled && !resumed) track('Form Resumed', { ...props, fields: filled, from_anonymous_id: from });
      resumed ||= !!filled;
    };
    const fill = () => restore().catch((error) => report('internal', `forms: ${error}`));
    const discard = () => {
      touched.clear();
      forgetSubmit();
      discardDraft();
    };
    const complete = () => {
      discard();
      track('Form Submitted', props);
    };
    const forgetSubmit = watchVisitEnd(form, save, complete, () => {
      if (touched.size) track('Form Abandoned', props);
      touched.clear();
    });
    // Loaded from storage, or changed by another tab or device: fill what the customer left alone.
    doc.subscribe((_, source) => source === 'remote' && fill());
    fills.add(fill);
    fill();
    const handle = { restore, complete, discard };
    watched.set(form, [handle, options]);
    return handle;
  };
}

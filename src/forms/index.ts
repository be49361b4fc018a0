// A chunk (src/chunks/load.ts): loaded at the first watch of a form (src/forms/facade.ts checks its
// arguments). Only types come from the core; what it needs of it is passed as functions.
// This file wires one form's parts: its draft (draft.ts), its fields as the customer and a restore
// change them (watch-fields.ts), what a restore fills (restore.ts), how the visit ends (visit-end.ts).
import type { Report } from '../core/report.ts';
import type { Properties } from '../protocol/events.ts';
import { FORM_DOC_PREFIX } from '../protocol/index.ts';
import type { Sync } from '../sync/index.ts';
import { draftStore, type Saved } from './draft.ts';
import { captured, type Field, keyOf } from './fields.ts';
import { draftValues } from './restore.ts';
import type { FormHandle, FormsConfig, WatchForm, WatchOptions } from './types.ts';
import { watchVisitEnd } from './visit-end.ts';
import { watchFields } from './watch-fields.ts';

export type { FormHandle, Forms, FormsConfig, WatchForm, WatchOptions } from './types.ts';

/** What the drafts need of the client: its public `track` and the device's anonymous id. */
export interface FormsClient {
  track(event: string, properties?: Properties): void;
  anonymousId(): string | undefined;
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
    const [save, change, discardDraft, drop] = draftStore(
      doc,
      fields,
      () => client().anonymousId() ?? '',
      () => track('Form Started', props),
    );
    const fillUntouched = watchFields(form, fields, config, typed, touched, change);
    const restore = async () => {
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
    fill();
    const handle = { restore, complete, discard };
    watched.set(form, [handle, options]);
    return handle;
  };
}

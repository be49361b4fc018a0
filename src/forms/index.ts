// A chunk (src/chunks/load.ts): loaded at the first watch of a form (src/forms/facade.ts checks its
// arguments). Only types come from the core; what it needs of it is passed as functions.
import type { Report } from '../core/report.ts';
import type { JsonValue, Properties } from '../protocol/events.ts';
import { FORM_DOC_PREFIX } from '../protocol/index.ts';
import type { Sync } from '../sync/index.ts';
import { captured, type Field, keyOf } from './fields.ts';
import { confirm } from './submit.ts';
import type { FormHandle, FormsConfig, WatchForm, WatchOptions } from './types.ts';
import { read, write } from './values.ts';

export type { FormHandle, Forms, FormsConfig, WatchForm, WatchOptions } from './types.ts';

/** A field as saved: its value, when (ms), and the anonymous id of the device that saved it. */
type Saved = [value: JsonValue, at: number, device: string];

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
    const touched = new Set<string>();
    const dirty = new Set<string>();
    let timer: ReturnType<typeof setTimeout>;
    let resumed = false;
    let restoring = false;
    let submitted: Event | undefined;

    const fields = (key: string) =>
      [...form.elements].filter((el): el is Field => captured(el, config) && keyOf(el as Field) === key);
    const save = () => {
      clearTimeout(timer);
      if (dirty.size && !doc.entries().length) track('Form Started', props);
      for (const key of dirty) {
        const value = read(fields(key));
        // A blur's `change` after the `input`s changes nothing: keep the time of the real change.
        if (`${value}` !== `${(doc.get(key) as Saved | undefined)?.[0]}`)
          doc.set(key, [value, Date.now(), client().anonymousId() ?? ''] satisfies Saved);
      }
      dirty.clear();
    };
    // Tombstones: the draft goes on every device.
    const drop = () => {
      for (const [key] of doc.entries()) doc.remove(key);
    };
    const discard = () => {
      touched.clear();
      dirty.clear();
      submitted = undefined;
      drop();
    };
    const complete = () => {
      discard();
      track('Form Submitted', props);
    };
    const restore = async () => {
      const draft = doc.entries() as [string, Saved][];
      let last = 0;
      let from = '';
      for (const [, [, at, device]] of draft) if (at > last) [last, from] = [at, device];
      if (last < Date.now() - (config.maxAge || 6048e5)) return drop(); // expired after 7 days, or empty
      const since = form.dataset.omnikitSince;
      const newer = Date.parse(since!) || +since! || 0;
      const values: Record<string, JsonValue> = {};
      for (const [key, [value, at]] of draft) if (at > newer) values[key] = value;
      await options.prepare?.(values);
      let filled = 0;
      restoring = true;
      try {
        for (const [key, value] of Object.entries(values)) {
          const group = fields(key);
          if (group[0] && !touched.has(key) && `${read(group)}` !== `${value}`) {
            write(group, value);
            filled++;
          }
        }
      } finally {
        restoring = false; // even when a page's own setter threw: keep saving what the customer types
      }
      if (filled && !resumed) track('Form Resumed', { ...props, fields: filled, from_anonymous_id: from });
      resumed ||= !!filled;
    };
    const fill = () => restore().catch((error) => report('internal', `forms: ${error}`));
    const input = (event: Event) => {
      const el = event.target as Field;
      if (restoring || !captured(el, config)) return;
      touched.add(keyOf(el));
      dirty.add(keyOf(el));
      clearTimeout(timer);
      timer = setTimeout(save, 300);
    };
    // Capturing, so a page that stops propagation still saves.
    form.addEventListener('input', input, true);
    form.addEventListener('change', input, true);
    for (const event of typed) input(event);
    form.addEventListener(
      'submit',
      (event) => {
        save();
        if (form.matches(':invalid')) return; // a novalidate form the page is about to refuse
        submitted = event;
        // Once every handler ran: a submit the page took over is confirmed by its request's answer.
        setTimeout(() => event.defaultPrevented && confirm(event, performance.now(), complete));
      },
      true,
    );
    // Capturing: ahead of the client's own pagehide listener, which sends the last events.
    addEventListener(
      'pagehide',
      () => {
        // Leaving after a submit the browser carried out: the submission navigated.
        if (submitted && !submitted.defaultPrevented) return complete();
        save();
        if (touched.size) track('Form Abandoned', props);
        touched.clear();
      },
      true,
    );
    // Loaded from storage, or changed by another tab or device: fill what the customer left alone.
    doc.subscribe((_, source) => source === 'remote' && fill());
    fill();
    const handle = { restore, complete, discard };
    watched.set(form, [handle, options]);
    return handle;
  };
}

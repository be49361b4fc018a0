import { attempt } from '../core/env.ts';
import type { Report } from '../core/report.ts';
import type { SyncDoc } from '../sync/index.ts';
import type { JsonValue, Properties } from '../types.ts';
import { captured, type Field, type FieldLists, keyOf } from './fields.ts';
import { confirm } from './submit.ts';
import { read, write } from './values.ts';

export { pickUp } from './pick-up.ts';

/** `forms` in the client's config. */
export interface FormsConfig extends FieldLists {
  /** Sync drafts through the backend to the customer's linked devices. Default false: this device only. */
  sync?: boolean;
  /** Milliseconds after its last change that a draft is deleted. Default 7 days. */
  maxAge?: number;
}

/**
 * Options of `forms.watch()`; a later watch of the same form adds its `prepare`. The page says when
 * its own values were saved with `data-omnikit-since` (ms or a date) on the form: draft fields saved
 * before are not filled.
 */
export interface WatchOptions {
  /** The draft's name, the same on every page and device showing the form. Default `data-omnikit-form`. */
  id?: string;
  /** Called with the values about to be filled, to add the repeated rows they need first; may return a promise. */
  prepare?: (values: Record<string, JsonValue>) => unknown;
}

/** A watched form. */
export interface FormHandle {
  /** Fills the fields not touched on this page from the draft (also done at watch and when the draft changes). */
  restore(): Promise<void>;
  /** The submission succeeded: deletes the draft on every device and tracks `Form Submitted`. */
  complete(): void;
  /** Deletes the draft on every device (a "start over" button). */
  discard(): void;
}

/** Drafts of forms, kept as the customer types, restored on their other visits and devices. */
export interface Forms {
  /** Keeps a draft of a form (an element or a selector); the same handle for a form already watched. */
  watch(form: HTMLFormElement | string, options?: WatchOptions): FormHandle | undefined;
}

/** A field as saved: its value, when (ms), and the anonymous id of the device that saved it. */
type Saved = [value: JsonValue, at: number, device: string];

export function createForms(
  doc: (name: string) => SyncDoc,
  track: (event: string, properties: Properties) => void,
  anonymousId: () => string,
  report: Report,
  c: FormsConfig = {},
): Forms {
  const watched = new Map<unknown, [FormHandle, WatchOptions]>();
  return {
    watch(target, options = {}) {
      const form = (
        typeof target === 'string' ? attempt(() => document.querySelector(target), null) : target
      ) as HTMLFormElement | null;
      const known = watched.get(form);
      if (known) return Object.assign(known[1], options) && known[0];
      const id = form?.tagName === 'FORM' && (options.id || form.dataset.omnikitForm);
      if (!id) return void report('invalid_argument', 'forms.watch: not a form, or no id');

      const d = doc(`form:${id}`);
      const props = { form_id: id };
      const touched = new Set<string>();
      const dirty = new Set<string>();
      let timer: ReturnType<typeof setTimeout>;
      let resumed = false;
      let restoring = false;
      let submitted: Event | undefined;

      const fields = (key: string) =>
        [...form.elements].filter((el): el is Field => captured(el, c) && keyOf(el as Field) === key);
      const save = () => {
        clearTimeout(timer);
        if (dirty.size && !d.entries().length) track('Form Started', props);
        for (const key of dirty) {
          const value = read(fields(key));
          // A blur's `change` after the `input`s changes nothing: keep the time of the real change.
          if (`${value}` !== `${(d.get(key) as Saved | undefined)?.[0]}`)
            d.set(key, [value, Date.now(), anonymousId()] satisfies Saved);
        }
        dirty.clear();
      };
      // Tombstones: the draft goes on every device.
      const drop = () => {
        for (const [key] of d.entries()) d.remove(key);
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
        const draft = d.entries() as [string, Saved][];
        let last = 0;
        let from = '';
        for (const [, [, at, device]] of draft) if (at > last) [last, from] = [at, device];
        if (last < Date.now() - (c.maxAge || 6048e5)) return drop(); // expired after 7 days, or empty
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
      const input = (e: Event) => {
        const el = e.target as Field;
        if (restoring || !captured(el, c)) return;
        touched.add(keyOf(el));
        dirty.add(keyOf(el));
        clearTimeout(timer);
        timer = setTimeout(save, 300);
      };
      // Capturing, so a page that stops propagation still saves.
      form.addEventListener('input', input, true);
      form.addEventListener('change', input, true);
      form.addEventListener(
        'submit',
        (e) => {
          save();
          if (form.matches(':invalid')) return; // a novalidate form the page is about to refuse
          submitted = e;
          // Once every handler ran: a submit the page took over is confirmed by its request's answer.
          setTimeout(() => e.defaultPrevented && confirm(e, performance.now(), complete));
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
      d.subscribe((_, source) => source === 'remote' && fill());
      fill();
      const handle = { restore, complete, discard };
      watched.set(form, [handle, options]);
      return handle;
    },
  };
}

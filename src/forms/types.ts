// The public types of forms, apart from the drafts code: the core imports only these.
import type { JsonValue } from '../protocol/events.ts';
import type { FieldLists } from './fields.ts';

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

/**
 * What the forms chunk answers: watches a form the core checked already (a form, with an id);
 * `typed`: the `input` and `change` events of the form seen before the chunk was loaded.
 */
export type WatchForm = (form: HTMLFormElement, options?: WatchOptions, typed?: Event[]) => FormHandle;

import { attempt } from '../core/env.ts';
import type { Report } from '../core/report.ts';
import type { FormHandle, Forms, WatchForm } from './types.ts';

/**
 * `client.forms` as the core has it: checks the arguments and answers a handle at once, while the
 * drafts code (a chunk, src/forms/index.ts) loads on the first watch; the handle's calls wait for it.
 * `code` never rejects: it answers undefined when the chunk could not be loaded (reported).
 */
export function formsFacade(code: () => Promise<WatchForm | undefined>, report: Report): Forms {
  const handles = new Map<unknown, FormHandle>();
  return {
    watch(target, options) {
      const form = (
        typeof target === 'string' ? attempt(() => document.querySelector(target), null) : target
      ) as HTMLFormElement;
      let handle = handles.get(form);
      // The pick-up meets watched forms again at every DOM change: nothing to tell the chunk then.
      if (handle && !options) return handle;
      if (!handle && !(form?.tagName === 'FORM' && (options?.id || form.dataset.omnikitForm)))
        return void report('invalid_argument', 'forms.watch: not a form, or no id');
      let typed: Event[] | undefined = [];
      const watched = code().then((watch) => {
        const watching = watch?.(form, options, typed);
        typed = undefined;
        return watching;
      });
      if (!handle) {
        // What the customer types before the drafts code is here goes to it, so a restore spares it
        // (`input` is enough: checkboxes, radios and selects fire it too).
        form.addEventListener('input', (event) => typed?.push(event), true);
        handle = {
          restore: () => watched.then((watching) => watching?.restore()),
          complete: () => watched.then((watching) => watching?.complete()),
          discard: () => watched.then((watching) => watching?.discard()),
        };
        handles.set(form, handle);
      }
      return handle;
    },
  };
}

// A customer's unfinished forms, as the agents' 360° view and the associates' store view show them.
import { el } from './dom.js';
import { draftValue, fieldLabel } from './format.js';

/** Each unfinished form under its name, its fields as label and value, in the order the API gives. */
export function draftsView(forms) {
  const drafts = Object.entries(forms);
  if (!drafts.length) return [el('p', { class: 'muted' }, 'None.')];
  return drafts.map(([doc, fields]) =>
    el(
      'section',
      { class: 'draft' },
      el('h4', { title: doc }, fieldLabel(doc.slice('form:'.length))),
      el(
        'dl',
        {},
        ...Object.entries(fields).flatMap(([key, value]) => [
          el('dt', { title: key }, fieldLabel(key)),
          el('dd', {}, draftValue(value)),
        ]),
      ),
    ),
  );
}

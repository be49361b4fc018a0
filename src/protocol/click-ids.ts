/**
 * Ad-platform click ids in a landing page's query: Google, Meta, Microsoft, TikTok, LinkedIn, X,
 * Yandex. They are `marketing` (docs/privacy.md): without it, no event carries their values, neither
 * in `context.campaign` nor in the page's address; the SDK and the server take them out alike.
 */
export const CLICK_IDS = [
  'gclid',
  'gbraid',
  'wbraid',
  'dclid',
  'fbclid',
  'msclkid',
  'ttclid',
  'li_fat_id',
  'twclid',
  'yclid',
];

/** Whether a query parameter is a click id. */
export const isClickId = (name: string): boolean => CLICK_IDS.includes(name);

/**
 * `text` cut to at most `max` UTF-16 units, never between the two halves of a character outside the
 * BMP (an emoji): a lone surrogate is not well-formed text, and the server refuses a record holding one.
 */
export function within(text: string, max: number): string {
  const cut = text.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), textarea:not([disabled]), [tabindex]';

/** Keeps Tab and Shift+Tab inside `container` (the open panel), wrapping at either end. */
export function trapFocus(event: KeyboardEvent, container: HTMLElement): void {
  if (event.key !== 'Tab') return;
  const all = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.tabIndex >= 0 && el.getClientRects().length,
  );
  const active = (container.getRootNode() as ShadowRoot).activeElement;
  const [first, last] = [all[0], all[all.length - 1]];
  if (event.shiftKey ? active === first || !container.contains(active) : active === last) {
    event.preventDefault();
    (event.shiftKey ? last : first)?.focus();
  }
}

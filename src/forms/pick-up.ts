/** Calls `found` with every `<form data-omnikit-form>` of the page, now and whenever the DOM changes. */
export function pickUp(found: (form: HTMLFormElement) => void): void {
  const scan = () => {
    for (const form of document.forms) if (form.dataset.omnikitForm) found(form);
  };
  const start = () => {
    scan();
    new MutationObserver(scan).observe(document, { childList: true, subtree: true });
  };
  // Once parsed: a form met mid-parse would be missing the fields still to come.
  if (document.readyState === 'loading') addEventListener('DOMContentLoaded', start);
  else start();
}

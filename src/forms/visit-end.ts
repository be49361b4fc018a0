import { confirm } from './submit.ts';

/**
 * How the customer's visit of `form` ends: a submission that succeeded calls `complete` (the browser
 * carried it out and navigated away, or the page took it over and its request answered 2xx); leaving
 * the page otherwise calls `leave`. `save` is called first either way. Answers the function that
 * forgets a submission seen (the draft was discarded since).
 */
export function watchVisitEnd(
  form: HTMLFormElement,
  save: () => void,
  complete: () => void,
  leave: () => void,
): () => void {
  let submitted: Event | undefined;
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
      leave();
    },
    true,
  );
  return () => {
    submitted = undefined;
  };
}

// Typing, both ways (§6): ephemeral, never stored.

/** Body of `POST /v1/chat/typing` (Bearer): the customer is typing, or stopped. */
export interface TypingRequest {
  typing: boolean;
}

/** A client sends "typing" at most this often (ms) while the customer types. */
export const TYPING_RENEW_MS = 3000;
/** A client treats typing as over after this long (ms) without a renewal. */
export const TYPING_EXPIRES_MS = 6000;

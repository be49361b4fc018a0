// The documents the protocol itself names (§3 cart, form drafts, §6 chat), and the keys of the chat
// document.

/** The cart: one record per line, keyed by the line id; a live line's value has a numeric `qty`. */
export const CART_DOC = 'cart';
/** Name prefix of a form draft, `form:<form id>`: one key per field (the agents' view shows them). */
export const FORM_DOC_PREFIX = 'form:';
/** Products viewed lately: one key per product id, `{name?, price?, currency?, url?, image_url?, at}`. */
export const RECENT_DOC = 'recent';
/** The conversation, one document per profile, so it follows the customer's linked devices. */
export const CHAT_DOC = 'chat';
/** Key prefix of a message: `m:<id>` (customer ids are the client's, agent ids the server's, `a…`). */
export const MESSAGE_PREFIX = 'm:';
/** Key of `{at}`: the newest agent message the customer has seen (written by devices). */
export const READ_KEY = 'read';
/** Key of `{at}` (the server's clock): written by the server only, when agents read the conversation. */
export const AGENT_READ_KEY = 'agentRead';

/** A message, as stored under `m:<id>` of the chat document. */
export interface ChatRecordValue {
  text: string;
  from: 'customer' | 'agent';
  /** ms since epoch, as the writer claims it: shown, never used to order. */
  at: number;
  /** The agent's display name (agent messages only). */
  name?: string;
  /** Pre-chat fields (the customer's first message only). */
  fields?: Record<string, string>;
}

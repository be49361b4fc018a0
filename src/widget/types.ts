import type { ChatMessage } from '../chat/chat.ts';

export type { ChatMessage } from '../chat/chat.ts';

/** A field asked for before the first message (name, e-mail…), sent with it. */
export interface PreChatField {
  /** Key in the message's `fields`. */
  name: string;
  /** The visible label. */
  label: string;
  /** Input type. Default `text`. */
  type?: 'text' | 'email' | 'tel';
  /** The first message waits until it is filled. */
  required?: boolean;
}

/** When agents answer; outside these hours the panel shows the away message. */
export interface OpeningHours {
  /** IANA time zone of the hours, e.g. `Europe/Paris`. Default: the customer's own. */
  timeZone?: string;
  /** Days open, 0 = Sunday … 6 = Saturday. Default Monday to Friday. */
  days?: number[];
  /** Opening time, `HH:MM`. */
  from: string;
  /** Closing time, `HH:MM`. */
  to: string;
}

/**
 * Options of the chat-and-cart widget: `widget: {…}` in the config (`widget: true` for the defaults).
 * Script tag: `data-widget`, and each option as `data-widget-<option>` (`data-widget-z-index="10"`;
 * `hours` and `fields` as JSON).
 */
export interface WidgetConfig {
  /** Brand colour (any CSS colour) of the launcher, the heading and the customer's messages. */
  color?: string;
  /** Corner radius of the panel, a CSS length. Default `12px`. */
  radius?: string;
  /** Font family. Default: the system's. */
  font?: string;
  /** Side of the screen (in the page's writing direction: `end` is right in English). Default `end`. */
  position?: 'start' | 'end';
  /** Stacking order of the launcher and panel. Default 2147483000. */
  zIndex?: number;
  /** Language: `en`, `zh-Hant`, `zh-Hans`. Default: from `navigator.language`. */
  lang?: string;
  /** Heading of the panel. */
  title?: string;
  /** First line shown in an empty conversation. */
  greeting?: string;
  /** Fields asked for before the first message. */
  fields?: PreChatField[];
  /** Opening hours; outside them the away message shows (messages are still taken). */
  hours?: OpeningHours;
  /** The away message. Default: a translated "we'll answer when we're back". */
  away?: string;
  /** One short sound per new agent message, in one tab of the browser. Default true. */
  sound?: boolean;
  /** The cart tab. Default true. */
  cart?: boolean;
  /** The "continue on your phone" QR code. Default true. */
  handoff?: boolean;
  /** "Show my cart in store" under the cart: a code staff read at the till. Default false (shops with stores). */
  inStore?: boolean;
}

/** Events of `omnikit.widget.on()`. */
export interface WidgetEvents {
  /** A new message in the conversation, the customer's or an agent's. */
  message: ChatMessage;
  /** The panel opened (true) or closed (false). */
  open: boolean;
  /** The number of agent messages not read yet changed. */
  unread: number;
}

/** The launcher and its panel (chat, cart, continue on your phone). */
export interface Widget {
  /** Opens the panel (loading it first if needed). */
  open(): void;
  /** Closes the panel. */
  close(): void;
  /** Opens the panel when closed, closes it when open. */
  toggle(): void;
  /** Listens to `message`, `open` or `unread`; returns the function that stops listening. */
  on<K extends keyof WidgetEvents>(type: K, listener: (value: WidgetEvents[K]) => void): () => void;
}

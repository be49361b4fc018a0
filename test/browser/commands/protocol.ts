import type { ServerStats, StoredEvent } from '../../../server/index.ts';
// Names and payloads of the wtr server commands, shared by the Node plugins (commands/*.ts) and the
// browser helpers (helpers.ts). Types only: nothing here runs.

export type FaultPayload =
  | {
      kind: 'fail';
      count: number;
      status: number;
      headers?: Record<string, string>;
      path?: string | string[];
    }
  | { kind: 'delay'; ms: number; count?: number; path?: string | string[] }
  | { kind: 'drop'; count: number; after?: boolean; path?: string | string[] }
  | { kind: 'clear' };

/** Mirrors server/index.ts `EventFilter` (kept here so browser code need not import server code). */
export interface EventFilterPayload {
  anonymousId?: string;
  userId?: string;
  type?: string;
  messageId?: string;
  limit?: number;
}

export interface CommandPayloads {
  'backend-reset': undefined;
  'backend-fault': FaultPayload;
  'backend-events': { siteId?: string; filter?: EventFilterPayload };
  'backend-stats': undefined;
  /** Every document record of a site in the server's database, all profiles, tombstones included. */
  'backend-records': { siteId?: string } | undefined;
  /** Closes the server and starts a new one on the same port and SQLite file, `downMs` later. */
  'backend-restart': { downMs?: number } | undefined;
  'backend-drop-streams': undefined;
  /** Compacts every tombstone now, as the server does with those past the 30-day horizon. */
  'backend-compact': undefined;
  /** Expires every handoff link now, as ten minutes would. */
  'backend-expire-handoffs': undefined;
  /** Takes the device (a context of its own) whose page URL contains `match` off or back on the network. */
  'device-offline': { match: string; offline: boolean };
  'tab-open': { url: string };
  'device-open': { url: string };
  'tab-eval': { id: string; expression: string };
  /** Acts on the element `selector` matches as a customer would (Playwright: trusted events). */
  'tab-act': {
    id: string;
    action: 'fill' | 'check' | 'uncheck' | 'select' | 'click' | 'press';
    selector: string;
    value?: string | string[];
  };
  /** What a tab or device sent so far. */
  'tab-requests': { id: string };
  'tab-reload': { id: string };
  /**
   * Fails every later request of the tab whose URL matches `pattern` (a RegExp source), as a network
   * error; with `hold`, never answers them instead (a request that hangs).
   */
  'tab-block': { id: string; pattern: string; hold?: boolean };
  /** Lets the requests a `tab-block` with this `pattern` stopped through again. */
  'tab-unblock': { id: string; pattern: string };
  'tab-close': { id: string; runBeforeUnload?: boolean };
  'tab-hide': { id: string };
  'tab-show': { id: string };
  'tab-viewport': { id: string; width: number; height: number };
  'tab-screenshot': { id: string; name: string };
  /** A picture (PNG) of the element `selector` matches (pierces shadow roots), as the screen shows it. */
  'tab-picture': { id: string; selector: string };
  /** Chooses a file for the file input `selector` matches, as a person picking a photo would. */
  'tab-upload': { id: string; selector: string; name: string; mimeType: string; base64: string };
  'context-offline': { offline: boolean };
}

// The server's own types: type-only, so nothing of the server reaches the browser bundle.
export type { ServerStats, StoredEvent } from '../../../server/index.ts';

/** What each command answers (never null or undefined: wtr reads that as "no plugin handled it"). */
export interface CommandResults {
  'backend-reset': true;
  'backend-fault': true;
  'backend-events': StoredEvent[];
  'backend-stats': ServerStats;
  'backend-records': StoredRecord[];
  'backend-restart': true;
  /** How many streams were cut. */
  'backend-drop-streams': number;
  'backend-compact': true;
  'backend-expire-handoffs': true;
  'device-offline': true;
  'tab-open': string;
  'device-open': string;
  /** Wrapped so that an `undefined` value survives; a page error comes back as `error`. */
  'tab-eval': { value?: unknown; error?: string };
  'tab-act': true;
  'tab-requests': SentRequest[];
  'tab-reload': true;
  'tab-block': true;
  'tab-unblock': true;
  'tab-close': true;
  'tab-hide': true;
  'tab-show': true;
  'tab-viewport': true;
  'tab-screenshot': true;
  /** The PNG, base64. */
  'tab-picture': string;
  'tab-upload': true;
  'context-offline': true;
}

export type CommandName = keyof CommandPayloads;

/** A request a page made, as Playwright saw it leave. */
export interface SentRequest {
  url: string;
  method: string;
  body: string | null;
}

/** A row of the server's `records` table (documents), read straight from SQLite. */
export interface StoredRecord {
  profileId: string;
  doc: string;
  key: string;
  /** The value's JSON as stored. */
  value: string;
  deleted: boolean;
}

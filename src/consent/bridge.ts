import type { Report } from '../core/report.ts';
import type { CategoryPreferences, Consent } from './types.ts';

/** What a consent bridge is handed: the running client's consent and its `consent` event. */
export interface BridgedClient {
  consent: Consent;
  on(type: 'consent', listener: (preferences: CategoryPreferences) => void): () => void;
}

/** A consent bridge (a chunk): connects the client's consent to a standard the page's other tags read. */
export type Bridge = (client: BridgedClient, report: Report) => void;

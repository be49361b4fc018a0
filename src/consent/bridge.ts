import type { Report } from '../core/report.ts';
import type { ConsentClient } from './types.ts';

/** A consent bridge (a chunk): connects the client's consent to a standard the page's other tags read. */
export type Bridge = (client: ConsentClient, report: Report) => void;

import { relative } from 'node:path';
import { errorKind } from './store/storage-failure.ts';

/** How often one kind of failure is logged at most (the others are counted into the next line). */
export const ERROR_LOG_INTERVAL_MS = 60_000;

// Distinct (kind, place) pairs remembered; past that the oldest is forgotten, so a flood of odd
// errors cannot grow the map without bound.
const MAX_KINDS = 500;

/**
 * The server's log of failures it did not expect: one line per kind of error and place (route,
 * background job), at most once per `intervalMs`, with the number of repeats in between. A line
 * names the error's class, code and the line of code that threw, never the error's message or
 * details, which may quote what a customer sent (pg's `detail`, JSON.parse's excerpt, a value).
 */
export class ErrorLog {
  readonly #now: () => number;
  readonly #intervalMs: number;
  readonly #write: (line: string) => void;
  readonly #kinds = new Map<string, { loggedAt: number; suppressed: number }>();

  constructor(options: { now?: () => number; intervalMs?: number; write?: (line: string) => void } = {}) {
    this.#now = options.now ?? Date.now;
    this.#intervalMs = options.intervalMs ?? ERROR_LOG_INTERVAL_MS;
    this.#write = options.write ?? ((line) => console.error(line));
  }

  /** Logs (or counts) `error` met at `where` (e.g. `POST /v1/sync`); `what` says what became of it. */
  report(what: string, error: unknown, where: string): void {
    const kind = errorKind(error);
    const key = `${what}\n${kind}\n${where}`;
    const now = this.#now();
    const seen = this.#kinds.get(key);
    if (seen && now - seen.loggedAt < this.#intervalMs) {
      seen.suppressed += 1;
      return;
    }
    const repeats = seen?.suppressed ? ` (${seen.suppressed} more since the last report)` : '';
    const at = codeLocation(error);
    this.#write(`[omnikit] ${what}: ${kind}${at ? ` at ${at}` : ''} on ${where}${repeats}`);
    this.#kinds.delete(key);
    this.#kinds.set(key, { loggedAt: now, suppressed: 0 });
    if (this.#kinds.size > MAX_KINDS) this.#kinds.delete(this.#kinds.keys().next().value as string);
  }
}

/**
 * `file:line:column` of the innermost stack frame, relative to the working directory. Only the
 * frames after the `Name: message` header are read: the message may hold customer text, even text
 * that looks like a frame.
 */
function codeLocation(error: unknown): string | null {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return null;
  const header = String(error);
  if (!error.stack.startsWith(header)) return null;
  const frame = error.stack.slice(header.length).split('\n')[1] ?? '';
  const match = /^\s+at (?:.*\()?(?:file:\/\/)?([^\s()]+):(\d+):(\d+)\)?$/.exec(frame);
  if (!match) return null;
  const [, file, line, column] = match;
  return `${file.startsWith('/') ? relative(process.cwd(), file) : file}:${line}:${column}`;
}

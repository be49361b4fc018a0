import type { load } from '../chunks/load.ts';
import type { Report } from '../core/report.ts';
import type { LocalCopy } from './local.ts';
import { META, type Meta } from './store.ts';
import type { Stream } from './stream.ts';

/**
 * The change stream (§4) is a chunk: only the tab that holds the stream fetches it, after its first
 * sync, with the core's `loadChunk`. `open` fetches and runs it (once; again after a failed fetch),
 * `restart` reconnects it.
 */
export function createStreamOpener(
  endpoint: string,
  local: LocalCopy,
  changed: (data?: string) => void,
  delay: (failures: number) => number,
  report: Report,
  loadChunk: typeof load,
): [open: () => Promise<unknown>, restart: () => void] {
  let stream: Stream | undefined;
  let streaming: Promise<unknown> | undefined;
  const open = () =>
    (streaming ??= loadChunk('stream').then(
      (chunk) => {
        stream = chunk.createStream(
          `${endpoint}/v1/stream`,
          async () => (await local._kv()._get<Meta>(META))?._token,
          changed,
          delay,
          // Ephemeral events (chat typing) reach `doc('')`'s subscribers as keys [event, data].
          (event, data) => local._listeners.emit('', [[event, data], 'remote']),
        );
        return stream._run();
      },
      (error: Error) => {
        // Without it, changes arrive on focus and with each sync; back online, it is fetched again.
        streaming = undefined;
        report('internal', `stream: ${error.message}`, error);
      },
    ));
  return [open, () => stream?._restart()];
}

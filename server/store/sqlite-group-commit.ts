import type Database from 'better-sqlite3';

/**
 * A write of the store: a transaction function of better-sqlite3 (a savepoint when nested), async
 * in name only: it has written (or failed) when the call returns.
 */
type Write = () => Promise<unknown>;

interface Waiting {
  write: Write;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/** Runs writes in groups (see groupCommits); `flush` commits the waiting ones now. */
export interface GroupCommit {
  run<T>(write: () => Promise<T>): Promise<T>;
  flush(): void;
}

/**
 * Group commit of writes (merges, event batches): the writes asked for during one turn of the event
 * loop run in one IMMEDIATE transaction, each in its own savepoint, and are answered once that
 * transaction is committed.
 *
 * Why: with `synchronous = FULL` every commit is an fsync, ~1 ms of blocked event loop and ~200 µs of
 * CPU on the bench machine, so one commit per push capped /v1/sync at a few hundred pushes a second
 * (100 devices waited half a second each), and ingest at one batch per fsync. One fsync now covers
 * every write that arrived meanwhile, and each is still on disk before it is answered (a 2xx
 * survives a power cut).
 *
 * Each write keeps its own rules: it runs whole, in order, and sees the writes before it (sequence
 * numbers, quotas, duplicates); one that throws rolls back its savepoint and fails alone. A failure
 * that ends the transaction itself (full disk, I/O error: SQLite rolls everything back) fails the
 * whole group, since nothing of it was stored.
 */
export function groupCommits(db: Database.Database): GroupCommit {
  let waiting: Waiting[] = [];
  let scheduled: NodeJS.Immediate | undefined;

  const inOneTransaction = db.transaction((group: Waiting[]) => {
    const outcomes: Promise<unknown>[] = [];
    for (const { write } of group) {
      const outcome = write();
      // Handled here too: when a later write fails the group, this outcome is never awaited.
      outcome.catch(() => {});
      outcomes.push(outcome);
      if (!db.inTransaction) {
        // SQLite ended the transaction (a storage failure): whatever ran before is gone too.
        throw new GroupFailed(outcome);
      }
    }
    return outcomes;
  });

  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    const group = waiting;
    waiting = [];
    if (group.length === 0) return;
    let outcomes: Promise<unknown>[];
    try {
      outcomes = inOneTransaction.immediate(group);
    } catch (error) {
      failAll(group, error);
      return;
    }
    group.forEach((job, index) => void outcomes[index].then(job.resolve, job.reject));
  };

  return {
    run: <T>(write: () => Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        waiting.push({ write, resolve: resolve as (result: unknown) => void, reject });
        // setImmediate: after the I/O callbacks of this turn, so every request read meanwhile joins.
        scheduled ??= setImmediate(flush);
      }),
    flush,
  };
}

/** Thrown inside the group's transaction when SQLite ended it; carries the write that saw it end. */
class GroupFailed extends Error {
  constructor(readonly outcome: Promise<unknown>) {
    super('the group commit transaction ended');
  }
}

// Every write of the group gets the error that ended it (a storage failure answers 503, retried).
function failAll(group: Waiting[], error: unknown): void {
  if (!(error instanceof GroupFailed)) {
    for (const job of group) job.reject(error);
    return;
  }
  error.outcome.then(
    () => {
      for (const job of group) job.reject(new Error('SQLite ended the group commit transaction'));
    },
    (cause: unknown) => {
      for (const job of group) job.reject(cause);
    },
  );
}

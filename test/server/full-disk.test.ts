// A full disk under the default SQLite store, for real: the database lives on a small tmpfs, the API
// fills it until writes fail, then space comes back. While full, every write answers 503 +
// Retry-After (never a 2xx that was not stored); once space is back the same server resumes, and
// its WAL is checkpointed and cut back. Mounting needs root (as in CI); elsewhere the file is skipped.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type ErrorBody,
  type Harness,
  type IngestBody,
  postJson,
  SHOP_ORIGIN,
  setHarnessDatabase,
  startServer,
  TEST_NOW,
  trackEvent,
} from './helpers.ts';
import { api, line, register } from './protocol/client.ts';
import { sqliteDatabase } from './test-database.ts';

const mountPoint = mkdtempSync(join(tmpdir(), 'omnikit-full-disk-'));
const unmount = () => {
  try {
    execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
  } catch {}
  rmSync(mountPoint, { recursive: true, force: true });
};
let skip: string | false = false;
try {
  // 2 MB: one database of a few hundred batches, and a filler file that takes half of it.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mountPoint], { stdio: 'pipe' });
  process.once('exit', unmount);
} catch (error) {
  skip = `cannot mount a tmpfs to fill (needs root): ${(error as Error).message.split('\n')[0]}`;
  rmSync(mountPoint, { recursive: true, force: true });
}

/** A sync push of 100 cart lines of 1 KB each: larger than one batch of events. */
function pushCart(url: string, token: string): Promise<Response> {
  const push = Array.from({ length: 100 }, (_, i) => ({
    ...line(`sku-${i}`, 1, TEST_NOW),
    value: { qty: 1, note: 'n'.repeat(1024) },
  }));
  return api(url, 'POST', '/v1/sync', {
    token,
    body: { push, cursor: '' },
    headers: { Origin: SHOP_ORIGIN },
  });
}

describe('a full disk under the SQLite store', { skip }, () => {
  let h: Harness;
  let file: string;
  const filler = join(mountPoint, 'filler');
  const lines: string[] = [];
  const original = console.error;
  before(async () => {
    writeFileSync(filler, Buffer.alloc(1024 * 1024));
    setHarnessDatabase(async () => {
      const database = await sqliteDatabase(mountPoint);
      file = database.file;
      return database;
    });
    h = await startServer();
    console.error = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  });
  after(async () => {
    console.error = original;
    await h?.close();
    unmount();
  });

  it('answers 503 + Retry-After while full, never 2xx, and resumes with its WAL checkpointed once space is back', async () => {
    const secret = `secret-${randomUUID()}`;
    const device = await register(h.url, 'phone');
    const acknowledged: string[] = [];
    const send = () => {
      const events = Array.from({ length: 20 }, () => trackEvent({ properties: { note: secret } }));
      const headers = { Origin: SHOP_ORIGIN };
      return { events, response: postJson(`${h.url}/v1/batch`, { batch: events }, { headers }) };
    };

    // Fill the disk through the API.
    let full: Response | undefined;
    for (let i = 0; i < 2000 && !full; i++) {
      const { events, response } = send();
      const res = await response;
      if (res.ok) {
        assert.equal(((await res.json()) as IngestBody).accepted, 20);
        acknowledged.push(...events.map((e) => e.messageId as string));
      } else full = res;
    }
    assert.ok(full, 'the disk never filled up');
    assert.ok(acknowledged.length > 0);

    // Full: every write is refused as "retry later", and nothing is claimed stored. (A write smaller
    // than the one that failed may still fit in the space that one had taken, and be stored: these
    // are not smaller.)
    const answers = [full];
    for (let i = 0; i < 10; i++) answers.push(await send().response);
    answers.push(await pushCart(h.url, device.token));
    for (const res of answers) {
      assert.equal(res.status, 503, `while full: ${res.status} from ${res.url}`);
      assert.equal(res.headers.get('retry-after'), '5');
      // A browser client can read it: CORS headers on the error too.
      assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
      assert.match(res.headers.get('access-control-expose-headers') ?? '', /Retry-After/i);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'storage_unavailable');
    }
    const walWhileFull = statSync(`${file}-wal`).size;

    // Space is back: the same server stores again, without a restart.
    rmSync(filler);
    const { events, response } = send();
    const resumed = await response;
    assert.equal(resumed.status, 200);
    acknowledged.push(...events.map((e) => e.messageId as string));
    const synced = await pushCart(h.url, device.token);
    assert.equal(synced.status, 200);
    const wal = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
    // A WAL file never shrinks unless a checkpoint truncates it: smaller than while full means it
    // was truncated, and what is in it now is the batch and the cart written since (about 270 KB
    // against about 1 MB while full; how full depends on the schema's size, so not a quarter).
    assert.ok(
      wal < walWhileFull / 2,
      `the WAL was checkpointed and truncated (${wal} bytes now, ${walWhileFull} while full)`,
    );

    // Everything acknowledged is there.
    const stored = new Set((await h.database.rows('events')).map((row) => row.message_id));
    assert.deepEqual(
      acknowledged.filter((id) => !stored.has(id)),
      [],
      'acknowledged events lost',
    );

    // The log says what happened, once per kind and route, and never quotes the customer.
    const storage = lines.filter((l) => l.includes('storage unavailable'));
    assert.ok(storage.length >= 1 && storage.length <= 2, storage.join('\n'));
    assert.ok(
      storage.some((l) => /SQLITE_FULL.* on POST \/v1\/batch/.test(l)),
      storage.join('\n'),
    );
    for (const l of lines) assert.ok(!l.includes(secret), `the log quotes the customer: ${l}`);
  });
});

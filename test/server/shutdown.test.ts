// Stopping the server process (SIGTERM, as systemd, Docker or an orchestrator does): it stops taking
// connections, lets a request in flight finish and store its events, ends open change streams
// cleanly (their clients reconnect, to another process behind a load balancer), and exits 0.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteStore } from '../../server/index.ts';
import { basicAuth, trackEvent } from './helpers.ts';
import { startServerMain, writeServerConfig } from './main-process.ts';
import { register } from './protocol/client.ts';

const WRITE_KEY = 'shutdown-test-write-key';
const dir = mkdtempSync(join(tmpdir(), 'omnikit-shutdown-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const configFile = writeServerConfig(dir, {
  sites: [{ id: 'shop', writeKey: WRITE_KEY, origins: ['https://shop.example'] }],
});

describe('server/main.ts on SIGTERM', () => {
  it('finishes the request in flight, ends the streams cleanly, and exits 0', async () => {
    const dataDir = join(dir, 'data');
    const server = startServerMain({ OMNIKIT_CONFIG: configFile, DATA_DIR: dataDir });
    const url = await server.listening;

    // An open change stream.
    const device = await register(url, 'anon-shutdown', WRITE_KEY);
    const stream = await fetch(`${url}/v1/stream`, { headers: { Authorization: `Bearer ${device.token}` } });
    assert.equal(stream.status, 200);
    const reading = (async () => {
      const reader = stream.body!.getReader();
      for (;;) if ((await reader.read()).done) return 'ended';
    })().catch((error: Error) => `failed: ${error.message}`);

    // A batch whose body is still arriving when the signal comes.
    const events = Array.from({ length: 20 }, (_, n) => trackEvent({ messageId: `in-flight-${n}` }));
    const body = JSON.stringify({ batch: events });
    const { port } = new URL(url);
    const post = request({
      host: '127.0.0.1',
      port,
      path: '/v1/batch',
      method: 'POST',
      headers: {
        'Content-Type': 'text/plain',
        'Content-Length': Buffer.byteLength(body),
        Authorization: basicAuth(WRITE_KEY),
      },
    });
    const answered = once(post, 'response');
    post.write(body.slice(0, 100));
    await sleep(200);
    server.child.kill('SIGTERM');
    await server.printed(/SIGTERM, shutting down/);
    await sleep(200);
    post.end(body.slice(100));
    const [response] = (await answered) as [import('node:http').IncomingMessage];
    response.resume();
    assert.equal(response.statusCode, 200);

    assert.equal(await reading, 'ended');
    const [code] = await once(server.child, 'exit');
    assert.equal(code, 0);
    // What was answered 2xx is stored.
    const store = openSqliteStore(join(dataDir, 'omnikit.db'));
    try {
      const stored = (await store.listEvents('shop')).map((event) => event.messageId);
      assert.deepEqual(stored.sort(), events.map((event) => event.messageId as string).sort());
    } finally {
      await store.close();
    }
  });
});

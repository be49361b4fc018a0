// Webhooks with real server processes (`server/main.ts`, started from a config file) on one
// PostgreSQL. Two of them both queue the events they take and both send whatever is due, on the real
// clock, with their default settings.
// A receiver answering 2xx gets every event exactly once: a delivery claimed by one process is
// never sent by the other at the same time, even when both find the same deliveries due at once
// (the first attempts refused while the receiver is down, retried by whichever process polls first).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { postJson, SHOP_SERVER_KEY, SITES, trackEvent } from './helpers.ts';
import { startServerMain, writeServerConfig } from './main-process.ts';
import { startPostgres } from './postgres.ts';
import { signedBy, startReceiver, until } from './webhook-receiver.ts';

const SECRET = 'whsec-two-processes-for-tests-4b6d8f0a2c4e';

const dir = mkdtempSync(join(tmpdir(), 'omnikit-webhooks-two-'));
const cluster = await startPostgres();
const receiver = await startReceiver();
after(async () => {
  await receiver.close();
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The statuses of the shop's deliveries, as one process lists them. */
async function statuses(url: string): Promise<{ status: string; lastError: string | null }[]> {
  const response = await fetch(`${url}/v1/webhooks/deliveries?limit=500`, {
    headers: { Authorization: `Bearer ${SHOP_SERVER_KEY}` },
  });
  return ((await response.json()) as { deliveries: { status: string; lastError: string | null }[] })
    .deliveries;
}

describe('webhooks from two server processes on one PostgreSQL', () => {
  it('a 2xx receiver gets every event exactly once, whichever process took it or retried it', async () => {
    const sites = SITES.map((site) =>
      site.id === 'shop' ? { ...site, webhooks: [{ name: 'crm', url: receiver.url, secret: SECRET }] } : site,
    );
    const configFile = writeServerConfig(dir, { sites });
    const database = await cluster.database();
    const env = { DATABASE_URL: database.url, OMNIKIT_CONFIG: configFile, LOG_LEVEL: 'warn' };
    const first = startServerMain(env);
    const second = startServerMain(env);
    try {
      const urls = [await first.listening, await second.listening];
      // A slow receiver: deliveries overlap in time, in both processes.
      receiver.delayMs = 20;
      const sent: string[] = [];
      const post = async (count: number) => {
        await Promise.all(
          Array.from({ length: count }, async (_, index) => {
            const batch = Array.from({ length: 10 }, () => trackEvent());
            sent.push(...batch.map((event) => event.messageId as string));
            const response = await postJson(`${urls[index % 2]}/v1/batch`, { batch });
            assert.equal(response.status, 200);
          }),
        );
      };
      await post(10);
      // Recorded as delivered, not only received: a receiver closed before its 2xx reached the
      // server would get those again, rightly (at least once).
      await until(
        'the first 100 delivered',
        async () => (await statuses(urls[0])).filter((d) => d.status === 'delivered').length === 100,
        20_000,
      );

      // Down: every first attempt is refused, and all fall due together about 5-10 s later.
      await receiver.down();
      await post(10);
      await until(
        'the first attempts refused',
        async () =>
          (await statuses(urls[0])).filter((d) => d.lastError === 'connection refused').length === 100,
        20_000,
      );
      await receiver.up();
      await until('all 200 delivered', () => receiver.delivered().length >= 200, 30_000);
      // Both processes poll every second: room for a second delivery of anything to show up.
      await sleep(2500);
      assert.deepEqual([...receiver.delivered()].sort(), [...sent].sort());
      assert.equal(receiver.received.length, 200, 'every request was a first delivery');
      assert.ok(receiver.received.every((request) => signedBy(request, SECRET, Date.now())));
      const listed = await statuses(urls[1]);
      assert.equal(listed.length, 200);
      assert.ok(listed.every((d) => d.status === 'delivered'));
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it("delivers as the config file's webhookDelivery says (a receiver slower than its timeout)", async () => {
    const sites = SITES.map((site) =>
      site.id === 'shop' ? { ...site, webhooks: [{ name: 'crm', url: receiver.url, secret: SECRET }] } : site,
    );
    const webhookDelivery = { timeoutMs: 300, leaseMs: 5000 };
    const configFile = writeServerConfig(dir, { sites, webhookDelivery });
    const database = await cluster.database();
    const server = startServerMain({
      DATABASE_URL: database.url,
      OMNIKIT_CONFIG: configFile,
      LOG_LEVEL: 'warn',
    });
    try {
      const url = await server.listening;
      // Two seconds to answer: past the file's 300 ms, far within the default 10 s.
      receiver.delayMs = 2000;
      const response = await postJson(`${url}/v1/batch`, { batch: [trackEvent()] });
      assert.equal(response.status, 200);
      await until(
        'the attempt given up at 300 ms',
        async () => (await statuses(url)).some((d) => d.lastError === 'timeout after 300 ms'),
        5000,
      );
    } finally {
      receiver.delayMs = 0;
      await server.stop();
    }
  });
});

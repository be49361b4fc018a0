// The CLI's request log: one JSON line per request on stdout (pino) with its id, method, route
// pattern, status, duration and site, never a token, key, hash or what the customer sent; its level
// from LOG_LEVEL. The real server process, over real HTTP.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { basicAuth, trackEvent } from './helpers.ts';
import { runServerMain, type ServerProcess, startServerMain, writeServerConfig } from './main-process.ts';
import { register, userHash } from './protocol/client.ts';

const SECRET = 'L4y0ZqV8cM2nR7tW1xB9dF3gH6jK5pS0uE8iO2aQ4wY=';
const SERVER_KEY = 'Zc3Vb8Nm1Qw6Er4Ty9Ui2Op7As5Df0Gh3Jk8Lz1Xc6=';
const WRITE_KEY = 'request-log-write-key';
const CUSTOMER_TEXT = 'Mei Chen, 12 Harbour Road, card 4111 1111 1111 1111';
const dir = mkdtempSync(join(tmpdir(), 'omnikit-request-log-'));
const configFile = writeServerConfig(dir, {
  sites: [
    {
      id: 'shop',
      writeKey: WRITE_KEY,
      origins: ['https://shop.example'],
      secret: SECRET,
      serverKey: SERVER_KEY,
    },
  ],
});
let server: ServerProcess | undefined;
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The JSON lines the process printed that are request entries. */
const requestLines = (output: string[]) =>
  output.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      return entry.msg === 'request' ? [entry] : [];
    } catch {
      return [];
    }
  });

describe('the request log', () => {
  it('logs each request as JSON with its id, route, status, time and site, and nothing it carried', async () => {
    server = startServerMain({ OMNIKIT_CONFIG: configFile, DATA_DIR: join(dir, 'data') });
    const url = await server.listening;
    const batch = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/plain',
        Authorization: basicAuth(WRITE_KEY),
        'X-Request-Id': 'checkout-42',
      },
      body: JSON.stringify({ batch: [trackEvent({ properties: { note: CUSTOMER_TEXT } })] }),
    });
    assert.equal(batch.status, 200);
    assert.equal(batch.headers.get('x-request-id'), 'checkout-42');
    const device = await register(url, 'anon-log', WRITE_KEY);
    const hash = userHash('mei', SECRET);
    await fetch(`${url}/v1/identify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${device.token}` },
      body: JSON.stringify({ userId: 'mei', userHash: hash }),
    });
    const forged = await fetch(`${url}/v1/events?userId=mei`, {
      headers: { Authorization: `Bearer ${SERVER_KEY}`, 'X-Request-Id': 'a"} forged' },
    });
    await fetch(`${url}/v1/agent/profiles/mei-profile`, {
      headers: { Authorization: 'Bearer wrong-agent-key' },
    });
    await server.printed(/"route":"\/v1\/agent\/profiles\/:profileId"/);

    const entries = requestLines(server.output);
    const batchEntry = entries.find((entry) => entry.id === 'checkout-42');
    assert.ok(batchEntry, server.output.join('\n'));
    assert.equal(batchEntry.method, 'POST');
    assert.equal(batchEntry.route, '/v1/batch');
    assert.equal(batchEntry.status, 200);
    assert.equal(batchEntry.site, 'shop');
    assert.equal(typeof batchEntry.ms, 'number');
    assert.ok(entries.some((entry) => entry.route === '/v1/identify' && entry.site === 'shop'));
    // A caller's id that could forge a line is replaced by a fresh one.
    const reader = entries.find((entry) => entry.route === '/v1/events');
    assert.ok(reader);
    assert.match(String(reader.id), /^[0-9a-f-]{36}$/);
    assert.equal(forged.headers.get('x-request-id'), reader.id);
    // The route's pattern, not the path with the profile id; no site for a key that named none.
    const agent = entries.find((entry) => entry.route === '/v1/agent/profiles/:profileId');
    assert.ok(agent);
    assert.equal(agent.status, 401);
    assert.equal(agent.site, undefined);

    const everything = server.output.join('\n');
    for (const secret of [
      WRITE_KEY,
      device.token,
      hash,
      SERVER_KEY,
      'wrong-agent-key',
      'mei-profile',
      'Harbour',
    ]) {
      assert.ok(!everything.includes(secret), `the log holds ${secret}`);
    }
  });

  it('follows LOG_LEVEL: warn logs no request, a level pino does not know stops the start', async () => {
    const quiet = startServerMain({
      OMNIKIT_CONFIG: configFile,
      DATA_DIR: join(dir, 'quiet'),
      LOG_LEVEL: 'warn',
    });
    try {
      const url = await quiet.listening;
      assert.equal((await fetch(`${url}/health`)).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(requestLines(quiet.output), []);
    } finally {
      await quiet.stop();
    }
    const refused = await runServerMain({
      OMNIKIT_CONFIG: configFile,
      DATA_DIR: join(dir, 'loud'),
      LOG_LEVEL: 'loud',
    });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /^Omnikit server: LOG_LEVEL: /);
  });
});

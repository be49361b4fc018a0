// Reading request bodies (server/body.ts): straight from Node's request under @hono/node-server,
// through the web Request anywhere else (Hono's app.request(), other runtimes). Both ways keep the
// same guarantees: the size cap, the JSON errors, and text decoded as TextDecoder decodes it.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { readJsonBody } from '../../server/body.ts';
import { ApiError } from '../../server/errors.ts';
import { basicAuth, type Harness, type IngestBody, startServer, trackEvent } from './helpers.ts';

const rejection = async (body: Promise<unknown>) => {
  try {
    await body;
  } catch (error) {
    assert.ok(error instanceof ApiError, String(error));
    return { status: error.status, code: error.code, message: error.message };
  }
  assert.fail('expected the body to be refused');
};

describe('request bodies read from a web Request (no Node request behind it)', () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    new Request('http://omnikit.test/v1/batch', {
      method: 'POST',
      body,
      headers,
      duplex: 'half',
    } as RequestInit);
  /** A body sent in chunks, with no Content-Length. */
  const chunked = (...chunks: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });

  it('parses JSON, drops a leading byte order mark and keeps invalid UTF-8 as U+FFFD', async () => {
    assert.deepEqual(await readJsonBody(post('\ufeff{"a":"é"}')), { a: 'é' });
    const invalid = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]); // {"a":"\xff"}
    assert.deepEqual(await readJsonBody(post(invalid)), { a: '\ufffd' });
  });

  it('answers 413 once a chunked body passes the limit, and 400 for empty or broken JSON', async () => {
    assert.deepEqual(await rejection(readJsonBody(post(chunked('{"a":"', 'x'.repeat(60), '"}')), 50)), {
      status: 413,
      code: 'payload_too_large',
      message: 'Request body exceeds 0 KB; send smaller batches',
    });
    const empty = await rejection(readJsonBody(post(' \n ')));
    assert.deepEqual([empty.code, empty.message], ['invalid_json', 'Request body is empty; expected JSON']);
    const broken = await rejection(readJsonBody(post('{"batch": [')));
    assert.equal(broken.code, 'invalid_json');
    assert.match(broken.message, /not valid JSON/);
  });
});

describe('request bodies read from Node under @hono/node-server', () => {
  let h: Harness;
  before(async () => {
    h = await startServer();
  });
  after(() => h.close());

  /** Posts `body` to /v1/batch with node:http; `contentLength` false sends it chunked. */
  const send = (body: Buffer, contentLength = true) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers: Record<string, string | number> = {
        'Content-Type': 'text/plain',
        Authorization: basicAuth('shop-key'),
      };
      if (contentLength) headers['Content-Length'] = body.length;
      const req = request(`${h.url}/v1/batch`, { method: 'POST', headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('decodes as TextDecoder does: a leading byte order mark dropped, invalid UTF-8 as U+FFFD', async () => {
    await h.store.reset();
    const event = trackEvent({ properties: { name: 'MARK' } });
    const json = Buffer.from(JSON.stringify({ batch: [event] }));
    const at = json.indexOf('MARK');
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      json.subarray(0, at),
      Buffer.from([0xff]),
      json.subarray(at + 4),
    ]);
    for (const withLength of [true, false]) {
      await h.store.reset();
      const { status, text } = await send(body, withLength);
      assert.equal(status, 200, text);
      assert.equal((JSON.parse(text) as IngestBody).accepted, 1);
      const [stored] = await h.store.listEvents('shop');
      assert.deepEqual(stored.body.properties, { name: '\ufffd' });
    }
  });

  it('keeps serving after a client goes away in the middle of its body', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = request(`${h.url}/v1/batch`, {
        method: 'POST',
        headers: {
          'Content-Type': 'text/plain',
          Authorization: basicAuth('shop-key'),
          'Content-Length': 10_000,
        },
      });
      req.on('error', () => resolve());
      req.write('{"batch":[', () => setTimeout(() => req.destroy(), 50));
      req.on('close', () => resolve());
      setTimeout(() => reject(new Error('the request never closed')), 2000).unref();
    });
    await h.store.reset();
    const { status, text } = await send(Buffer.from(JSON.stringify({ batch: [trackEvent()] })));
    assert.equal(status, 200, text);
    assert.equal((await h.store.listEvents('shop')).length, 1);
  });
});

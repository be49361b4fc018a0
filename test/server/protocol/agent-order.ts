// The agents' list and unread counts follow the order in which the server received messages, never
// the time a message claims (`at` is the customer's clock, or anything a client writes there).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Harness, startServer, TEST_NOW } from '../helpers.ts';
import { agentApi, conversations, customerMessage, profile360, reply } from './agent-client.ts';
import { identify, register, sync, type TestDevice } from './client.ts';

describe('agent API: receive order (§7)', () => {
  let h: Harness;
  before(async () => {
    h = await startServer();
  });
  after(() => h.close());
  beforeEach(async () => {
    h.clock.now = TEST_NOW;
    await h.store.reset();
  });

  const T = TEST_NOW;
  /** Gives a stored message another claimed `at`, as a client (or a row from before the guards) could. */
  const claim = (device: TestDevice, id: string, at: string) =>
    h.database.exec(
      `UPDATE records SET value = $1 WHERE site_id = 'shop' AND profile_id = $2 AND doc = 'chat' AND key = $3`,
      [`{"text":"claims ${at}","from":"customer","at":${at}}`, device.profileId, `m:${id}`],
    );
  const read = async (device: TestDevice) => {
    const res = await agentApi(h.url, 'POST', `/v1/agent/conversations/${device.profileId}/read`);
    assert.equal(res.status, 204);
  };
  const unreadOf = async (device: TestDevice) =>
    (await conversations(h.url)).find((c) => c.profileId === device.profileId)?.unread;

  it('a message claiming a far-future `at` (1e300) does not pin its conversation above later ones', async () => {
    const pinned = await register(h.url, 'pinned');
    await sync(h.url, pinned, [customerMessage('p1', 'hello', T)]);
    await claim(pinned, 'p1', '1e300');
    const later = await register(h.url, 'later');
    await sync(h.url, later, [customerMessage('l1', 'I came later', T)]);
    const after = await register(h.url, 'after');
    await sync(h.url, after, [customerMessage('a1', 'me too', T - 60_000)]);
    assert.deepEqual(
      (await conversations(h.url)).map((c) => c.profileId),
      [after.profileId, later.profileId, pinned.profileId],
    );
    // New activity, not a claimed time, brings a conversation back up.
    await reply(h.url, pinned.profileId, 'Hi!');
    assert.deepEqual(
      (await conversations(h.url)).map((c) => c.profileId),
      [pinned.profileId, after.profileId, later.profileId],
    );
  });

  it('a message received after the agents read is unread, whatever `at` it claims', async () => {
    const phone = await register(h.url, 'phone');
    await sync(h.url, phone, [customerMessage('c1', 'first', T)]);
    await claim(phone, 'c1', '1e300');
    await read(phone);
    assert.equal(await unreadOf(phone), 0);

    h.clock.now = T + 10_000;
    await sync(h.url, phone, [customerMessage('c2', 'claims to be newer', T + 1000)]);
    assert.equal(await unreadOf(phone), 1, 'after a read of a message claiming 1e300');
    await sync(h.url, phone, [customerMessage('c3', 'claims to be older', T - 60_000)]);
    assert.equal(await unreadOf(phone), 2, 'a message claiming a time before the read');
    await read(phone);
    assert.equal(await unreadOf(phone), 0);
    await sync(h.url, phone, [customerMessage('c4', 'older still', T - 120_000)]);
    assert.equal(await unreadOf(phone), 1);
    assert.equal((await profile360(h.url, phone.profileId)).unread, 1);
  });

  it('the last message is the last one received, and `updatedAt` is when the server received it', async () => {
    const phone = await register(h.url, 'phone');
    h.clock.now = T + 10_000;
    const before = Date.now();
    await sync(h.url, phone, [customerMessage('c1', 'sent second, arrived first', T + 5000)]);
    await sync(h.url, phone, [customerMessage('c2', 'sent first, arrived second', T)]);
    const after = Date.now();
    const [entry] = await conversations(h.url);
    assert.equal(entry.lastMessage.text, 'sent first, arrived second');
    assert.equal(entry.lastMessage.at, T, 'the message keeps the time it claims');
    assert.ok(
      entry.updatedAt >= before && entry.updatedAt <= after,
      `updatedAt ${entry.updatedAt} is the server's clock when c2 arrived`,
    );
    const view = await profile360(h.url, phone.profileId);
    assert.deepEqual(
      (view.messages as { id: string }[]).map((m) => m.id),
      ['c1', 'c2'],
      'the conversation in the order it arrived',
    );
  });

  it('a guest conversation moved by identify arrives in its order, keeping what the agents had read of it', async () => {
    const laptop = await register(h.url, 'laptop');
    await identify(h.url, laptop, 'dana');
    await sync(h.url, laptop, [customerMessage('l1', 'from the laptop', T)]);
    const phone = await register(h.url, 'phone');
    await sync(h.url, phone, [customerMessage('p1', 'read by the agents', T)]);
    await read(phone);
    await sync(h.url, phone, [customerMessage('p2', 'not read yet', T - 60_000)]);

    const dana = await identify(h.url, phone, 'dana');
    const [entry] = await conversations(h.url);
    assert.equal(entry.profileId, dana.profileId);
    assert.equal(entry.lastMessage.text, 'not read yet');
    assert.equal(entry.unread, 1);
    const view = await profile360(h.url, dana.profileId);
    assert.deepEqual(
      (view.messages as { id: string }[]).map((m) => m.id),
      ['l1', 'p1', 'p2'],
    );
  });
});

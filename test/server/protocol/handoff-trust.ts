// A handoff link moves an anonymous device into the link maker's anonymous profile. It must never
// move a signed-in device out of its account (its next writes would go to a stranger, and the
// stranger's chat into the account at its next sign-in), and a link must not outlive the device reset
// (sign-out) of the profile it leads to: it would pull the next person at that screen into it.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type ErrorBody, type Harness, startServer, TEST_NOW } from '../helpers.ts';
import { customerMessage } from './agent-client.ts';
import { api, hlc, identify, line, register, sync, type TestDevice } from './client.ts';

describe('handoff trust (§4): a link never moves a signed-in device, and ends with a reset', () => {
  let h: Harness;
  before(async () => {
    h = await startServer();
  });
  after(() => h.close());
  beforeEach(async () => {
    h.server.resetRateLimits();
    await h.store.reset();
  });

  const T = TEST_NOW;
  const answer = async (res: Response) => [res.status, ((await res.json()) as ErrorBody).error?.code];
  const peek = (device: TestDevice, token: string) =>
    api(h.url, 'POST', '/v1/handoff/peek', { token: device.token, body: { token } });
  const claim = (device: TestDevice, token: string) =>
    api(h.url, 'POST', '/v1/handoff/claim', { token: device.token, body: { token } });
  async function link(device: TestDevice): Promise<string> {
    const res = await api(h.url, 'POST', '/v1/handoff', { token: device.token });
    assert.equal(res.status, 201);
    return ((await res.json()) as { token: string }).token;
  }
  const keys = async (device: TestDevice) =>
    (await sync(h.url, device)).records.filter((r) => !r.deleted).map((r) => r.key);

  it('refuses a signed-in device another person’s link (403 identified_device); it stays in its account', async () => {
    // A stranger's anonymous phone with a cart and a chat, and the link it made.
    const stranger = await register(h.url, 'stranger-phone');
    await sync(h.url, stranger, [line('sku-1', 2, T), customerMessage('s1', 'stranger here', T)]);
    const token = await link(stranger);
    // Gail is signed in on her laptop and her tablet.
    const laptop = await register(h.url, 'gail-laptop');
    const { profileId: account } = await identify(h.url, laptop, 'gail');
    const tablet = await register(h.url, 'gail-tablet');
    await identify(h.url, tablet, 'gail');

    assert.deepEqual(await answer(await peek(laptop, token)), [403, 'identified_device']);
    assert.deepEqual(await answer(await claim(laptop, token)), [403, 'identified_device']);
    assert.equal((await sync(h.url, laptop)).profileId, account);

    // Her next chat and form entries stay in her account, where her tablet sees them.
    await sync(h.url, laptop, [
      customerMessage('g1', 'gail here', T + 1),
      { doc: 'form:checkout', key: 'city', value: ['Lyon', T + 1, 'gail-laptop'], hlc: hlc(T + 1) },
    ]);
    assert.deepEqual((await keys(tablet)).sort(), ['city', 'm:g1']);
    assert.deepEqual((await keys(stranger)).sort(), ['m:s1', 'sku-1']);
    // Signing in again brings no stranger's chat into the account.
    assert.equal((await identify(h.url, laptop, 'gail')).wasAnonymous, false);
    assert.deepEqual((await keys(laptop)).sort(), ['city', 'm:g1']);

    // The link was not used up: the stranger's own other device can still take it.
    const strangersLaptop = await register(h.url, 'stranger-laptop');
    assert.equal((await claim(strangersLaptop, token)).status, 200);
  });

  it('ends a profile’s unclaimed links when its device resets (410 handoff_expired)', async () => {
    const phone = await register(h.url, 'shared-screen');
    await sync(h.url, phone, [line('sku-1', 1, T), customerMessage('p1', 'my order', T)]);
    const token = await link(phone);
    const reset = await api(h.url, 'DELETE', '/v1/devices/current', { token: phone.token });
    assert.equal(reset.status, 204);

    const next = await register(h.url, 'next-person');
    assert.deepEqual(await answer(await peek(next, token)), [410, 'handoff_expired']);
    assert.deepEqual(await answer(await claim(next, token)), [410, 'handoff_expired']);
    assert.equal((await sync(h.url, next)).profileId, next.profileId);
    assert.deepEqual(await keys(next), []);
  });

  it('ends the links of every device on the profile, and leaves other profiles’ links alone', async () => {
    const phone = await register(h.url, 'phone');
    const laptop = await register(h.url, 'laptop');
    assert.equal((await claim(laptop, await link(phone))).status, 200); // both on the phone's profile
    const phoneLink = await link(phone);
    const otherLink = await link(await register(h.url, 'someone-else'));

    assert.equal((await api(h.url, 'DELETE', '/v1/devices/current', { token: laptop.token })).status, 204);
    const next = await register(h.url, 'next');
    assert.deepEqual(await answer(await claim(next, phoneLink)), [410, 'handoff_expired']);
    assert.equal((await claim(next, otherLink)).status, 200);
  });
});

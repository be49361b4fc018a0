// Global Privacy Control on the server: a browser's `Sec-GPC: 1` refuses marketing for the events
// of that request, unless an event grants it explicitly (the page asked the customer).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Harness, postJson, startServer, trackEvent } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startServer();
});
after(() => h.close());
beforeEach(() => h.store.reset());

const preferencesOf = async (messageId: unknown) => {
  const [stored] = (await h.store.listEvents('shop')).filter((e) => e.messageId === messageId);
  return (stored.body.context as { consent?: { categoryPreferences?: Record<string, unknown> } } | undefined)
    ?.consent?.categoryPreferences;
};

describe('Sec-GPC: 1', () => {
  it('stores marketing refused on events that do not grant it, and keeps an explicit grant', async () => {
    const bare = trackEvent({ context: undefined });
    const silent = trackEvent({ context: { consent: { categoryPreferences: { analytics: true } } } });
    const granted = trackEvent({
      context: { consent: { categoryPreferences: { analytics: true, marketing: true } } },
    });
    const odd = trackEvent({ context: { consent: 'yes' } });
    const res = await postJson(
      `${h.url}/v1/batch`,
      { batch: [bare, silent, granted, odd] },
      {
        headers: { 'Sec-GPC': '1' },
      },
    );
    assert.equal(res.status, 200);
    assert.deepEqual(await preferencesOf(bare.messageId), { marketing: false });
    assert.deepEqual(await preferencesOf(silent.messageId), { analytics: true, marketing: false });
    assert.deepEqual(await preferencesOf(granted.messageId), { analytics: true, marketing: true });
    assert.deepEqual(await preferencesOf(odd.messageId), { marketing: false });
  });

  it('changes nothing without the header, or with another value', async () => {
    const plain = trackEvent();
    const other = trackEvent();
    await postJson(`${h.url}/v1/batch`, { batch: [plain] });
    await postJson(`${h.url}/v1/batch`, { batch: [other] }, { headers: { 'Sec-GPC': '0' } });
    assert.equal(await preferencesOf(plain.messageId), undefined);
    assert.equal(await preferencesOf(other.messageId), undefined);
  });
});

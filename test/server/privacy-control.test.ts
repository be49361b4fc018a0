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

const storedBody = async (messageId: unknown) =>
  (await h.store.listEvents('shop')).find((e) => e.messageId === messageId)?.body as Record<string, unknown>;

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

/** A page view from a landing on an ad click, as Segment's analytics.js sends one. */
const landing = (preferences?: Record<string, unknown>) => {
  const url = 'https://shop.example/sale?utm_source=ads&gclid=CLICK-G1&q=hats&fbclid=CLICK-F1#top';
  const { event: _track, ...page } = trackEvent({
    type: 'page',
    properties: { url, search: '?utm_source=ads&gclid=CLICK-G1&q=hats&fbclid=CLICK-F1', path: '/sale' },
    context: {
      page: { url, referrer: 'https://shop.example/?msclkid=CLICK-M1', search: '?gclid=CLICK-G1' },
      campaign: { source: 'ads', gclid: 'CLICK-G1', fbclid: 'CLICK-F1' },
      ...(preferences && { consent: { categoryPreferences: preferences } }),
    },
  });
  return page;
};

describe('click ids without marketing', () => {
  it('are stored without their values when marketing is refused, by the event or by Sec-GPC', async () => {
    const refusedByEvent = landing({ analytics: true, marketing: false });
    const refusedBySignal = landing();
    await postJson(`${h.url}/v1/batch`, { batch: [refusedByEvent] });
    await postJson(`${h.url}/v1/batch`, { batch: [refusedBySignal] }, { headers: { 'Sec-GPC': '1' } });
    for (const event of [refusedByEvent, refusedBySignal]) {
      const body = await storedBody(event.messageId);
      assert.doesNotMatch(JSON.stringify(body), /CLICK-/);
      const context = body.context as Record<string, Record<string, unknown>>;
      assert.deepEqual(context.campaign, { source: 'ads' });
      // The parameter's name stays (the address still parses), and everything else of it too.
      assert.equal(context.page.url, 'https://shop.example/sale?utm_source=ads&gclid=&q=hats&fbclid=#top');
      assert.equal(context.page.referrer, 'https://shop.example/?msclkid=');
      assert.equal((body.properties as Record<string, unknown>).path, '/sale');
    }
  });

  it('are kept when marketing is granted, or when the event says nothing of it and no signal refuses it', async () => {
    const granted = landing({ analytics: true, marketing: true });
    const silent = landing();
    await postJson(`${h.url}/v1/batch`, { batch: [granted, silent] }, { headers: { 'Sec-GPC': '0' } });
    await postJson(
      `${h.url}/v1/batch`,
      { batch: [landing({ marketing: true })] },
      { headers: { 'Sec-GPC': '1' } },
    );
    assert.deepEqual(await storedBody(granted.messageId), granted);
    assert.deepEqual(await storedBody(silent.messageId), silent);
  });

  it('leaves fields of any other shape as they are', async () => {
    const odd = trackEvent({
      properties: { url: 42, search: ['?gclid=X'] },
      context: {
        page: 'https://shop.example/?gclid=CLICK-1',
        campaign: ['gclid'],
        consent: { categoryPreferences: { marketing: false } },
      },
    });
    const res = await postJson(`${h.url}/v1/batch`, { batch: [odd] });
    assert.equal(res.status, 200);
    assert.deepEqual(await storedBody(odd.messageId), odd);
  });
});

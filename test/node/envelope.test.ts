// The envelope builder (src/client/envelope.ts, a pure function): a draft accepted from the page, the
// person it is about and the client's context become one Segment-compatible event.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Draft, type EventDraft, envelopeOf } from '../../src/client/envelope.ts';
import { campaignOf } from '../../src/core/context.ts';

const page = {
  path: '/shoes',
  referrer: 'https://www.google.com/',
  search: '?utm_source=news&utm_campaign=spring&gclid=abc',
  title: 'Shoes',
  url: 'https://shop.example/shoes?utm_source=news&utm_campaign=spring&gclid=abc',
};
const person = { anonymousId: 'anon-1234567', userId: 'user-42', traits: { plan: 'gold' } };
const context = {
  channel: 'web',
  library: { name: 'omnikit' as const, version: '1.2.3' },
  locale: 'fr-FR',
  timezone: 'Europe/Paris',
  userAgent: 'Chromium',
  session: { id: 1_700_000_000_000 },
};
const draft = (fields: Draft['fields'], type: EventDraft['type'] = 'track'): EventDraft => ({
  type,
  at: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  messageId: 'message-1',
  page,
  campaign: campaignOf(page.search),
  fields,
});

describe('envelopeOf', () => {
  it('builds a track event with the Segment common fields and context', () => {
    const envelope = envelopeOf(
      draft(() => ({ event: 'Order Completed', properties: { total: 20 } })),
      person,
      context,
    );
    assert.deepEqual(envelope, {
      type: 'track',
      messageId: 'message-1',
      anonymousId: 'anon-1234567',
      userId: 'user-42',
      timestamp: '2026-01-02T03:04:05.006Z',
      event: 'Order Completed',
      properties: { total: 20 },
      context: {
        page,
        campaign: { source: 'news', name: 'spring', gclid: 'abc' },
        channel: 'web',
        library: { name: 'omnikit', version: '1.2.3' },
        locale: 'fr-FR',
        timezone: 'Europe/Paris',
        userAgent: 'Chromium',
        session: { id: 1_700_000_000_000 },
      },
    });
  });

  it('passes the person and the page to the fields (alias, page)', () => {
    const alias = envelopeOf(
      draft((who) => ({ userId: 'new-user', previousId: who.userId ?? who.anonymousId }), 'alias'),
      person,
      context,
    );
    assert.equal(alias.type, 'alias');
    assert.equal(alias.userId, 'new-user');
    assert.equal(alias.previousId, 'user-42');
    const view = envelopeOf(
      draft((_, at) => ({ properties: { ...at } }), 'page'),
      person,
      context,
    );
    assert.deepEqual(view.properties, page);
  });

  it('leaves campaign out when the page has none, and a guest has a null userId', () => {
    const plain = { ...draft(() => ({ event: 'Viewed' })), campaign: undefined };
    const envelope = envelopeOf(plain, { ...person, userId: null }, context);
    assert.equal('campaign' in envelope.context, false);
    assert.equal(envelope.userId, null);
    assert.equal(envelope.anonymousId, 'anon-1234567');
  });
});

// verifyWebhook, the helper receivers use to check Omnikit-Signature (Stripe's scheme): a signature
// computed independently here with node:crypto verifies; a changed body, another secret, a stale or
// future time, or a malformed header does not.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { signWebhook, verifyWebhook } from '../../server/index.ts';

const SECRET = 'whsec-for-signature-tests-5d7f9b1c3e6a8d0f2b';
const BODY = '{"deliveryId":"1","event":{"type":"track","event":"Order Completed","messageId":"m-1"}}';
const NOW = 1_800_000_000_000;
const t = NOW / 1000;
const v1 = (secret: string, time: number, body: string) =>
  createHmac('sha256', secret).update(`${time}.${body}`).digest('hex');

describe('webhook signatures', () => {
  it('signs as Stripe does: t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    assert.equal(signWebhook(SECRET, BODY, t), `t=${t},v1=${v1(SECRET, t, BODY)}`);
  });

  it('verifies a signature made with the secret, on the raw body, within the tolerance', () => {
    const header = `t=${t},v1=${v1(SECRET, t, BODY)}`;
    assert.equal(verifyWebhook(SECRET, header, BODY, { now: NOW }), true);
    assert.equal(verifyWebhook(SECRET, header, Buffer.from(BODY), { now: NOW + 299_000 }), true);
    assert.equal(verifyWebhook(SECRET, ` t=${t} , v1=${v1(SECRET, t, BODY)} `, BODY, { now: NOW }), true);
    // While a secret is rotated a header may carry several v1; one match is enough.
    const rotating = `t=${t},v1=${v1('old-secret-old-secret-old-secret-0', t, BODY)},v1=${v1(SECRET, t, BODY)}`;
    assert.equal(verifyWebhook(SECRET, rotating, BODY, { now: NOW }), true);
  });

  it('refuses another body, another secret, a time out of tolerance, a malformed header', () => {
    const header = `t=${t},v1=${v1(SECRET, t, BODY)}`;
    assert.equal(verifyWebhook(SECRET, header, `${BODY} `, { now: NOW }), false);
    assert.equal(
      verifyWebhook(SECRET, header, JSON.stringify(JSON.parse(BODY), null, 1), { now: NOW }),
      false,
    );
    assert.equal(verifyWebhook(`${SECRET}x`, header, BODY, { now: NOW }), false);
    assert.equal(verifyWebhook(SECRET, header, BODY, { now: NOW + 301_000 }), false, 'replayed later');
    assert.equal(verifyWebhook(SECRET, header, BODY, { now: NOW - 301_000 }), false, 'from the future');
    assert.equal(verifyWebhook(SECRET, header, BODY, { now: NOW + 3_600_000, toleranceSeconds: 3600 }), true);
    assert.equal(verifyWebhook(SECRET, header, BODY, { now: NOW + 86_400_000, toleranceSeconds: 0 }), true);
    const other = t + 1;
    assert.equal(verifyWebhook(SECRET, `t=${other},v1=${v1(SECRET, t, BODY)}`, BODY, { now: NOW }), false);
    for (const bad of [
      undefined,
      null,
      '',
      'v1=abc',
      `t=${t}`,
      `t=x,v1=${v1(SECRET, t, BODY)}`,
      `t=${t},v0=${v1(SECRET, t, BODY)}`,
      `t=${t},v1=${v1(SECRET, t, BODY).slice(2)}`,
    ]) {
      assert.equal(verifyWebhook(SECRET, bad, BODY, { now: NOW }), false, String(bad));
    }
  });
});

// Who a request counts against: the socket peer, or behind trusted proxies the address they saw.
// Pure address logic here; real requests with forged headers are in protocol/limits.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressBucket, clientAddress, TrustedProxies } from '../../server/limits/index.ts';

const none = TrustedProxies.parse([]);
const proxies = TrustedProxies.parse(['127.0.0.1', '10.0.0.0/8', '2001:db8:ff::/48', '::1']);

describe('addressBucket', () => {
  it('keeps an IPv4 address whole', () => {
    assert.equal(addressBucket('203.0.113.7'), '203.0.113.7');
    assert.notEqual(addressBucket('203.0.113.7'), addressBucket('203.0.113.8'));
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address, in either notation', () => {
    assert.equal(addressBucket('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(addressBucket('::FFFF:cb00:7107'), '203.0.113.7');
    assert.equal(addressBucket('0:0:0:0:0:ffff:203.0.113.7'), '203.0.113.7');
  });

  it('buckets IPv6 by /64: one subscriber holds a whole /64, so one address each would be no limit', () => {
    const home = addressBucket('2001:db8:1:2:3:4:5:6');
    assert.equal(addressBucket('2001:db8:1:2::1'), home);
    assert.equal(addressBucket('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff'), home);
    assert.equal(addressBucket('2001:db8:1:2::1%eth0'), home, 'a zone id changes nothing');
    assert.notEqual(addressBucket('2001:db8:1:3::1'), home);
    assert.notEqual(addressBucket('2001:db9:1:2::1'), home);
    assert.equal(home, '2001:db8:1:2::/64');
  });

  it('gives anything that is not an address one shared bucket, never one per spelling', () => {
    assert.equal(addressBucket('not an address'), 'unknown');
    assert.equal(addressBucket(''), 'unknown');
    assert.equal(addressBucket('1.2.3.4.5'), 'unknown');
  });
});

describe('clientAddress', () => {
  it('without trusted proxies: the socket peer, and X-Forwarded-For is ignored', () => {
    assert.equal(clientAddress('198.51.100.9', '203.0.113.1', none), '198.51.100.9');
    assert.equal(clientAddress('::ffff:198.51.100.9', undefined, none), '198.51.100.9');
    assert.equal(clientAddress(undefined, '203.0.113.1', none), 'unknown');
  });

  it('ignores the header when the peer is not a trusted proxy (a client talking to us directly)', () => {
    assert.equal(clientAddress('198.51.100.9', '203.0.113.1', proxies), '198.51.100.9');
  });

  it('behind a trusted proxy: the address the proxy saw (the right-most entry)', () => {
    assert.equal(clientAddress('127.0.0.1', '203.0.113.1', proxies), '203.0.113.1');
    assert.equal(clientAddress('::ffff:127.0.0.1', '203.0.113.1', proxies), '203.0.113.1');
    assert.equal(clientAddress('::1', '2001:db8:1:2::5', proxies), '2001:db8:1:2::5');
  });

  it('cannot be forged past: addresses a client prepends are left of the one the proxy appended', () => {
    // The client sent "X-Forwarded-For: 192.0.2.1, 192.0.2.2"; the proxy appended the peer it saw.
    assert.equal(clientAddress('127.0.0.1', '192.0.2.1, 192.0.2.2, 203.0.113.1', proxies), '203.0.113.1');
    // Several headers are one list, in order.
    assert.equal(clientAddress('127.0.0.1', '192.0.2.1,203.0.113.1', proxies), '203.0.113.1');
  });

  it('walks through a chain of trusted proxies to the first address that is not one', () => {
    assert.equal(clientAddress('127.0.0.1', '192.0.2.1, 203.0.113.1, 10.1.2.3', proxies), '203.0.113.1');
    assert.equal(clientAddress('10.0.0.1', '203.0.113.1, 2001:db8:ff:1::2', proxies), '203.0.113.1');
  });

  it('takes the left-most address when every hop is trusted', () => {
    assert.equal(clientAddress('127.0.0.1', '10.0.0.5, 10.0.0.6', proxies), '10.0.0.5');
    assert.equal(clientAddress('127.0.0.1', '', proxies), '127.0.0.1');
    assert.equal(clientAddress('127.0.0.1', undefined, proxies), '127.0.0.1');
  });

  it('stops at an entry that is not an address: what lies beyond it cannot be believed', () => {
    assert.equal(clientAddress('127.0.0.1', '203.0.113.1, garbage, 10.0.0.7', proxies), '10.0.0.7');
    assert.equal(clientAddress('127.0.0.1', 'unknown', proxies), '127.0.0.1');
  });

  it('reads entries with a port, as some proxies write them', () => {
    assert.equal(clientAddress('127.0.0.1', '203.0.113.1:4711', proxies), '203.0.113.1');
    assert.equal(clientAddress('127.0.0.1', '[2001:db8:1:2::5]:443', proxies), '2001:db8:1:2::5');
  });
});

describe('TrustedProxies.parse', () => {
  it('matches addresses and ranges of both families, IPv4-mapped peers included', () => {
    assert.ok(proxies.includes('10.255.0.1'));
    assert.ok(proxies.includes('::ffff:10.1.1.1'));
    assert.ok(proxies.includes('2001:db8:ff:abcd::1'));
    assert.ok(!proxies.includes('11.0.0.1'));
    assert.ok(!proxies.includes('2001:db8:fe::1'));
    assert.ok(!proxies.includes('127.0.0.2'));
    const all = TrustedProxies.parse(['0.0.0.0/0']);
    assert.ok(all.includes('198.51.100.1'));
    assert.ok(!all.includes('2001:db8::1'), 'an IPv4 range holds no IPv6 address');
  });

  it('refuses entries that are not an address or a CIDR range, naming them', () => {
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', 'proxy.local', '10.0.0/8', '10.0.0.0/', '', 42]) {
      assert.throws(
        () => TrustedProxies.parse([bad as string], 'trustedProxies'),
        /trustedProxies\[0\]/,
        JSON.stringify(bad),
      );
    }
  });
});

// What every Store's housekeeping deletes, and what it must never delete: registered by storeCases
// (store-cases.ts), so they run on SQLite and on PostgreSQL, each on a fresh database.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Store, SweepResult, SweepStep } from '../../server/index.ts';
import type { TestDatabase, TestDatabaseFactory } from './test-database.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Registers the housekeeping store cases in the enclosing `describe`. */
export function cleanupCases(fresh: TestDatabaseFactory): void {
  const withStore = async (test: (store: Store, database: TestDatabase) => Promise<void>) => {
    const database = await fresh();
    const store = await database.open();
    try {
      await test(store, database);
    } finally {
      await store.close();
      await database.remove();
    }
  };

  it('removes handoffs that expired or were claimed before the cutoff, never a pending one', () =>
    withStore(async (store) => {
      const maker = await store.createDevice('shop', 'anon-maker', 'hash-maker');
      const claimer = await store.createDevice('shop', 'anon-claimer', 'hash-claimer');
      const now = Date.now();
      const handoff = (tokenHash: string, expiresAt: number) =>
        store.createHandoff({
          tokenHash,
          siteId: 'shop',
          profileId: maker.profileId,
          createdBy: maker.deviceId,
          expiresAt: new Date(expiresAt),
        });
      await handoff('expired-long-ago', now - 2 * HOUR);
      await handoff('claimed-long-ago', now + HOUR);
      assert.ok(
        (await store.claimHandoff('shop', 'claimed-long-ago', claimer.deviceId, new Date(now - 2 * HOUR))).ok,
      );
      await handoff('expired-lately', now - MINUTE);
      await handoff('claimed-lately', now + HOUR);
      assert.ok(
        (await store.claimHandoff('shop', 'claimed-lately', claimer.deviceId, new Date(now - MINUTE))).ok,
      );
      await handoff('pending', now + HOUR);

      const cutoff = new Date(now - HOUR);
      assert.deepEqual(await store.removeEndedHandoffs(cutoff, { after: '', limit: 100 }), {
        removed: 2,
        next: null,
      });
      const left = [];
      for (const token of [
        'expired-long-ago',
        'claimed-long-ago',
        'expired-lately',
        'claimed-lately',
        'pending',
      ]) {
        if (await store.findHandoff('shop', token)) left.push(token);
      }
      assert.deepEqual(left, ['expired-lately', 'claimed-lately', 'pending']);
    }));

  it('removes devices revoked before the cutoff, and only those', () =>
    withStore(async (store) => {
      const phone = await store.createDevice('shop', 'anon-phone', 'hash-phone');
      const laptop = await store.createDevice('shop', 'anon-laptop', 'hash-laptop');
      await store.linkDeviceToUser(phone.deviceId, 'user-1');
      const link = await store.linkDeviceToUser(laptop.deviceId, 'user-1');
      await store.revokeDevice(laptop.deviceId);
      const listed = async () =>
        (await store.profileSummary('shop', link.profileId))?.devices.map((d) => [d.deviceId, d.revoked]);
      // Within the retention the agent still sees the logged-out laptop.
      const before = await store.removeRevokedDevices(new Date(Date.now() - HOUR), { after: '', limit: 100 });
      assert.deepEqual(before, { removed: 0, next: null });
      assert.equal((await listed())?.length, 2);

      const after = await store.removeRevokedDevices(new Date(Date.now() + MINUTE), {
        after: '',
        limit: 100,
      });
      assert.deepEqual(after, { removed: 1, next: null });
      assert.deepEqual(await listed(), [[phone.deviceId, false]]);
      assert.equal((await store.deviceByTokenHash('hash-phone'))?.profileId, link.profileId);
      assert.equal(await store.deviceByTokenHash('hash-laptop'), null);
    }));

  it('removes empty anonymous profiles, and never a profile still in use', () =>
    withStore(async (store, database) => {
      const later = () => new Date(Date.now() + MINUTE);
      const sweep = () => store.removeEmptyAnonymousProfiles(later(), { after: '', limit: 100 });
      const device = (name: string) => store.createDevice('shop', `anon-${name}`, `hash-${name}`);
      // A device leaving for a user's profile leaves its anonymous profile behind, empty or not.
      const leftBehind = async (name: string, before?: (profileId: string) => Promise<unknown>) => {
        const d = await device(name);
        await before?.(d.profileId);
        await store.linkDeviceToUser(d.deviceId, `user-${name}`);
        return d;
      };
      const inUse = await device('in-use');
      const revoked = await device('revoked');
      await store.revokeDevice(revoked.deviceId);
      const withRecords = await leftBehind('records', (profileId) =>
        store.mergeRecords('shop', profileId, [
          { doc: 'cart', key: 'tee', value: { qty: 1 }, hlc: '0lz0fls00-000-a', deleted: false },
        ]),
      );
      const withHandoff = await leftBehind('handoff', async (profileId) => {
        const maker = (await store.deviceByTokenHash('hash-handoff'))?.id ?? '';
        await store.createHandoff({
          tokenHash: 'pending-handoff',
          siteId: 'shop',
          profileId,
          createdBy: maker,
          expiresAt: new Date(Date.now() + HOUR),
        });
      });
      // A user's profile left without devices is still the user's.
      const twoUsers = await device('two-users');
      const first = await store.linkDeviceToUser(twoUsers.deviceId, 'user-first');
      await store.linkDeviceToUser(twoUsers.deviceId, 'user-second');
      const empty = await leftBehind('empty');
      // Every record was a removal, compacted away: the profile is empty but has a watermark.
      const compacted = await leftBehind('compacted', async (profileId) => {
        await store.mergeRecords('shop', profileId, [
          { doc: 'cart', key: 'mug', value: null, hlc: '000000001-000-a', deleted: true },
        ]);
        await store.compactTombstones(Date.now());
        assert.ok((await store.compactionWatermark('shop', profileId)) > 0);
      });

      // Too young: nothing goes before the grace period is over.
      const young = await store.removeEmptyAnonymousProfiles(new Date(Date.now() - HOUR), {
        after: '',
        limit: 100,
      });
      assert.equal(young.removed, 0);

      // The empty one, the compacted one, and the one the two-users device left to sign in.
      assert.equal((await sweep()).removed, 3);
      const exists = async (profileId: string) => (await store.profileSummary('shop', profileId)) !== null;
      for (const [what, profileId] of Object.entries({
        inUse: inUse.profileId,
        revoked: revoked.profileId,
        withRecords: withRecords.profileId,
        withHandoff: withHandoff.profileId,
        userWithoutDevices: first.profileId,
      })) {
        assert.ok(await exists(profileId), `${what} is kept`);
      }
      assert.equal(await exists(empty.profileId), false);
      assert.equal(await exists(compacted.profileId), false);
      assert.equal(await exists(twoUsers.profileId), false);
      assert.equal(await store.compactionWatermark('shop', compacted.profileId), 0);
      assert.equal((await store.deviceByTokenHash('hash-in-use'))?.profileId, inUse.profileId);
      assert.equal((await store.liveRecords('shop', withRecords.profileId, 'cart')).length, 1);

      // Once the revoked device is gone its profile is empty; a claimed handoff brings a device in.
      await store.removeRevokedDevices(later(), { after: '', limit: 100 });
      const claimer = await device('claimer');
      assert.ok((await store.claimHandoff('shop', 'pending-handoff', claimer.deviceId, new Date())).ok);
      assert.equal((await store.removeEndedHandoffs(later(), { after: '', limit: 100 })).removed, 1);
      assert.equal((await sweep()).removed, 2, "the revoked device's profile and the claimer's old one");
      assert.ok(await exists(withHandoff.profileId), "the handoff's profile now holds the claimer");
      const anonymous = (await database.rows('profiles')).filter((p) => p.user_id === null);
      assert.deepEqual(
        anonymous.map((p) => p.id).sort(),
        [inUse.profileId, withRecords.profileId, withHandoff.profileId].sort(),
      );
    }));

  it('sweeps in bounded windows that resume where the last one stopped', () =>
    withStore(async (store) => {
      for (let i = 0; i < 5; i += 1) {
        const d = await store.createDevice('shop', `anon-${i}`, `hash-${i}`);
        await store.revokeDevice(d.deviceId);
      }
      const later = new Date(Date.now() + MINUTE);
      const windows: SweepResult[] = [];
      let step: SweepStep = { after: '', limit: 2 };
      for (;;) {
        const result = await store.removeRevokedDevices(later, step);
        windows.push(result);
        if (result.next === null) break;
        step = { after: result.next, limit: 2 };
      }
      assert.deepEqual(
        windows.map((w) => [w.removed, w.next === null]),
        [
          [2, false],
          [2, false],
          [1, true],
        ],
      );
      assert.deepEqual(await store.removeRevokedDevices(later, { after: '', limit: 2 }), {
        removed: 0,
        next: null,
      });
      await assert.rejects(store.removeEmptyAnonymousProfiles(later, { after: '', limit: 0 }), RangeError);
    }));

  it('a concurrent registration or sign-in during cleanup is safe', () =>
    withStore(async (store) => {
      // The cutoff is in the future, so every profile is old enough: only emptiness protects them.
      const later = new Date(Date.now() + HOUR);
      let removed = 0;
      let done = false;
      const cleaner = (async () => {
        let after = '';
        while (!done) {
          const result = await store.removeEmptyAnonymousProfiles(later, { after, limit: 3 });
          removed += result.removed;
          after = result.next ?? '';
        }
      })();
      const customers = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const device = await store.createDevice('shop', `anon-${i}`, `hash-${i}`);
          // Every third customer signs in: that leaves an empty anonymous profile behind.
          const link = i % 3 === 0 ? await store.linkDeviceToUser(device.deviceId, `user-${i}`) : null;
          return { device, link };
        }),
      );
      done = true;
      await cleaner;
      for (;;) {
        const result = await store.removeEmptyAnonymousProfiles(later, { after: '', limit: 100 });
        removed += result.removed;
        if (result.removed === 0) break;
      }
      for (const [i, { device, link }] of customers.entries()) {
        const found = await store.deviceByTokenHash(`hash-${i}`);
        assert.equal(found?.profileId, link?.profileId ?? device.profileId, `customer ${i} keeps a profile`);
        assert.ok(await store.profileSummary('shop', found?.profileId ?? ''));
      }
      assert.equal(removed, 10, 'exactly the profiles left behind by a sign-in');
    }));
}

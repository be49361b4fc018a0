// The server's housekeeping on its schedule: ended handoffs, long-revoked devices and empty anonymous
// profiles go; every device, record and user in use stays.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HousekeepingReport } from '../../../server/index.ts';
import { type ErrorBody, type Harness, type HarnessOptions, startServer, TEST_NOW } from '../helpers.ts';
import { agentApi } from './agent-client.ts';
import { api, identify, line, register, sync, type TestDevice } from './client.ts';

const DAY = 24 * 60 * 60 * 1000;

/** A server whose housekeeping runs every 20 ms, and what its runs reported. */
async function housekeptServer(options: HarnessOptions = {}) {
  const reports: HousekeepingReport[] = [];
  const h = await startServer({
    ...options,
    housekeeping: { intervalMs: 20, ...options.housekeeping },
    onHousekeeping: (report) => reports.push(report),
  });
  /** Totals of the runs reported since `from` (an index into `reports`). */
  const removedSince = (from: number) =>
    reports.slice(from).reduce(
      (sum, r) => ({
        tombstones: sum.tombstones + r.tombstones,
        handoffs: sum.handoffs + r.handoffs,
        devices: sum.devices + r.devices,
        profiles: sum.profiles + r.profiles,
      }),
      { tombstones: 0, handoffs: 0, devices: 0, profiles: 0 },
    );
  /** Waits for `runs` more runs to be reported. */
  const runs = async (runs: number) => {
    const target = reports.length + runs;
    const deadline = Date.now() + 5000;
    while (reports.length < target) {
      assert.ok(Date.now() < deadline, `${runs} housekeeping runs within 5 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { h, reports, removedSince, runs };
}

/** A customer's devices in every state the housekeeping looks at. */
async function customers(h: Harness) {
  const phone = await register(h.url, 'phone');
  await sync(h.url, phone, [line('tee', 1, TEST_NOW)]);
  const laptop = await register(h.url, 'laptop');
  const handoff = await api(h.url, 'POST', '/v1/handoff', { token: laptop.token });
  assert.equal(handoff.status, 201);
  const { token } = (await handoff.json()) as { token: string };
  const kiosk = await register(h.url, 'kiosk');
  assert.equal((await api(h.url, 'DELETE', '/v1/devices/current', { token: kiosk.token })).status, 204);
  // Signing in leaves the tablet's empty anonymous profile behind.
  const tablet = await register(h.url, 'tablet');
  const signedIn = await identify(h.url, tablet, 'ada');
  return { phone, laptop, kiosk, tablet, handoffToken: token, userProfile: signedIn.profileId };
}

const claim = (h: Harness, device: TestDevice, token: string) =>
  api(h.url, 'POST', '/v1/handoff/claim', { token: device.token, body: { token } });

describe('housekeeping on a schedule', () => {
  it('removes ended handoffs, long-revoked devices and empty anonymous profiles, and reports it', async () => {
    // Handoffs expire at once (on the real clock): the test moves the server's clock past the rest.
    const server = await housekeptServer({ handoffTtlMs: 1 });
    const { h } = server;
    try {
      const c = await customers(h);
      const kioskProfile = c.kiosk.profileId;
      // The agent still sees the logged-out kiosk, within the retention.
      const listed = async () => {
        const res = await agentApi(h.url, 'GET', `/v1/agent/profiles/${kioskProfile}`);
        return res.status === 200
          ? ((await res.json()) as { devices: unknown[] }).devices.length
          : res.status;
      };
      assert.equal(await listed(), 1);

      // Two hours on: the handoff expired, but its grace period, the retention and the profiles'
      // grace period are not over, so nothing goes.
      h.clock.now = Date.now() + 2 * 60 * 60 * 1000;
      let from = server.reports.length;
      await server.runs(2);
      assert.deepEqual(server.removedSince(from), { tombstones: 0, handoffs: 0, devices: 0, profiles: 0 });
      const expired = await claim(h, c.phone, c.handoffToken);
      assert.deepEqual(
        [expired.status, ((await expired.json()) as ErrorBody).error.code],
        [410, 'handoff_expired'],
      );

      // 31 days on: the handoff, the kiosk, and the kiosk's and the tablet's empty profiles go.
      h.clock.now = Date.now() + 31 * DAY;
      from = server.reports.length;
      await server.runs(2);
      assert.deepEqual(server.removedSince(from), { tombstones: 0, handoffs: 1, devices: 1, profiles: 2 });
      assert.equal(await listed(), 404);
      const gone = await claim(h, c.phone, c.handoffToken);
      assert.deepEqual(
        [gone.status, ((await gone.json()) as ErrorBody).error.code],
        [404, 'handoff_not_found'],
      );

      // What is in use stays: the phone and its cart, the laptop, the signed-in tablet and its user.
      h.clock.now = TEST_NOW;
      assert.deepEqual(
        (await sync(h.url, c.phone)).records.map((r) => r.key),
        ['tee'],
      );
      assert.equal((await sync(h.url, c.laptop)).profileId, c.laptop.profileId);
      assert.equal((await sync(h.url, c.tablet)).profileId, c.userProfile);
    } finally {
      await h.close();
    }
  });

  it('bounds each run to its batches, and later runs finish the sweep', async () => {
    const server = await housekeptServer({ housekeeping: { batchSize: 2, batchesPerRun: 1 } });
    const { h } = server;
    try {
      for (let i = 0; i < 5; i += 1) {
        const device = await register(h.url, `kiosk-${i}`);
        await api(h.url, 'DELETE', '/v1/devices/current', { token: device.token });
      }
      h.clock.now = Date.now() + 31 * DAY;
      const from = server.reports.length;
      const deadline = Date.now() + 5000;
      while (server.removedSince(from).devices < 5 || server.removedSince(from).profiles < 5) {
        assert.ok(Date.now() < deadline, 'every revoked device and its profile gone within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (const report of server.reports.slice(from)) {
        assert.ok(report.devices <= 2 && report.profiles <= 2, JSON.stringify(report));
      }
      assert.deepEqual(await h.database.rows('devices'), []);
      assert.deepEqual(await h.database.rows('profiles'), []);
    } finally {
      await h.close();
    }
  });
});

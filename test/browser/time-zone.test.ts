// The time zone in every event's context, without the ~30 ms of a page's first Intl.DateTimeFormat()
// at load: a first visit sends an offset-based name until the page is idle after its first event, a
// repeat visit the zone a previous visit kept, and a new offset (travel, DST) looks it up again. Each visit is a reload of one
// device (its storage kept) with the visitor's zone set in the page before Omnikit loads: the offset,
// what Intl answers (counted), and "idle" as the test decides (requestIdleCallback held).
import { expect } from '@open-wc/testing';
import {
  backend,
  openDevice,
  resetBackend,
  SDK_MODULE,
  storedEvents,
  type Tab,
  waitFor,
  writeKeys,
} from './helpers.ts';

/** When the latest visit started: a device's visits share its anonymous id. */
let visitStart = 0;

interface Visit {
  /** getTimezoneOffset(): minutes, UTC − local (Paris in winter: -60). */
  offset: number;
  /** What Intl.DateTimeFormat().resolvedOptions().timeZone answers. */
  zone: string;
  /** Run first: breaks storage or Intl. */
  breaker?: string;
  consent?: 'pending';
}

/**
 * Loads Omnikit in `page` as the visitor of `visit`, with its automatic page view at load (the event
 * that used to pay for Intl); resolves with the anonymous id.
 */
async function visit(page: Tab, { offset, zone, breaker = '', consent }: Visit): Promise<string> {
  visitStart = Date.now();
  await page.reload();
  return page.eval<string>(`(async () => {
    ${breaker};
    window.intlCalls = 0;
    const RealFormat = Intl.DateTimeFormat;
    Intl.DateTimeFormat = function (...args) {
      intlCalls++;
      const format = new RealFormat(...args);
      const options = format.resolvedOptions.bind(format);
      format.resolvedOptions = () => ({ ...options(), timeZone: ${JSON.stringify(zone)} });
      return format;
    };
    Date.prototype.getTimezoneOffset = () => ${offset};
    window.idle = [];
    window.requestIdleCallback = (task) => idle.push(task);
    window.pageErrors = [];
    addEventListener('error', (e) => pageErrors.push(e.message));
    const { createOmnikit } = await ${SDK_MODULE};
    window.omnikit = createOmnikit({
      writeKey: '${writeKeys.test}', endpoint: '${backend.url}', flushInterval: 20, consent: ${JSON.stringify(consent ?? 'granted')},
    });
    return omnikit.ready().then(() => omnikit.anonymousId());
  })()`);
}

/** Runs what waited for the page to be idle. */
const goIdle = (page: Tab) => page.eval(`idle.splice(0).forEach((task) => task())`);

/**
 * The time zone of each stored event of `anonymousId` in the latest visit, by event name (a page
 * view: `page`), once there are `count`.
 */
async function zonesOf(anonymousId: string, count: number): Promise<Record<string, string>> {
  const events = await waitFor(async () => {
    const stored = (await storedEvents({ anonymousId })).filter((e) => Date.parse(e.timestamp) >= visitStart);
    return stored.length === count && stored;
  });
  return Object.fromEntries(
    events.map((e) => [e.event ?? e.type, (e.body.context as { timezone: string }).timezone]),
  );
}

const kept = (page: Tab) =>
  page.eval<[string, string][]>(
    `Object.keys(localStorage).filter((k) => k.startsWith('omnikit:tz')).sort().map((k) => [k, localStorage.getItem(k)])`,
  );

describe('the time zone of events', () => {
  let page: Tab;
  beforeEach(async () => {
    await resetBackend();
    page = await openDevice('/test/fixtures/blank.html');
  });
  afterEach(() => page.close());

  const PARIS = { offset: -60, zone: 'Europe/Paris' };

  it('is named from the offset on a first visit, and resolved once the page is idle, with no Intl at load', async () => {
    const anonymousId = await visit(page, PARIS);
    await page.eval(`omnikit.track('Before Idle')`);
    expect(await page.eval('intlCalls')).to.equal(0);
    expect(await page.eval('idle.length')).to.equal(1);
    await goIdle(page);
    await page.eval(`omnikit.track('After Idle')`);
    // UTC+1: Etc/GMT counts west positive.
    expect(await zonesOf(anonymousId, 3)).to.deep.equal({
      page: 'Etc/GMT-1',
      'Before Idle': 'Etc/GMT-1',
      'After Idle': 'Europe/Paris',
    });
    expect(await page.eval('intlCalls')).to.equal(1);
    expect(await kept(page)).to.deep.equal([['omnikit:tz:-60', '"Europe/Paris"']]);
  });

  it('is known at once on a repeat visit: no Intl call, nothing left for idle time', async () => {
    await visit(page, PARIS);
    await goIdle(page);
    const anonymousId = await visit(page, PARIS);
    await page.eval(`omnikit.track('Repeat')`);
    expect(await zonesOf(anonymousId, 2)).to.deep.equal({ page: 'Europe/Paris', Repeat: 'Europe/Paris' });
    expect(await page.eval('intlCalls')).to.equal(0);
    expect(await page.eval('idle.length')).to.equal(0);
  });

  it('is resolved again when the offset changed (travel, DST), and each offset keeps its zone', async () => {
    await visit(page, PARIS);
    await goIdle(page);
    // Landed in New York: UTC−5.
    const anonymousId = await visit(page, { offset: 300, zone: 'America/New_York' });
    await page.eval(`omnikit.track('Landed')`);
    await goIdle(page);
    await page.eval(`omnikit.track('Settled')`);
    expect(await zonesOf(anonymousId, 3)).to.deep.equal({
      page: 'Etc/GMT+5',
      Landed: 'Etc/GMT+5',
      Settled: 'America/New_York',
    });
    expect(await kept(page)).to.deep.equal([
      ['omnikit:tz:-60', '"Europe/Paris"'],
      ['omnikit:tz:300', '"America/New_York"'],
    ]);
    // Home again: Paris is known at once.
    const home = await visit(page, PARIS);
    await page.eval(`omnikit.track('Home')`);
    expect(await zonesOf(home, 2)).to.deep.equal({ page: 'Europe/Paris', Home: 'Europe/Paris' });
    expect(await page.eval('intlCalls')).to.equal(0);
  });

  it('works with localStorage blocked: resolved when idle on every visit, nothing thrown', async () => {
    const blocked = {
      ...PARIS,
      breaker: `Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); } })`,
    };
    for (const name of ['First', 'Second']) {
      const anonymousId = await visit(page, blocked);
      await page.eval(`omnikit.track('${name}')`);
      await goIdle(page);
      await page.eval(`omnikit.track('${name} After Idle')`);
      expect(await zonesOf(anonymousId, 3)).to.deep.equal({
        page: 'Etc/GMT-1',
        [name]: 'Etc/GMT-1',
        [`${name} After Idle`]: 'Europe/Paris',
      });
      expect(await page.eval('pageErrors')).to.deep.equal([]);
    }
  });

  it('keeps the offset-based name when Intl throws, and never throws into the page', async () => {
    const anonymousId = await visit(page, {
      ...PARIS,
      breaker: `Intl.DateTimeFormat.prototype.resolvedOptions = () => { throw new RangeError('no ICU') }`,
    });
    await goIdle(page);
    await page.eval(`omnikit.track('Without Intl')`);
    expect(await zonesOf(anonymousId, 2)).to.deep.equal({ page: 'Etc/GMT-1', 'Without Intl': 'Etc/GMT-1' });
    expect(await page.eval('pageErrors')).to.deep.equal([]);
  });

  it('is not kept while consent is pending, and is once granted', async () => {
    await visit(page, { ...PARIS, consent: 'pending' });
    await page.eval(`omnikit.track('Waiting')`);
    await goIdle(page);
    expect(await kept(page)).to.deep.equal([]);
    await page.eval(`omnikit.consent.grant()`);
    await waitFor(() => page.eval('idle.length'));
    await goIdle(page);
    expect(await kept(page)).to.deep.equal([['omnikit:tz:-60', '"Europe/Paris"']]);
  });
});

// The name events carry while the real time zone is unknown (src/identity/time-zone.ts): an IANA
// `Etc/GMT±N` zone with exactly the device's offset, checked against the tz database Node ships.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTimeZone, zoneOfOffset } from '../../src/identity/time-zone.ts';

/** The UTC offset tz data gives `zone` today, as Intl prints it: "GMT+1", "GMT-5", "GMT" (or "GMT+0"). */
const offsetOf = (zone: string) =>
  new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'shortOffset' })
    .formatToParts(new Date())
    .find((part) => part.type === 'timeZoneName')
    ?.value.replace(/^GMT\+0$/, 'GMT');

describe('zoneOfOffset', () => {
  it('names whole-hour offsets by Etc/GMT, whose sign is west positive like getTimezoneOffset()', () => {
    assert.equal(zoneOfOffset(-60), 'Etc/GMT-1'); // Paris in winter, UTC+1
    assert.equal(zoneOfOffset(300), 'Etc/GMT+5'); // New York in winter, UTC−5
    assert.equal(zoneOfOffset(0), 'Etc/GMT');
    assert.equal(zoneOfOffset(-840), 'Etc/GMT-14'); // Kiritimati, the earliest
    assert.equal(zoneOfOffset(720), 'Etc/GMT+12'); // Baker Island, the latest
  });

  it('gives a zone the tz database knows, at that offset, for every whole-hour offset in use', () => {
    for (let hours = -12; hours <= 14; hours++) {
      const zone = zoneOfOffset(-hours * 60);
      const expected = hours === 0 ? 'GMT' : `GMT${hours > 0 ? '+' : ''}${hours}`;
      assert.equal(offsetOf(zone), expected, zone);
    }
  });

  it("is '' (unknown) for half- and quarter-hour offsets: no IANA name has them fixed", () => {
    assert.equal(zoneOfOffset(-330), ''); // India
    assert.equal(zoneOfOffset(-345), ''); // Nepal
    assert.equal(zoneOfOffset(210), ''); // Newfoundland
  });
});

describe('createTimeZone outside a browser (server-side rendering)', () => {
  it('answers the offset-based name, then the zone after its timers, without storage or throwing', async () => {
    const zone = createTimeZone(() => true);
    assert.equal(zone(), zoneOfOffset(new Date().getTimezoneOffset()));
    // Two timers in turn (the lookup is asked for from one): on a busy machine a fixed wait can end
    // between them, so wait for the answer, for 2 s at most.
    const expected = Intl.DateTimeFormat().resolvedOptions().timeZone;
    for (let waited = 0; zone() !== expected && waited < 2000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(zone(), expected);
  });
});

import type { OpeningHours } from '../types.ts';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Whether `now` falls inside the opening hours (always, when there are none or they cannot be read). */
export function isOpen(hours: OpeningHours | undefined, now = new Date()): boolean {
  if (!hours?.from || !hours.to) return true;
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone: hours.timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(now)
        .map((part) => [part.type, part.value]),
    );
    const day = DAYS.indexOf(parts.weekday);
    const time = `${parts.hour}:${parts.minute}`;
    const open =
      hours.from <= hours.to ? time >= hours.from && time < hours.to : time >= hours.from || time < hours.to;
    return (hours.days ?? [1, 2, 3, 4, 5]).includes(day) && open;
  } catch {
    return true; // an unknown time zone: better to take messages as usual than to look closed
  }
}

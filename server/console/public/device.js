// A customer's device as the agent console names it: "Chrome 131 on macOS · 5 min ago", from the user
// agent and last-seen time the agent API returns for it. Only the browser and system families an agent
// would recognise; anything else reads as "Unknown browser".

/** Browser families, most specific first: Edge, Opera and Samsung Internet also say "Chrome". */
const BROWSERS = [
  ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /(?:OPR|OPT)\/(\d+)/],
  ['Samsung Internet', /SamsungBrowser\/(\d+)/],
  ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /(?:HeadlessChrome|Chrome|CriOS)\/(\d+)/],
  ['Safari', /Version\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//],
];

/** Systems, most specific first: iOS says "like Mac OS X", Android says "Linux". */
const SYSTEMS = [
  ['iOS', /iPhone|iPad|iPod/],
  ['Android', /Android/],
  ['ChromeOS', /CrOS/],
  ['Windows', /Windows/],
  ['macOS', /Macintosh|Mac OS X/],
  ['Linux', /Linux|X11/],
];

/** "Chrome 131 on macOS", "Safari 17 on iOS", "Firefox 128", "Unknown browser on Linux". */
export function browserAndSystem(userAgent) {
  if (typeof userAgent !== 'string' || userAgent === '') return 'Unknown browser';
  let browser = 'Unknown browser';
  for (const [name, pattern] of BROWSERS) {
    const version = pattern.exec(userAgent)?.[1];
    if (version) {
      browser = `${name} ${version}`;
      break;
    }
  }
  const system = SYSTEMS.find(([, pattern]) => pattern.test(userAgent))?.[0];
  return system ? `${browser} on ${system}` : browser;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long ago `iso` was, as a person says it: "just now", "5 min ago", "3 h ago", "yesterday". */
export function ago(iso, now = Date.now()) {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return 'at an unknown time';
  const past = now - at;
  if (past < MINUTE) return 'just now'; // a clock a little ahead of this one reads as now too
  if (past < HOUR) return `${Math.floor(past / MINUTE)} min ago`;
  if (past < DAY) return `${Math.floor(past / HOUR)} h ago`;
  if (past < 2 * DAY) return 'yesterday';
  if (past < 30 * DAY) return `${Math.floor(past / DAY)} days ago`;
  return `on ${new Date(at).toLocaleDateString()}`;
}

/**
 * One device of the 360° view as a line: browser and system, then when it was last heard from (or,
 * never heard from, when it registered), and whether the customer logged out there.
 */
export function deviceLine(device, now = Date.now()) {
  const when = device.lastSeenAt ? ago(device.lastSeenAt, now) : `registered ${ago(device.createdAt, now)}`;
  return `${browserAndSystem(device.userAgent)} · ${when}${device.revoked ? ' · logged out' : ''}`;
}

/** The device's ids and full user agent, for a tooltip: support may need them, the line does not. */
export function deviceDetails(device) {
  return [
    `Device ${device.deviceId}`,
    `Anonymous id ${device.anonymousId}`,
    device.userAgent,
    device.lastSeenAt && `Last seen ${new Date(device.lastSeenAt).toLocaleString()}`,
  ]
    .filter(Boolean)
    .join('\n');
}

import { isIP } from 'node:net';

/** An address as 4 (IPv4) or 16 (IPv6) bytes; an IPv4-mapped IPv6 address is its IPv4 address. */
type Bytes = number[];

/** The bucket of anything that is not an address: one for all, so garbage buys no fresh budget. */
const UNKNOWN = 'unknown';

/**
 * The proxies in front of the server whose `X-Forwarded-For` is believed: addresses and CIDR ranges,
 * IPv4 and IPv6. Empty (the default) means the server faces clients directly.
 */
export class TrustedProxies {
  readonly #ranges: { bytes: Bytes; prefix: number }[];

  private constructor(ranges: { bytes: Bytes; prefix: number }[]) {
    this.#ranges = ranges;
  }

  /** Parses `["10.0.0.0/8", "2001:db8::/32", "127.0.0.1"]`; throws naming `where[i]` on a bad entry. */
  static parse(list: readonly unknown[], where = 'trustedProxies'): TrustedProxies {
    return new TrustedProxies(
      list.map((entry, index) => {
        const range = typeof entry === 'string' ? parseRange(entry) : null;
        if (!range) {
          throw new Error(
            `${where}[${index}] ${JSON.stringify(entry)} is not an IP address or CIDR range (like "10.0.0.0/8" or "2001:db8::/32")`,
          );
        }
        return range;
      }),
    );
  }

  /** Whether no proxy is trusted. */
  get empty(): boolean {
    return this.#ranges.length === 0;
  }

  /** Whether `address` is one of the trusted proxies. */
  includes(address: string): boolean {
    const bytes = parseAddress(address);
    return bytes !== null && this.#ranges.some((range) => inRange(bytes, range.bytes, range.prefix));
  }
}

/**
 * The client's address (normalized) as the limits see it. Without trusted proxies, or when the
 * socket peer is not one, it is the peer: a header anyone can write is ignored. Behind trusted
 * proxies it walks `X-Forwarded-For` from the right (each proxy appends the peer it saw) to the first
 * address that is not a trusted proxy, so addresses a client prepends never count. An entry that is
 * not an address ends the walk: nothing left of it can be believed.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | null | undefined,
  trusted: TrustedProxies,
): string {
  const bytes = peer === undefined ? null : parseAddress(peer);
  if (!bytes) return UNKNOWN;
  let client = format(bytes);
  if (!forwardedFor) return client;
  const hops = forwardedFor.split(',');
  for (let index = hops.length - 1; index >= 0 && trusted.includes(client); index--) {
    const hop = parseAddress(unwrapHop(hops[index].trim()));
    if (!hop) break;
    client = format(hop);
  }
  return client;
}

/**
 * The key a per-IP limit counts an address under: an IPv4 address itself, an IPv6 address its /64
 * (one subscriber usually holds a whole /64, so one address each would be no limit at all).
 */
export function addressBucket(address: string): string {
  const bytes = parseAddress(address);
  if (!bytes) return UNKNOWN;
  if (bytes.length === 4) return format(bytes);
  const prefix = [...bytes.slice(0, 8), ...new Array<number>(8).fill(0)];
  return `${format(prefix)}/64`;
}

/** IPv4 or IPv6 (zone id dropped) as bytes; IPv4-mapped IPv6 as IPv4; null when not an address. */
function parseAddress(text: string): Bytes | null {
  const address = text.replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 4) return address.split('.').map(Number);
  if (family !== 6) return null;
  const bytes = parseIPv6(address);
  const mapped = bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

// `isIP` has validated it: only the expansion of "::" and a trailing dotted quad are left to do.
function parseIPv6(address: string): Bytes {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const hextets = (parts: string[]) =>
    parts.flatMap((part) => {
      if (!part.includes('.')) return [Number.parseInt(part, 16)];
      const [first, second, third, fourth] = part.split('.').map(Number);
      return [(first << 8) | second, (third << 8) | fourth];
    });
  const left = hextets(groups(head));
  const right = hextets(groups(tail));
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((hextet) => [hextet >> 8, hextet & 0xff]);
}

// "a.b.c.d:port", "[v6]" and "[v6]:port", as some proxies write their entries.
function unwrapHop(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1];
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  return withPort ? withPort[1] : hop;
}

function parseRange(text: string): { bytes: Bytes; prefix: number } | null {
  const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!match) return null;
  const bytes = parseAddress(match[1]);
  if (!bytes) return null;
  let prefix = match[2] === undefined ? bytes.length * 8 : Number(match[2]);
  // "::ffff:10.0.0.0/104" is 10.0.0.0/8 written as IPv6.
  if (bytes.length === 4 && isIP(match[1]) === 6 && match[2] !== undefined) prefix -= 96;
  if (!(prefix >= 0 && prefix <= bytes.length * 8)) return null;
  return { bytes, prefix };
}

function inRange(bytes: Bytes, range: Bytes, prefix: number): boolean {
  if (bytes.length !== range.length) return false;
  for (let bit = 0; bit < prefix; bit += 8) {
    const mask = prefix - bit >= 8 ? 0xff : (0xff << (8 - (prefix - bit))) & 0xff;
    if ((bytes[bit / 8] & mask) !== (range[bit / 8] & mask)) return false;
  }
  return true;
}

// IPv4 dotted; IPv6 per RFC 5952 (lower case, no leading zeros, the longest run of zeros as "::").
function format(bytes: Bytes): string {
  if (bytes.length === 4) return bytes.join('.');
  const hextets = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; start++) {
    let end = start;
    while (end < 8 && hextets[end] === 0) end++;
    if (end - start > best.length) best = { start, length: end - start };
  }
  const text = hextets.map((hextet) => hextet.toString(16));
  if (best.start === -1) return text.join(':');
  const left = text.slice(0, best.start).join(':');
  const right = text.slice(best.start + best.length).join(':');
  return `${left}::${right}`;
}

// The hybrid logical clock's string form (§3): base36(ms) padded to 9 - base36(counter) padded to 3 -
// replica id. Fixed widths make plain string comparison the clock's order, so both sides (and SQL)
// compare HLCs as strings.

/** A valid HLC: what the server accepts in a push. */
export const HLC_PATTERN = /^[0-9a-z]{9}-[0-9a-z]{3}-[\w-]{1,32}$/;
/** The largest counter three base36 digits hold; past it a clock borrows the next millisecond. */
export const MAX_HLC_COUNTER = 36 ** 3 - 1;
/** The replica id of the records the server writes itself (cart corrections, conversation moves). */
export const SERVER_REPLICA = 'server';
/** The replica id of the records the agent API writes (agent messages, `agentRead`). */
export const AGENT_REPLICA = 'agent';
/** Replica ids only the server writes with: a device's record naming one is refused (`reserved_replica`). */
export const RESERVED_REPLICAS: readonly string[] = [SERVER_REPLICA, AGENT_REPLICA];

/** The time part of an HLC: `hlc < hlcTime(ms)` says the HLC was written before `ms`. */
export const hlcTime = (ms: number): string => ms.toString(36).padStart(9, '0');

/** The HLC of a write at `ms`, the `counter`-th in that millisecond, by `replica`. */
export const formatHlc = (ms: number, counter: number, replica: string): string =>
  `${hlcTime(ms)}-${counter.toString(36).padStart(3, '0')}-${replica}`;

/** The wall-clock milliseconds of an HLC (NaN when it is malformed). */
export const msOfHlc = (hlc: string): number => parseInt(hlc.slice(0, 9), 36);

/** The counter of an HLC (NaN when it is malformed). */
export const counterOfHlc = (hlc: string): number => parseInt(hlc.slice(10, 13), 36);

/** The replica id of an HLC. */
export const replicaOfHlc = (hlc: string): string => hlc.slice(14);

/**
 * The first HLC of `replica` that sorts after `hlc`: the same ms and counter when `replica` sorts
 * after the replica of `hlc`, else the next counter (the next ms when the counter is full).
 */
export function hlcAfter(hlc: string, replica: string): string {
  const ms = msOfHlc(hlc);
  const counter = counterOfHlc(hlc);
  if (replicaOfHlc(hlc) < replica) return formatHlc(ms, counter, replica);
  return counter < MAX_HLC_COUNTER ? formatHlc(ms, counter + 1, replica) : formatHlc(ms + 1, 0, replica);
}

/**
 * The HLC of a server-side write by `replica` at `now`, sorting after `previous` (the stored record of
 * the same key, if any): a later write must win over the earlier one even when the server's clock did
 * not move, or a device's clock ran ahead.
 */
export function replicaHlc(replica: string, now: number, previous?: string): string {
  const fresh = formatHlc(now, 0, replica);
  return previous === undefined || previous < fresh ? fresh : hlcAfter(previous, replica);
}

/**
 * CPU time a load costs: the server child's, read from /proc (it needs no cooperation from the
 * server, so the real one and the ceilings are read alike), and this process's, where the load
 * generator runs. On a 2-core machine the two compete for the cores, so both are worth seeing.
 */
import { readFileSync } from 'node:fs';

/** Linux reports utime and stime in USER_HZ ticks, 100 a second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) process `pid` has used so far; undefined without /proc (not Linux). */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds the whole machine has been busy so far (every core, every process: user, nice, system,
 * irq, softirq, steal from /proc/stat); undefined without /proc. Other work on the machine during a
 * load shows as what is busy beyond the server and the load generator.
 */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU seconds spent while a load ran, and how long it ran. */
export interface CpuUse {
  /** The server process's; NaN when it cannot be read. */
  server: number;
  /** This process's: the load generator's (and anything else it ran meanwhile). */
  generator: number;
  /** Every other process's on the machine (other work, the kernel's writeback); NaN when unknown. */
  others: number;
  /** Wall-clock seconds of the load. */
  wall: number;
}

/** Runs `load` and reports the CPU time the server `pid` and this process spent meanwhile. */
export async function withCpu<T>(pid: number | undefined, load: () => Promise<T>): Promise<[T, CpuUse]> {
  const machineBefore = machineBusySeconds();
  const serverBefore = cpuSecondsOf(pid);
  const generatorBefore = process.cpuUsage();
  const started = performance.now();
  const result = await load();
  const wall = (performance.now() - started) / 1000;
  const generator = process.cpuUsage(generatorBefore);
  const serverAfter = cpuSecondsOf(pid);
  const machineAfter = machineBusySeconds();
  const spent = (before: number | undefined, after: number | undefined) =>
    before === undefined || after === undefined ? Number.NaN : after - before;
  const server = spent(serverBefore, serverAfter);
  const generatorSeconds = (generator.user + generator.system) / 1e6;
  const others = spent(machineBefore, machineAfter) - server - generatorSeconds;
  return [result, { server, generator: generatorSeconds, others, wall }];
}

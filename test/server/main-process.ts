// The server's CLI (`server/main.ts`) in a process of its own, as a shop starts it.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = new URL('../..', import.meta.url).pathname;
/** Absolute, so the CLI can run in any working directory (`init` writes there, `start` reads there). */
const MAIN_ARGS = ['--import', import.meta.resolve('tsx'), join(ROOT, 'server/main.ts')];

/** Where and how to run the CLI: its arguments (default none: `start`) and working directory. */
export interface MainOptions {
  args?: string[];
  cwd?: string;
}

/** Writes a config file of these sites (and top-level fields) in `dir` (again: replaced); answers its path. */
export function writeServerConfig(
  dir: string,
  config: { sites: object[]; [field: string]: unknown } | string,
): string {
  const file = join(dir, 'omnikit.config.json');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

/** What a run of the CLI printed, and how it ended. */
export interface MainRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tsx server/main.ts` with `env` (on PORT 0 unless given) and `options` until it exits, or until it prints
 * that it listens, then stops it with SIGTERM. Killed after 20 s.
 */
export function runServerMain(env: Record<string, string>, options: MainOptions = {}): Promise<MainRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...MAIN_ARGS, ...(options.args ?? [])], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('listening on')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `server/main.ts` running in a process of its own, its output kept line by line. */
export interface ServerProcess {
  child: ChildProcess;
  output: string[];
  /** Resolves with the URL once the server listens; rejects if it exits first. */
  listening: Promise<string>;
  /** Resolves once a line matching `pattern` was printed. */
  printed(pattern: RegExp): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `tsx server/main.ts` with `env` (PORT 0 and HOST 127.0.0.1 unless given); `stop()` sends SIGTERM. */
export function startServerMain(env: Record<string, string>, options: MainOptions = {}): ServerProcess {
  return startServerProcess(process.execPath, [...MAIN_ARGS, ...(options.args ?? [])], {
    cwd: options.cwd ?? ROOT,
    env,
  });
}

/**
 * Starts a server command (the CLI from source, or `omnikit-server` as a package installed it) in
 * `cwd` with `env` over this process's (PORT 0 and HOST 127.0.0.1 unless given).
 */
export function startServerProcess(
  command: string,
  args: string[],
  { cwd, env }: { cwd: string; env: Record<string, string> },
): ServerProcess {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      for (const w of waiting.filter((w) => w.pattern.test(line))) w.resolve(line);
    });
  }
  const printed = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = output.find((line) => pattern.test(line));
      if (seen) return resolve(seen);
      waiting.push({ pattern, resolve });
      child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output.join('\n')}`)));
    });
  const listening = printed(/listening on (http:\/\/\S+)/).then((line) => /(http:\/\/\S+)/.exec(line)![1]);
  const stop = () =>
    new Promise<void>((resolve) => {
      // Already gone: it exited, or a signal (a test's SIGKILL) ended it.
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { child, output, listening, printed, stop };
}

// The server's CLI (`server/main.ts`) in a process of its own, as a shop starts it.
import { spawn } from 'node:child_process';

/** What a run of the CLI printed, and how it ended. */
export interface MainRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tsx server/main.ts` with `env` (on PORT 0 unless given) until it exits, or until it prints
 * that it listens, then stops it with SIGTERM. Killed after 20 s.
 */
export function runServerMain(env: Record<string, string>): Promise<MainRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
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

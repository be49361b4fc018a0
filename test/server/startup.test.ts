// A server that cannot start says why in one line, without a stack trace: a port in use, a config
// file it cannot read, a DATABASE_URL that is not PostgreSQL's. The process exits non-zero.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type MainRun, runServerMain, writeServerConfig } from './main-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'omnikit-startup-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const configFile = writeServerConfig(dir, {
  sites: [
    {
      id: 'shop',
      writeKey: 'startup-test-write-key',
      origins: ['https://shop.example'],
      secret: 'L4y0ZqV8cM2nR7tW1xB9dF3gH6jK5pS0uE8iO2aQ4wY=',
    },
  ],
});
const run = (env: Record<string, string>) =>
  runServerMain({ OMNIKIT_CONFIG: configFile, DATA_DIR: mkdtempSync(join(dir, 'data-')), ...env });

/** Exited non-zero, printing one line to stderr that matches `reason`, and no stack trace. */
function refusedInOneLine({ code, stdout, stderr }: MainRun, reason: RegExp): void {
  assert.notEqual(code, 0);
  assert.doesNotMatch(stdout, /listening on/);
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0], /^Omnikit server: /);
  assert.match(lines[0], reason);
  assert.doesNotMatch(stderr, /^\s+at /m);
}

describe('server/main.ts at start', () => {
  it('starts with a readable config and a free port', async () => {
    const { stdout } = await run({});
    assert.match(stdout, /listening on http:\/\/127\.0\.0\.1:\d+ \(1 site\(s\)/);
  });

  it('names a port that is in use', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      refusedInOneLine(
        await run({ PORT: String(port) }),
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`),
      );
    } finally {
      taken.close();
    }
  });

  it('names a config file it cannot read, or cannot parse', async () => {
    refusedInOneLine(await run({ OMNIKIT_CONFIG: join(dir, 'missing.json') }), /missing\.json/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "sites": [');
    refusedInOneLine(await run({ OMNIKIT_CONFIG: broken }), /broken\.json/);
  });

  it('refuses a DATABASE_URL that is not PostgreSQL, and a PORT that is not a port', async () => {
    refusedInOneLine(
      await run({ DATABASE_URL: 'mysql://db/shop' }),
      /DATABASE_URL must be a postgres:\/\/ URL/,
    );
    refusedInOneLine(await run({ PORT: '70000' }), /PORT must be a port number/);
  });
});

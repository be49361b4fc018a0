// The `omnikit-server` command as a shop first meets it: `init` writes a config of its own with fresh
// secrets and prints the script tag; `start` with no config says how to get one. Real processes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EXAMPLE_SECRETS } from '../../server/secrets.ts';
import { postJson, trackEvent } from './helpers.ts';
import { runServerMain, startServerMain } from './main-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'omnikit-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface StarterSite {
  id: string;
  writeKey: string;
  origins: string[];
  secret: string;
  agentKey: string;
  serverKey: string;
}

const readStarter = (cwd: string) =>
  JSON.parse(readFileSync(join(cwd, 'omnikit.config.json'), 'utf8')) as {
    $schema: string;
    sites: StarterSite[];
  };

const emptyDir = () => mkdtempSync(join(dir, 'shop-'));

describe('omnikit-server init', () => {
  it('writes a config with fresh secrets that the server starts with, and prints the script tag', async () => {
    const cwd = emptyDir();
    const run = await runServerMain(
      {},
      {
        cwd,
        args: ['init', '--origin', 'https://shop.example', '--endpoint', 'https://collect.shop.example'],
      },
    );
    assert.equal(run.code, 0, run.stderr);
    const { $schema, sites } = readStarter(cwd);
    const [site] = sites;
    assert.deepEqual(site.origins, ['https://shop.example']);
    const secrets = [site.secret, site.agentKey, site.serverKey];
    for (const secret of secrets) {
      assert.ok(Buffer.byteLength(secret) >= 32, secret);
      assert.ok(!EXAMPLE_SECRETS.includes(secret));
    }
    assert.equal(new Set([...secrets, site.writeKey]).size, 4);
    // Only its owner may read the secrets.
    assert.equal(statSync(join(cwd, 'omnikit.config.json')).mode & 0o777, 0o600);
    assert.match($schema, /omnikit\.config\.schema\.json$/);
    assert.match(run.stdout, /<script async src="[^"]+\/omnikit\.js"/);
    assert.ok(run.stdout.includes(`data-write-key="${site.writeKey}"`), run.stdout);
    assert.ok(run.stdout.includes('data-endpoint="https://collect.shop.example"'), run.stdout);
    assert.ok(
      secrets.every((secret) => !run.stdout.includes(secret)),
      'no secret printed',
    );

    // `start` in that directory reads it, with no OMNIKIT_CONFIG.
    const server = startServerMain({ DATA_DIR: join(cwd, 'data') }, { cwd });
    try {
      const url = await server.listening;
      const answer = await postJson(
        `${url}/v1/batch`,
        { batch: [trackEvent()] },
        { writeKey: site.writeKey },
      );
      assert.equal(answer.status, 200);
    } finally {
      await server.stop();
    }
  });

  it('never makes the same secrets twice, and keeps an existing config unless --force', async () => {
    const cwd = emptyDir();
    await runServerMain({}, { cwd, args: ['init'] });
    const first = readFileSync(join(cwd, 'omnikit.config.json'), 'utf8');
    const again = await runServerMain({}, { cwd, args: ['init'] });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /omnikit\.config\.json exists; keeping it/);
    assert.equal(readFileSync(join(cwd, 'omnikit.config.json'), 'utf8'), first);
    const forced = await runServerMain({}, { cwd, args: ['init', '--force'] });
    assert.equal(forced.code, 0, forced.stderr);
    const [before, after] = [JSON.parse(first).sites[0], readStarter(cwd).sites[0]];
    for (const field of ['writeKey', 'secret', 'agentKey', 'serverKey'] as const)
      assert.notEqual(after[field], before[field], field);
  });

  it('refuses an origin the server would refuse, in one line naming it', async () => {
    const cwd = emptyDir();
    const run = await runServerMain({}, { cwd, args: ['init', '--origin', 'https://shop.example/cart'] });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /origins\[0\]/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
    assert.throws(() => statSync(join(cwd, 'omnikit.config.json')));
  });
});

describe('omnikit-server', () => {
  it('without a config file, says how to write one', async () => {
    const run = await runServerMain({ OMNIKIT_DEMO: '' }, { cwd: emptyDir() });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no config file: `omnikit-server init`/);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  });

  it('prints its version, and refuses an unknown command', async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../server/package.json', import.meta.url), 'utf8'),
    );
    const shown = await runServerMain({}, { args: ['--version'] });
    assert.equal(shown.stdout.trim(), version);
    const unknown = await runServerMain({}, { args: ['serve'] });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown command "serve"/);
  });
});

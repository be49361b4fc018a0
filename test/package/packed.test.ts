// The packages as a shop gets them from npm: `npm pack` of the SDK and of the server in a fresh copy
// of the repository's files (no dist/: prepack builds first), installed into an empty directory, and the server started from there with a config
// `omnikit-server init` wrote, on SQLite and on PostgreSQL. Nothing of this repository is on the
// installed server's path. Slow: the install compiles better-sqlite3 (~1 min here).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { postJson, trackEvent } from '../server/helpers.ts';
import { startServerProcess } from '../server/main-process.ts';
import { startPostgres } from '../server/postgres.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'omnikit-packed-'));
const app = join(dir, 'shop-backend');
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, encoding: 'utf8', stdio: 'pipe' });

/**
 * The repository's files as a fresh clone has them (tracked and new files, nothing git ignores: no
 * dist/), with this checkout's node_modules.
 */
function freshCopy(): string {
  const copy = join(dir, 'clone');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  for (const file of files.split('\0').filter((file) => file && existsSync(join(ROOT, file)))) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(ROOT, file), join(copy, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

/** `npm pack` of a checkout's root package or of one workspace; answers the tarball's path. */
function pack(checkout: string, workspace?: string): string {
  const where = workspace ? ['--workspace', workspace] : [];
  const output = npm(['pack', '--json', '--pack-destination', dir, ...where], checkout);
  const [{ filename }] = JSON.parse(output.slice(output.indexOf('['))) as { filename: string }[];
  return join(dir, filename);
}

/** The arguments of an exec-form Dockerfile instruction (`CMD ["omnikit-server"]`). */
function dockerfileExec(instruction: string): string[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, '');
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${instruction} `));
  assert.ok(line, `Dockerfile has ${instruction}`);
  return JSON.parse(line.slice(line.indexOf('[')));
}

interface InstalledSite {
  writeKey: string;
  serverKey: string;
}
let site: InstalledSite;
const bin = join(app, 'node_modules/.bin/omnikit-server');

before(() => {
  const clone = freshCopy();
  const tarballs = [pack(clone), pack(clone, 'server')];
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'shop-backend', private: true }));
  // From npm's cache where it can (the repository's own install filled it), else the registry.
  npm(['install', '--prefer-offline', ...tarballs], app);
  execFileSync(bin, ['init', '--origin', 'http://localhost:8000'], { cwd: app, stdio: 'pipe' });
  [site] = JSON.parse(readFileSync(join(app, 'omnikit.config.json'), 'utf8')).sites;
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the installed command in the app's directory, posts an event, and reads it back. */
async function storesAnEvent(env: Record<string, string>): Promise<void> {
  const server = startServerProcess(bin, [], { cwd: app, env });
  try {
    const url = await server.listening;
    assert.equal((await fetch(`${url}/ready`)).status, 200);
    // The staff console ships in the package: its page and files load from the installed server.
    for (const path of ['/console', '/console/console.js', '/console/format.js', '/console/console.css']) {
      assert.equal((await fetch(`${url}${path}`)).status, 200, path);
    }
    const event = trackEvent({ anonymousId: `packed-${Date.now()}` });
    const posted = await postJson(`${url}/v1/batch`, { batch: [event] }, { writeKey: site.writeKey });
    assert.equal(posted.status, 200);
    const read = await fetch(`${url}/v1/events?anonymousId=${event.anonymousId}`, {
      headers: { Authorization: `Bearer ${site.serverKey}` },
    });
    const { events } = (await read.json()) as { events: { messageId: string }[] };
    assert.deepEqual(
      events.map((stored) => stored.messageId),
      [event.messageId],
    );
  } finally {
    await server.stop();
  }
}

describe('the packed packages, installed in an empty directory', () => {
  it('keep the SDK lean: its package depends on no server library', () => {
    const sdk = JSON.parse(readFileSync(join(app, 'node_modules/omnikit/package.json'), 'utf8'));
    assert.deepEqual(Object.keys(sdk.dependencies).sort(), ['idb-keyval', 'preact', 'uqr']);
    // Built by prepack: the script tag's file is in the package.
    assert.ok(readFileSync(join(app, 'node_modules/omnikit/dist/omnikit.js'), 'utf8').length > 1000);
  });

  it('give the public API, and nothing else, to an import and to a require()', () => {
    const PUBLIC = ['createOmnikit', 'httpDestination', 'segmentDestination', 'version'];
    const keys = 'console.log(JSON.stringify(Object.keys(m).sort()))';
    const imported = `import('omnikit').then((m) => { ${keys} })`;
    // Node 20.19+ loads an ES module from require(): the package resolves it for CommonJS too.
    const required = `const m = require('omnikit'); ${keys}`;
    for (const [type, script] of [
      ['module', imported],
      ['commonjs', required],
    ]) {
      const output = execFileSync(process.execPath, ['--no-warnings', `--input-type=${type}`, '-e', script], {
        cwd: app,
        encoding: 'utf8',
      });
      assert.deepEqual(JSON.parse(output), PUBLIC, type);
    }
  });

  it('give omnikit/react and omnikit/vue, typed, importing nothing but their framework', () => {
    for (const [binding, framework, face] of [
      [
        'react',
        'react',
        ['OmnikitProvider', 'useCart', 'useChat', 'useConsent', 'useFormDraft', 'useOmnikit'],
      ],
      [
        'vue',
        'vue',
        ['omnikitPlugin', 'provideOmnikit', 'useCart', 'useChat', 'useConsent', 'useFormDraft', 'useOmnikit'],
      ],
    ] as const) {
      // Resolved as a bundler resolves it (the framework itself is the app's, not installed here).
      const resolved = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `console.log(import.meta.resolve('omnikit/${binding}'))`],
        { cwd: app, encoding: 'utf8' },
      ).trim();
      const code = readFileSync(new URL(resolved), 'utf8');
      const imports = [...code.matchAll(/^import .* from '([^']+)';$/gm)].map((match) => match[1]);
      assert.deepEqual(imports, [framework], `${binding}: imports only ${framework}, no SDK code`);
      const exported = code
        .match(/^export \{([^}]*)\};$/m)?.[1]
        .split(',')
        .map((name) => name.trim());
      assert.deepEqual(exported?.sort(), [...face].sort(), `${binding}: its public face`);
      assert.ok(existsSync(resolved.replace('file://', '').replace(/\.mjs$/, '.d.ts')), `${binding}: types`);
    }
  });

  it('run the server from the package on SQLite, with the config `init` wrote', () =>
    storesAnEvent({ DATA_DIR: join(app, 'data') }));

  it('run the server from the package on PostgreSQL', async () => {
    const cluster = await startPostgres();
    try {
      const { url } = await cluster.database();
      await storesAnEvent({ DATABASE_URL: url });
    } finally {
      await cluster.stop();
    }
  });

  it('export the server API, typed, to code that embeds it', () => {
    const script =
      "import('@omnikit/server').then((m) => console.log(typeof m.createServer, typeof m.loadConfig))";
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: app,
      encoding: 'utf8',
    });
    assert.equal(output.trim(), 'function function');
    assert.match(
      readFileSync(join(app, 'node_modules/@omnikit/server/dist/index.d.ts'), 'utf8'),
      /createServer/,
    );
  });

  it('start in the container image as here, with a health check that asks /ready', async () => {
    const command = dockerfileExec('CMD');
    assert.deepEqual(command, ['omnikit-server']);
    const compose = readFileSync(join(ROOT, 'compose.yaml'), 'utf8');
    assert.deepEqual(JSON.parse(/command: (\[.*\])/.exec(compose)![1]), command);
    assert.match(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'), /^USER node$/m);
    const [check, ...checkArgs] = dockerfileExec('HEALTHCHECK');
    const healthy = (port: string) =>
      spawnSync(check === 'node' ? process.execPath : check, checkArgs, {
        env: { ...process.env, PORT: port },
      }).status;
    const server = startServerProcess(bin, [], { cwd: app, env: { DATA_DIR: join(app, 'data') } });
    const { port } = new URL(await server.listening);
    assert.equal(healthy(port), 0);
    await server.stop();
    assert.equal(healthy(port), 1);
  });
});

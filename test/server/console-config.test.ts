// Staff accounts in the config: their password hashes (scrypt, node:crypto), what the loader refuses
// with a message naming the field, and the shipped demo accounts' public password, refused outside
// the demo like the example secrets.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hashPassword, parsePasswordHash, verifyPassword } from '../../server/console/password.ts';
import { createServer, loadSites, openSqliteStore, type Site } from '../../server/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'omnikit-staff-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const store = openSqliteStore(':memory:');
after(() => store.close());

const configFile = (sites: unknown[]) => {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ sites }));
  return file;
};
const site = (overrides: Record<string, unknown> = {}) => ({
  id: 'shop',
  writeKey: 'shop-key',
  origins: ['https://shop.example'],
  agentKey: 'Tq7Xk2Pz9Rb4Nm1Vc8Ld3Hs6Jf0Gw5Ye2Ua7Io4Kp1=',
  ...overrides,
});
const shipped = JSON.parse(readFileSync('server/omnikit.config.json', 'utf8')) as {
  sites: { staff: { name: string; passwordHash: string }[] }[];
};
const exampleHash = shipped.sites[0].staff[0].passwordHash;

describe('staff passwords', () => {
  it('hash with scrypt and a fresh salt, and verify only the right password', async () => {
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    assert.match(first, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.notEqual(first, second, 'a salt of its own');
    const stored = parsePasswordHash(first);
    assert.ok(stored);
    assert.equal(await verifyPassword(stored, 'correct horse battery staple'), true);
    assert.equal(await verifyPassword(stored, 'correct horse battery stapl'), false);
    assert.equal(await verifyPassword(stored, ''), false);
  });

  it('refuses hashes it cannot verify, or whose cost would stall the server', () => {
    for (const bad of [
      'plain-password',
      'argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
      'scrypt$1000$8$1$MC55Xo1Dtx8ehS7z4kyy4A==$ZMweFDzSl7wvCpdDEZ2l+kgcY6yu+cZ0qSWRZSgWGZQ=',
      'scrypt$1073741824$8$1$MC55Xo1Dtx8ehS7z4kyy4A==$ZMweFDzSl7wvCpdDEZ2l+kgcY6yu+cZ0qSWRZSgWGZQ=',
      'scrypt$32768$8$1$$ZMweFDzSl7wvCpdDEZ2l+kgcY6yu+cZ0qSWRZSgWGZQ=',
    ]) {
      assert.equal(parsePasswordHash(bad), null, bad);
    }
  });
});

describe('staff in the config', () => {
  it('loads accounts with their role', async () => {
    const passwordHash = await hashPassword('a long password of her own');
    const staff = [
      { name: 'mia', role: 'agent', passwordHash },
      { name: 'leo', role: 'associate', passwordHash },
    ];
    assert.deepEqual(loadSites(configFile([site({ staff })]))[0].staff, staff);
  });

  it('names the bad field', async () => {
    const passwordHash = await hashPassword('a long password of her own');
    const cases: [unknown, RegExp][] = [
      [{}, /sites\[0\]\.staff must be an array/],
      [
        [{ name: '', role: 'agent', passwordHash }],
        /sites\[0\]\.staff\[0\]\.name must be a non-empty string/,
      ],
      [[{ name: 'a\nb', role: 'agent', passwordHash }], /staff\[0\]\.name .*control characters/],
      [
        [{ name: 'mia', role: 'admin', passwordHash }],
        /staff\[0\]\.role must be one of "agent", "associate"/,
      ],
      [[{ name: 'mia', role: 'agent', password: 'x' }], /staff\[0\]\.password is not a staff field/],
      [
        [{ name: 'mia', role: 'agent', passwordHash: 'hunter2' }],
        /staff\[0\]\.passwordHash must be scrypt\$N/,
      ],
    ];
    for (const [staff, message] of cases) {
      assert.throws(() => loadSites(configFile([site({ staff })])), message, JSON.stringify(staff));
    }
  });

  it('refuses a name used twice, in one site or two: the login form asks for no site', async () => {
    const passwordHash = await hashPassword('a long password of her own');
    const mia = { name: 'mia', role: 'agent', passwordHash };
    const blog = site({
      id: 'blog',
      writeKey: 'blog-key',
      agentKey: 'Zc3Vb8Nm1Qw6Er4Ty9Ui2Op7As5Df0Gh3Jk8Lz1Xc6=',
      staff: [{ ...mia, role: 'associate' }],
    });
    assert.throws(
      () => loadSites(configFile([site({ staff: [mia], agentKey: undefined }), blog])),
      /sites\[1\]\.staff\[0\]\.name "mia" is used by sites\[0\]\.staff\[0\]/,
    );
  });

  it("refuses the shipped demo accounts' password outside the demo, hashed again too", async () => {
    const rehashed = await hashPassword('demo-password-change-me');
    for (const passwordHash of [exampleHash, rehashed]) {
      const staff = [{ name: 'ada-agent', role: 'agent', passwordHash }];
      assert.throws(
        () => loadSites(configFile([site({ staff })])),
        /sites\[0\]\.staff\[0\]\.passwordHash is the hash of an example password.*hash-password.*npm run demo/,
      );
      assert.doesNotThrow(() => loadSites(configFile([site({ staff })]), { demo: true }));
      const sites = [site({ staff })] as Site[];
      assert.throws(
        () => createServer({ store, sites }),
        /createServer\(\): sites\[0\]\.staff\[0\]\.passwordHash .*example/,
      );
      assert.doesNotThrow(() => createServer({ store, sites, demo: true }));
    }
  });
});

describe('omnikit-server hash-password', () => {
  const run = (input: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts', 'hash-password'], {
      input,
      encoding: 'utf8',
    });

  it('prints the hash of the password read from stdin, which the config then takes', async () => {
    const { status, stdout, stderr } = run('a long password of her own\n');
    assert.equal(status, 0, stderr);
    const passwordHash = stdout.trim();
    const stored = parsePasswordHash(passwordHash);
    assert.ok(stored, stdout);
    assert.equal(
      await verifyPassword(stored, 'a long password of her own'),
      true,
      'the newline is not part of it',
    );
    const staff = [{ name: 'mia', role: 'agent', passwordHash }];
    assert.deepEqual(loadSites(configFile([site({ staff })]))[0].staff, staff);
  });

  it('refuses a short password and the example one', () => {
    const short = run('short\n');
    assert.equal(short.status, 1);
    assert.match(short.stderr, /at least 12 characters/);
    const example = run('demo-password-change-me');
    assert.equal(example.status, 1);
    assert.match(example.stderr, /example password/);
    assert.equal(example.stdout, '');
  });
});

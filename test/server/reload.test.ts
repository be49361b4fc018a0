// A new origin or a new site without a restart: the real server process reads its config again on
// SIGHUP. A config that is wrong now (not JSON, an example secret) leaves the running one serving.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { basicAuth, trackEvent } from './helpers.ts';
import { type ServerProcess, startServerMain, writeServerConfig } from './main-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'omnikit-reload-'));
const SHOP = {
  id: 'shop',
  writeKey: 'reload-shop-key',
  origins: ['https://shop.example'],
  secret: 'L4y0ZqV8cM2nR7tW1xB9dF3gH6jK5pS0uE8iO2aQ4wY=',
};
const BLOG = { id: 'blog', writeKey: 'reload-blog-key', origins: ['https://blog.example'] };
const writeConfig = (config: { sites: object[] } | string) => writeServerConfig(dir, config);
const configFile = writeConfig({ sites: [SHOP] });

let server: ServerProcess | undefined;
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** POSTs one event with `writeKey` from a page on `origin`; answers the status. */
async function send(url: string, writeKey: string, origin: string): Promise<number> {
  const response = await fetch(`${url}/v1/batch`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', Authorization: basicAuth(writeKey), Origin: origin },
    body: JSON.stringify({ batch: [trackEvent()] }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Sends SIGHUP and waits for the `count`-th line matching `pattern`. */
async function reload(running: ServerProcess, pattern: RegExp, count: number): Promise<void> {
  running.child.kill('SIGHUP');
  const deadline = Date.now() + 10_000;
  while (running.output.filter((line) => pattern.test(line)).length < count) {
    if (Date.now() > deadline) throw new Error(`no "${pattern}" line:\n${running.output.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('server/main.ts on SIGHUP', () => {
  it('serves a new origin and a new site without a restart, and keeps serving through a wrong config', async () => {
    server = startServerMain({ OMNIKIT_CONFIG: configFile, DATA_DIR: join(dir, 'data') });
    const url = await server.listening;
    const pid = server.child.pid;
    assert.equal(await send(url, SHOP.writeKey, 'https://shop.example'), 200);
    assert.equal(await send(url, SHOP.writeKey, 'https://www.shop.example'), 403);
    assert.equal(await send(url, BLOG.writeKey, 'https://blog.example'), 403);

    writeConfig({ sites: [{ ...SHOP, origins: [...SHOP.origins, 'https://www.shop.example'] }, BLOG] });
    await reload(server, /config reloaded \(2 site\(s\)\)/, 1);
    assert.equal(await send(url, SHOP.writeKey, 'https://www.shop.example'), 200);
    assert.equal(await send(url, BLOG.writeKey, 'https://blog.example'), 200);

    // Wrong now: the previous config keeps serving, and the line says why.
    writeConfig('{ "sites": [');
    await reload(server, /config not reloaded, still serving the previous one: .*not valid JSON/, 1);
    writeConfig({ sites: [{ ...SHOP, secret: 'change-me' }] });
    await reload(server, /config not reloaded, still serving the previous one: .*sites\[0\]\.secret/, 1);
    assert.equal(await send(url, BLOG.writeKey, 'https://blog.example'), 200);
    assert.equal(await send(url, SHOP.writeKey, 'https://www.shop.example'), 200);

    // And a site taken out of the config is refused from then on.
    writeConfig({ sites: [SHOP] });
    await reload(server, /config reloaded \(1 site\(s\)\)/, 1);
    assert.notEqual(await send(url, BLOG.writeKey, 'https://blog.example'), 200);
    assert.equal(server.child.pid, pid, 'the same process all along');
    assert.equal(server.child.exitCode, null);
  });
});

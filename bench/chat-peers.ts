/**
 * Size of chat widgets: what a page loads for the widget before anyone opens it, gzip -9.
 * Omnikit: the launcher it adds to omnikit.js, then the panel chunk (at idle or first open). Peers are
 * bundled here from npm with esbuild (their CommonJS and React included), minified by terser as ours
 * are. Hosted widgets (LiveChat, Crisp, Intercom) ship only a loader on npm; the widget itself comes
 * from the vendor's CDN at page load, which this offline bench cannot fetch: their rows say so.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minify } from 'terser';
import { launcherSize } from './builds.mjs';
import { installedVersion, PEERS_DIR, ROOT } from './prepare.ts';
import type { SizeRow } from './size-peers.ts';

interface ChatPeer {
  label: string;
  pkg: string;
  /** An entry that mounts the widget as a site without React would. */
  entry: string;
  source: string;
}

const PEERS: ChatPeer[] = [
  {
    label: 'Papercups chat widget (React 18 included)',
    pkg: '@papercups-io/chat-widget',
    entry: `import { createElement } from 'react'; import { createRoot } from 'react-dom/client';
import { ChatWidget } from '@papercups-io/chat-widget';
createRoot(document.body.appendChild(document.createElement('div'))).render(createElement(ChatWidget, { accountId: 'a' }));`,
    source: 'self-contained: all of it loads with the page',
  },
  {
    label: 'react-chat-widget (React 18 included)',
    pkg: 'react-chat-widget',
    entry: `import { createElement } from 'react'; import { createRoot } from 'react-dom/client';
import { Widget } from 'react-chat-widget';
createRoot(document.body.appendChild(document.createElement('div'))).render(createElement(Widget, {}));`,
    source: 'self-contained: all of it loads with the page',
  },
  {
    label: 'LiveChat widget-core (loader only)',
    pkg: '@livechat/widget-core',
    entry: `import { createWidget } from '@livechat/widget-core'; createWidget({ license: '1' });`,
    source: "loader only: the widget itself then comes from LiveChat's CDN (not measured)",
  },
  {
    label: 'Crisp SDK (loader only)',
    pkg: 'crisp-sdk-web',
    entry: `import { Crisp } from 'crisp-sdk-web'; Crisp.configure('id');`,
    source: "loader only: the widget itself then comes from Crisp's CDN (not measured)",
  },
  {
    label: 'Intercom messenger-js-sdk (loader only)',
    pkg: '@intercom/messenger-js-sdk',
    entry: `import Intercom from '@intercom/messenger-js-sdk'; Intercom({ app_id: 'a' });`,
    source: "loader only: the messenger itself then comes from Intercom's CDN (not measured)",
  },
];

const measure = (code: Buffer | string) => ({
  raw: Buffer.byteLength(code),
  gzip: gzipSync(code, { level: 9 }).length,
});

/** The peer bundled into one minified script (cached in bench/.peers by its entry). */
async function bundle(peer: ChatPeer, version: string): Promise<string> {
  mkdirSync(PEERS_DIR, { recursive: true });
  const id = `chat-${peer.pkg.replace(/\W+/g, '-')}-${version}`;
  const entry = join(PEERS_DIR, `${id}.entry.mjs`);
  const file = join(PEERS_DIR, `${id}.min.js`);
  if (existsSync(file) && existsSync(entry) && readFileSync(entry, 'utf8') === peer.entry)
    return readFileSync(file, 'utf8');
  writeFileSync(entry, peer.entry);
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.css': 'text', '.svg': 'dataurl', '.png': 'dataurl' },
    logLevel: 'silent',
  });
  const { code } = await minify(out.outputFiles[0].text, {
    compress: { passes: 3 },
    format: { comments: false },
  });
  writeFileSync(file, code ?? '');
  return code ?? '';
}

export async function chatWidgetSizes(): Promise<SizeRow[]> {
  const launcher = await launcherSize();
  const panel = measure(readFileSync(join(ROOT, 'dist/omnikit-widget.js')));
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  // The page has both by the time it is idle, so the sum is what compares with a peer's widget.
  const rows: SizeRow[] = [
    {
      label: 'Omnikit widget: launcher + panel',
      version,
      source: 'the launcher in omnikit.js, then dist/omnikit-widget.js when idle (or at the first open)',
      raw: launcher.rawAdded + panel.raw,
      gzip: launcher.added + panel.gzip,
    },
    {
      label: 'Omnikit: launcher only',
      version,
      source: 'what the widget adds to omnikit.js itself',
      raw: launcher.rawAdded,
      gzip: launcher.added,
      derived: true,
    },
  ];
  for (const peer of PEERS) {
    const peerVersion = installedVersion(peer.pkg);
    try {
      rows.push({
        label: peer.label,
        version: peerVersion,
        source: peer.source,
        ...measure(await bundle(peer, peerVersion)),
        // A loader is not the widget: no ratio to Omnikit's.
        derived: peer.label.includes('loader only'),
      });
    } catch (error) {
      rows.push({
        label: peer.label,
        version: peerVersion,
        source: `could not bundle: ${error}`,
        raw: 0,
        gzip: 0,
        derived: true,
      });
    }
  }
  return rows;
}

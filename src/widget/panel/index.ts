// A chunk (src/chunks/load.ts): the widget's panel, fetched by the launcher (src/widget/launcher.ts)
// when the browser is idle or at the first open. Preact, in the launcher's shadow root; only types
// come from the core, which lends the running client and sync engine.
import { h, render } from 'preact';
import { type Chat, type ChatMessage, createChat } from '../../chat/chat.ts';
import type { StoreCodeCreated } from '../../protocol/index.ts';
import type { PanelHost } from '../launcher.ts';
import { App, type Section } from './app.tsx';
import { WORDS } from './i18n.ts';
import { optionsOf, themeOf } from './options.ts';
import { chime } from './sound.ts';
import { BADGE_CSS, PANEL_CSS } from './styles.ts';
import { followViewport } from './viewport.ts';

const sheet = (css: string) => {
  const stylesheet = new CSSStyleSheet();
  stylesheet.replaceSync(css);
  return stylesheet;
};

/** Mounts the panel beside the launcher; `show(open?)` opens, closes or (without `open`) toggles it. */
export async function mountPanel({ root, button, sync, client, config, writeKey, emit }: PanelHost) {
  // The stored conversation first, so that it counts as history (without consent, none comes).
  await Promise.race([sync.ready(), new Promise((resolve) => setTimeout(resolve, 2000))]);
  const options = optionsOf(config);
  const words = WORDS[options.lang];
  const chat: Chat = createChat(sync, writeKey);
  root.adoptedStyleSheets = [
    ...root.adoptedStyleSheets,
    sheet(PANEL_CSS + BADGE_CSS),
    sheet(themeOf(options)),
    followViewport(),
  ];
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.ariaHidden = 'true';
  button.append(badge);
  const container = document.createElement('div');
  root.append(container);

  let open = false;
  let section: Section = 'chat';
  let merged = false;
  let unread = -1;
  // Messages known when the panel mounted are history: no `message` event, no sound for them.
  const seen = new Set(chat.messages().map((m) => m.id));
  const mountedAt = Date.now();
  const askStoreCode = () => sync._call<StoreCodeCreated>('store-codes', {});

  const draw = () => {
    const visible = open && section === 'chat' && document.visibilityState === 'visible';
    if (visible) chat.markRead();
    const count = chat.unread();
    if (count !== unread) {
      unread = count;
      badge.textContent = `${count}`;
      badge.hidden = !count;
      button.ariaLabel = count ? `${words.open}, ${words.unread(count)}` : words.open;
      emit('unread', count);
    }
    button.ariaExpanded = `${open}`;
    render(
      h(App, {
        options,
        chat,
        client,
        open,
        section,
        lines: client.cart.items(),
        merged,
        close: () => show(false),
        go: (next: Section) => {
          section = next;
          draw();
        },
        askStoreCode,
      }),
      container,
    );
  };
  const show = (next = !open) => {
    if (next === open) return;
    open = next;
    draw();
    emit('open', open);
    if (!open) button.focus();
  };

  chat.subscribe(() => {
    for (const message of chat.messages() as ChatMessage[]) {
      if (seen.has(message.id)) continue;
      seen.add(message.id);
      emit('message', message);
      if (message.from === 'agent' && options.sound && message.at > mountedAt - 60_000)
        chime(writeKey, message.at);
    }
    draw();
  });
  client.cart.subscribe(draw);
  client.orders.subscribe(draw);
  client.loyalty.subscribe(draw);
  client.on('cartMerged', () => {
    merged = true;
    draw();
  });
  document.addEventListener('visibilitychange', draw);
  draw();
  return { show };
}

import { useEffect, useRef, useState } from 'preact/hooks';
import type { CartLine } from '../../cart/line.ts';
import type { Chat } from '../../chat/chat.ts';
import type { Omnikit } from '../../types.ts';
import { CartView } from './cart-view.tsx';
import { ChatView } from './chat-view.tsx';
import { trapFocus } from './focus.ts';
import { isOpen } from './hours.ts';
import { words } from './i18n.ts';
import type { Options } from './options.ts';
import { PhoneView } from './phone-view.tsx';

export type Section = 'chat' | 'cart' | 'phone';

export interface AppProps {
  o: Options;
  chat: Chat;
  client: Omnikit;
  open: boolean;
  section: Section;
  lines: CartLine[];
  merged: boolean;
  close: () => void;
  go: (section: Section) => void;
}

/** The panel: a modal dialog (focus kept inside, Escape closes) with chat, cart and phone sections. */
export function App(p: AppProps) {
  const { o, open } = p;
  const w = words[o.lang];
  const dialog = useRef<HTMLDivElement>(null);
  const [, tick] = useState(0);
  // Opening hours are checked again every minute while the panel is open.
  useEffect(() => {
    if (!open) return;
    const timer = setInterval(() => tick((n) => n + 1), 60_000);
    const d = dialog.current;
    (d?.querySelector('textarea') ?? d?.querySelector('button'))?.focus();
    return () => clearInterval(timer);
  }, [open]);
  const sections: Section[] = [
    'chat',
    ...(o.cart ? ['cart' as const] : []),
    ...(o.handoff ? ['phone' as const] : []),
  ];
  return (
    <div
      class="panel"
      ref={dialog}
      role="dialog"
      aria-modal="true"
      aria-labelledby="omnikit-title"
      lang={o.lang}
      hidden={!open}
      onKeyDown={(e) => {
        if (e.key === 'Escape') p.close();
        else trapFocus(e, dialog.current!);
      }}
    >
      <header>
        <h2 id="omnikit-title">{o.title ?? w.title}</h2>
        <button type="button" aria-label={w.close} onClick={p.close}>
          ×
        </button>
      </header>
      {sections.length > 1 && (
        <nav aria-label={w.tabs}>
          {sections.map((s) => (
            <button key={s} type="button" aria-pressed={p.section === s} onClick={() => p.go(s)}>
              {w[s === 'phone' ? 'phoneTab' : s]}
            </button>
          ))}
        </nav>
      )}
      {p.section === 'chat' && <ChatView chat={p.chat} o={o} w={w} away={!isOpen(o.hours)} />}
      {p.section === 'cart' && (
        <CartView client={p.client} lines={p.lines} merged={p.merged} w={w} lang={o.lang} />
      )}
      {p.section === 'phone' && <PhoneView client={p.client} w={w} />}
    </div>
  );
}

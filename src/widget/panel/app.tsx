import { useEffect, useRef, useState } from 'preact/hooks';
import type { CartLine } from '../../cart/line.ts';
import type { Chat } from '../../chat/chat.ts';
import type { Omnikit } from '../../types.ts';
import { CartView } from './cart-view.tsx';
import { ChatView } from './chat-view.tsx';
import { trapFocus } from './focus.ts';
import { isOpen } from './hours.ts';
import { WORDS } from './i18n.ts';
import type { Options } from './options.ts';
import { OrdersView } from './orders-view.tsx';
import { PhoneView } from './phone-view.tsx';
import type { AskStoreCode } from './store-code-view.tsx';

export type Section = 'chat' | 'cart' | 'orders' | 'phone';

export interface AppProps {
  options: Options;
  chat: Chat;
  client: Omnikit;
  open: boolean;
  section: Section;
  lines: CartLine[];
  merged: boolean;
  close: () => void;
  go: (section: Section) => void;
  askStoreCode: AskStoreCode;
}

/** The panel: a modal dialog (focus kept inside, Escape closes) with chat, cart and phone sections. */
export function App(props: AppProps) {
  const { options, open } = props;
  const words = WORDS[options.lang];
  const dialog = useRef<HTMLDivElement>(null);
  const [, tick] = useState(0);
  // Opening hours are checked again every minute while the panel is open.
  useEffect(() => {
    if (!open) return;
    const timer = setInterval(() => tick((n) => n + 1), 60_000);
    const panel = dialog.current;
    (panel?.querySelector('textarea') ?? panel?.querySelector('button'))?.focus();
    return () => clearInterval(timer);
  }, [open]);
  const sections: Section[] = [
    'chat',
    ...(options.cart ? ['cart' as const] : []),
    // A signed-in customer's, once the shop's systems wrote an order or a balance.
    ...(props.client.orders.list().length || props.client.loyalty.get() ? ['orders' as const] : []),
    ...(options.handoff ? ['phone' as const] : []),
  ];
  return (
    <div
      class="panel"
      ref={dialog}
      role="dialog"
      aria-modal="true"
      aria-labelledby="omnikit-title"
      lang={options.lang}
      hidden={!open}
      onKeyDown={(event) => {
        if (event.key === 'Escape') props.close();
        else trapFocus(event, dialog.current!);
      }}
    >
      <header>
        <h2 id="omnikit-title">{options.title ?? words.title}</h2>
        <button type="button" aria-label={words.close} onClick={props.close}>
          ×
        </button>
      </header>
      {sections.length > 1 && (
        <nav aria-label={words.tabs}>
          {sections.map((name) => (
            <button
              key={name}
              type="button"
              aria-pressed={props.section === name}
              onClick={() => props.go(name)}
            >
              {words[name === 'phone' ? 'phoneTab' : name]}
            </button>
          ))}
        </nav>
      )}
      {props.section === 'chat' && (
        <ChatView chat={props.chat} options={options} words={words} away={!isOpen(options.hours)} />
      )}
      {props.section === 'cart' && (
        <CartView
          client={props.client}
          lines={props.lines}
          merged={props.merged}
          words={words}
          lang={options.lang}
          askStoreCode={options.inStore ? props.askStoreCode : undefined}
        />
      )}
      {props.section === 'orders' && <OrdersView client={props.client} words={words} lang={options.lang} />}
      {props.section === 'phone' && <PhoneView client={props.client} words={words} />}
    </div>
  );
}

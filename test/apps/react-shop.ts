// A small React shop for the bindings' tests: the cart, the chat's unread count, consent and a form
// draft, each through a hook of omnikit/react, rendered from what the hooks give. Bundled twice (React
// 18 and 19, test/browser/commands/apps.ts), mounted into a new #app with the page's client.
import { OmnikitProvider, useCart, useChat, useConsent, useFormDraft } from 'omnikit/react';
import { createElement as h, useRef, version } from 'react';
import { createRoot } from 'react-dom/client';
import type { Omnikit } from '../../src/types.ts';
import { SHOP_TEE, showTotal } from './shop.ts';

function Cart() {
  const { lines, total, add, clear } = useCart();
  return h(
    'section',
    null,
    h(
      'ul',
      { id: 'lines' },
      lines.map((line) => h('li', { key: line.id }, `${line.name} × ${line.quantity}`)),
    ),
    h('p', { id: 'total' }, showTotal(total)),
    h('button', { id: 'add', type: 'button', onClick: () => add(SHOP_TEE) }, 'Add a tee'),
    h('button', { id: 'clear', type: 'button', onClick: clear }, 'Empty the cart'),
  );
}

function Help() {
  const { unread, open, toggle } = useChat();
  return h(
    'button',
    { id: 'help', type: 'button', 'aria-pressed': open, onClick: toggle },
    `Help (${unread})`,
  );
}

function Consent() {
  const { state, preferences, grant, deny } = useConsent();
  return h(
    'p',
    null,
    h('span', { id: 'consent' }, `${state}, marketing ${preferences.marketing ? 'on' : 'off'}`),
    h('button', { id: 'accept', type: 'button', onClick: grant }, 'Accept'),
    h('button', { id: 'refuse', type: 'button', onClick: deny }, 'Refuse'),
  );
}

function Shipping() {
  const form = useRef<HTMLFormElement>(null);
  useFormDraft(form, { id: 'shipping' });
  return h('form', { id: 'shipping', ref: form }, h('input', { name: 'street', 'aria-label': 'Street' }));
}

const page = window as unknown as { omnikit: Omnikit; __omnikitReady: Promise<unknown>; __framework: string };
void page.__omnikitReady.then(() => {
  const app = document.body.appendChild(Object.assign(document.createElement('div'), { id: 'app' }));
  createRoot(app).render(
    h(OmnikitProvider, { client: page.omnikit }, h(Cart), h(Help), h(Consent), h(Shipping)),
  );
  page.__framework = `react ${version}`;
});

// Server-side rendering with the bindings: a React or Vue app rendered in Node with the client
// (inert outside a browser) renders what an empty cart, a pending choice and no unread messages look
// like, without throwing; the browser then takes over (test/browser/bindings.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement as h } from 'react';
import { renderToString as renderReact } from 'react-dom/server';
import { createSSRApp, defineComponent, h as vh } from 'vue';
import { renderToString as renderVue } from 'vue/server-renderer';
import { createOmnikit } from '../../src/index.ts';
import * as react from '../../src/react/index.ts';
import * as vue from '../../src/vue/index.ts';

const client = () =>
  createOmnikit({ writeKey: 'k', endpoint: 'http://127.0.0.1:9', widget: true, consent: 'pending' });

test('React: the hooks render on the server, from the inert client', () => {
  function Shop() {
    const { lines, total } = react.useCart();
    const { unread } = react.useChat();
    const { state } = react.useConsent();
    return h('p', null, `${lines.length} lines, ${total.quantity} items, ${unread} unread, ${state}`);
  }
  const html = renderReact(h(react.OmnikitProvider, { client: client() }, h(Shop)));
  assert.equal(html, '<p>0 lines, 0 items, 0 unread, pending</p>');
});

test('Vue: the composables render on the server, from the inert client', async () => {
  /** The shop's setup: composables run in it, as in any component's. */
  function useShop() {
    const { lines, total } = vue.useCart();
    const { unread } = vue.useChat();
    const { state } = vue.useConsent();
    return () =>
      vh(
        'p',
        `${lines.value.length} lines, ${total.value.quantity} items, ${unread.value} unread, ${state.value}`,
      );
  }
  const app = createSSRApp(defineComponent({ setup: useShop })).use(vue.omnikitPlugin(client()));
  assert.equal(await renderVue(app), '<p>0 lines, 0 items, 0 unread, pending</p>');
});

test('a component without a client given says so', () => {
  const Lost = () => h('p', null, react.useCart().lines.length);
  assert.throws(() => renderReact(h(Lost)), /no <OmnikitProvider client=\{…\}> above this component/);
});

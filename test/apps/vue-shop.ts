// A small Vue shop for the bindings' tests: the cart, the chat's unread count, consent and a form
// draft, each through a composable of omnikit/vue, rendered from what they give (render functions:
// no template compiler). Mounted into a new #app with the page's client.
import { omnikitPlugin, useCart, useChat, useConsent, useFormDraft } from 'omnikit/vue';
import { createApp, defineComponent, h, ref, version } from 'vue';
import type { Omnikit } from '../../src/types.ts';
import { SHOP_TEE, showTotal } from './shop.ts';

/** The shop's setup: composables run in it, as in any component's. */
function useShop() {
  const { lines, total, add, clear } = useCart();
  const { unread, open, toggle } = useChat();
  const consent = useConsent();
  const form = ref<HTMLFormElement | null>(null);
  useFormDraft(form, { id: 'shipping' });
  return () =>
    h('main', [
      h(
        'ul',
        { id: 'lines' },
        lines.value.map((line) => h('li', { key: line.id }, `${line.name} × ${line.quantity}`)),
      ),
      h('p', { id: 'total' }, showTotal(total.value)),
      h('button', { id: 'add', type: 'button', onClick: () => add(SHOP_TEE) }, 'Add a tee'),
      h('button', { id: 'clear', type: 'button', onClick: clear }, 'Empty the cart'),
      h(
        'button',
        { id: 'help', type: 'button', 'aria-pressed': open.value, onClick: toggle },
        `Help (${unread.value})`,
      ),
      h('p', [
        h(
          'span',
          { id: 'consent' },
          `${consent.state.value}, marketing ${consent.preferences.value.marketing ? 'on' : 'off'}`,
        ),
        h('button', { id: 'accept', type: 'button', onClick: consent.grant }, 'Accept'),
        h('button', { id: 'refuse', type: 'button', onClick: consent.deny }, 'Refuse'),
      ]),
      h('form', { id: 'shipping', ref: form }, [h('input', { name: 'street', 'aria-label': 'Street' })]),
    ]);
}

const Shop = defineComponent({ setup: useShop });

const page = window as unknown as { omnikit: Omnikit; __omnikitReady: Promise<unknown>; __framework: string };
void page.__omnikitReady.then(() => {
  const app = document.body.appendChild(Object.assign(document.createElement('div'), { id: 'app' }));
  createApp(Shop).use(omnikitPlugin(page.omnikit)).mount(app);
  page.__framework = `vue ${version}`;
});

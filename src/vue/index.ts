// omnikit/vue: the client in Vue 3 components, as composables. Only Vue and the SDK's types are
// imported: this adds nothing to the SDK's bundles, and the page creates its one client with
// createOmnikit() as usual.
import {
  type App,
  type ComputedRef,
  computed,
  type InjectionKey,
  inject,
  onMounted,
  onScopeDispose,
  provide,
  type Ref,
  type ShallowRef,
  shallowRef,
} from 'vue';
import {
  type CartState,
  type ChatState,
  type ConsentState,
  type Store,
  storeOf,
} from '../bindings/stores.ts';
import type { CartLine, ProductInput } from '../cart/line.ts';
import type { CategoryPreferences } from '../consent/types.ts';
import type { FormHandle, WatchOptions } from '../forms/types.ts';
import type { Omnikit } from '../types.ts';

export type { CartState, ChatState, ConsentState } from '../bindings/stores.ts';

const CLIENT: InjectionKey<Omnikit> = Symbol('omnikit');

/** The plugin that gives `client` (from createOmnikit) to every component: `app.use(omnikitPlugin(client))`. */
export const omnikitPlugin = (client: Omnikit) => ({
  install(app: App) {
    app.provide(CLIENT, client);
  },
});

/** Gives `client` to the composables of this component's descendants (in a `setup`). */
export const provideOmnikit = (client: Omnikit): void => provide(CLIENT, client);

/** The client given by omnikitPlugin or provideOmnikit (none is a mistake in the page: it throws). */
export function useOmnikit(): Omnikit {
  const client = inject(CLIENT, null);
  if (!client) throw new Error('omnikit/vue: no client given: app.use(omnikitPlugin(client)) first');
  return client;
}

/** A store as a ref, followed until the component's scope ends. */
function useStore<T>(store: Store<T>): Readonly<ShallowRef<T>> {
  const value = shallowRef(store.get());
  onScopeDispose(store.subscribe(() => (value.value = store.get())));
  return value;
}

/** The cart's lines and total, live (this device's changes and the customer's other devices'), and its calls. */
export function useCart(): {
  lines: ComputedRef<CartLine[]>;
  total: ComputedRef<CartState['total']>;
  add(product: ProductInput): string | undefined;
  update(lineId: string, quantity: number): void;
  remove(lineId: string): void;
  clear(): void;
} {
  const client = useOmnikit();
  const state = useStore(storeOf(client, 'cart'));
  const { cart } = client;
  return {
    lines: computed(() => state.value.lines),
    total: computed(() => state.value.total),
    add: cart.add,
    update: cart.update,
    remove: cart.remove,
    clear: cart.clear,
  };
}

/** The chat widget's unread count and whether its panel is open, and the calls that open or close it. */
export function useChat(): {
  unread: ComputedRef<number>;
  open: ComputedRef<boolean>;
  show(): void;
  hide(): void;
  toggle(): void;
} {
  const client = useOmnikit();
  const state: Readonly<ShallowRef<ChatState>> = useStore(storeOf(client, 'chat'));
  const { widget } = client;
  return {
    unread: computed(() => state.value.unread),
    open: computed(() => state.value.open),
    show: widget.open,
    hide: widget.close,
    toggle: widget.toggle,
  };
}

/** The customer's consent, live (a choice made in another tab or device too), and the calls that change it. */
export function useConsent(): {
  state: ComputedRef<ConsentState['state']>;
  preferences: ComputedRef<CategoryPreferences>;
  set(choice: CategoryPreferences): void;
  grant(): void;
  deny(): void;
} {
  const client = useOmnikit();
  const consent = useStore(storeOf(client, 'consent'));
  return {
    state: computed(() => consent.value.state),
    preferences: computed(() => consent.value.preferences),
    set: client.consent.set,
    grant: client.consent.grant,
    deny: client.consent.deny,
  };
}

/**
 * Keeps a draft of the form `form` refers to (`<form ref="form">`) from the component's mount on:
 * restored on the customer's next visit and other devices. Answers the form's handle; its calls do
 * nothing until the form is watched.
 */
export function useFormDraft(
  form: Ref<HTMLFormElement | null | undefined>,
  options?: WatchOptions,
): FormHandle {
  const client = useOmnikit();
  let watched: FormHandle | undefined;
  onMounted(() => {
    if (form.value) watched = client.forms.watch(form.value, options);
  });
  return {
    restore: async () => watched?.restore(),
    complete: () => watched?.complete(),
    discard: () => watched?.discard(),
  };
}

// omnikit/react: the client in React components, through hooks on useSyncExternalStore (React 18+).
// Only React and the SDK's types are imported: this adds nothing to the SDK's bundles, and the page
// creates its one client with createOmnikit() as usual.
import {
  createContext,
  createElement,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
} from 'react';
import {
  type CartState,
  type ChatState,
  type ConsentState,
  type Store,
  storeOf,
} from '../bindings/stores.ts';
import type { ProductInput } from '../cart/line.ts';
import type { CategoryPreferences } from '../consent/types.ts';
import type { FormHandle, WatchOptions } from '../forms/types.ts';
import type { Omnikit } from '../types.ts';

export type { CartState, ChatState, ConsentState } from '../bindings/stores.ts';

const OmnikitContext = createContext<Omnikit | null>(null);

/** Gives `client` (from createOmnikit) to the hooks of every component below it. */
export function OmnikitProvider({ client, children }: { client: Omnikit; children?: ReactNode }) {
  return createElement(OmnikitContext.Provider, { value: client }, children);
}

/** The client of the nearest OmnikitProvider (a missing provider is a mistake in the page: it throws). */
export function useOmnikit(): Omnikit {
  const client = useContext(OmnikitContext);
  if (!client) throw new Error('omnikit/react: no <OmnikitProvider client={…}> above this component');
  return client;
}

const useStore = <T>(store: Store<T>): T => useSyncExternalStore(store.subscribe, store.get, store.get);

/** The cart's lines and total, live (this device's changes and the customer's other devices'), and its calls. */
export function useCart(): CartState & {
  add(product: ProductInput): string | undefined;
  update(lineId: string, quantity: number): void;
  remove(lineId: string): void;
  clear(): void;
} {
  const client = useOmnikit();
  const state = useStore(storeOf(client, 'cart'));
  const { cart } = client;
  return { ...state, add: cart.add, update: cart.update, remove: cart.remove, clear: cart.clear };
}

/** The chat widget's unread count and whether its panel is open, and the calls that open or close it. */
export function useChat(): ChatState & { show(): void; hide(): void; toggle(): void } {
  const client = useOmnikit();
  const state = useStore(storeOf(client, 'chat'));
  const { widget } = client;
  return { ...state, show: widget.open, hide: widget.close, toggle: widget.toggle };
}

/** The customer's consent, live (a choice made in another tab or device too), and the calls that change it. */
export function useConsent(): ConsentState & {
  set(choice: CategoryPreferences): void;
  grant(): void;
  deny(): void;
} {
  const client = useOmnikit();
  const state = useStore(storeOf(client, 'consent'));
  const { consent } = client;
  return { ...state, set: consent.set, grant: consent.grant, deny: consent.deny };
}

/**
 * Keeps a draft of the form `form` points at (`<form ref={form}>`) from its first render on:
 * restored on the customer's next visit and other devices. Answers the form's handle; its calls do
 * nothing until the form is watched.
 */
export function useFormDraft(form: { current: HTMLFormElement | null }, options?: WatchOptions): FormHandle {
  const client = useOmnikit();
  const watched = useRef<FormHandle | undefined>(undefined);
  const latest = useRef(options);
  latest.current = options;
  useEffect(() => {
    if (form.current) watched.current = client.forms.watch(form.current, latest.current);
  }, [client, form]);
  return useMemo(
    () => ({
      restore: async () => watched.current?.restore(),
      complete: () => watched.current?.complete(),
      discard: () => watched.current?.discard(),
    }),
    [],
  );
}

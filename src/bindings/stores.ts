// What the React and Vue bindings read from a client: one store per value, which keeps the same
// snapshot object until the client says it changed (what useSyncExternalStore needs, and what keeps
// a Vue ref from firing for nothing). Types only come from the SDK: the bindings carry no SDK code.
import type { CartLine } from '../cart/line.ts';
import type { CategoryPreferences, Consent } from '../consent/types.ts';
import type { Omnikit } from '../types.ts';

/** A value that changes, and a way to hear when it does. */
export interface Store<T> {
  /** Calls `changed` after each change; answers the function that stops. */
  subscribe(changed: () => void): () => void;
  /** The value now: the same object until the next change. */
  get(): T;
}

/** The cart's lines and their total. */
export interface CartState {
  lines: CartLine[];
  total: { quantity: number; amount: number; currency?: string };
}

/** The customer's consent: `pending`, `granted` or `denied`, and each category. */
export interface ConsentState {
  state: Consent['state'];
  preferences: CategoryPreferences;
}

/** The conversation as the page's own buttons need it: agent replies not read yet, and whether the panel is open. */
export interface ChatState {
  unread: number;
  open: boolean;
}

/**
 * A store over `listen` (how the client tells a change) and `read` (the value now). It listens from
 * its creation on, for the client's lifetime: so a snapshot read before any component subscribed is
 * still dropped at the next change.
 */
function createStore<T>(listen: (changed: () => void) => unknown, read: () => T): Store<T> {
  const listeners = new Set<() => void>();
  let snapshot: { value: T } | undefined;
  listen(() => {
    snapshot = undefined;
    for (const listener of listeners) listener();
  });
  return {
    subscribe(changed) {
      listeners.add(changed);
      return () => listeners.delete(changed);
    },
    get() {
      snapshot ??= { value: read() };
      return snapshot.value;
    },
  };
}

/** The stores of one client. */
export interface Stores {
  cart: Store<CartState>;
  consent: Store<ConsentState>;
  chat: Store<ChatState>;
}

const made = new WeakMap<Omnikit, Partial<Stores>>();

/**
 * The store `name` of `client`, made at its first use (the cart's starts the cart, as any use of
 * `client.cart` does) and shared by every component after.
 */
export function storeOf<K extends keyof Stores>(client: Omnikit, name: K): Stores[K] {
  const stores = made.get(client) ?? {};
  made.set(client, stores);
  stores[name] ??= MAKERS[name](client) as never;
  return stores[name] as Stores[K];
}

const MAKERS: { [K in keyof Stores]: (client: Omnikit) => Stores[K] } = {
  cart: ({ cart }) => createStore(cart.subscribe, () => ({ lines: cart.items(), total: cart.total() })),
  consent: (client) =>
    createStore(
      (changed) => client.on('consent', changed),
      () => ({ state: client.consent.state, preferences: client.consent.get() }),
    ),
  chat: ({ widget }) => {
    let unread = 0;
    let open = false;
    return createStore(
      (changed) => {
        widget.on('unread', (count) => {
          unread = count;
          changed();
        });
        widget.on('open', (opened) => {
          open = opened;
          changed();
        });
      },
      () => ({ unread, open }),
    );
  },
};

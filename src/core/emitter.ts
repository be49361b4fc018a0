/** A tiny typed event emitter; a throwing listener never breaks the others or the caller. */
export function createEmitter<Events extends object>() {
  const listeners: { [K in keyof Events]?: Set<(value: Events[K]) => void> } = {};
  return {
    on<K extends keyof Events>(type: K, listener: (value: Events[K]) => void): () => void {
      const set = listeners[type] ?? new Set<(value: Events[K]) => void>();
      listeners[type] = set.add(listener);
      return () => set.delete(listener);
    },
    emit<K extends keyof Events>(type: K, value: Events[K]): void {
      for (const listener of listeners[type] ?? []) {
        try {
          listener(value);
        } catch {
          // A host page's listener failing is its own business.
        }
      }
    },
  };
}

export type Emitter<Events extends object> = ReturnType<typeof createEmitter<Events>>;

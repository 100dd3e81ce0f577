// The event listener fan-out both bridges share (the preload's over IPC, the
// page's over HTTP): a set of listeners per event name, subscribe answering
// its own unsubscribe, and delivery that one failing listener cannot stop.
// Pure: no Electron, no DOM; checking names and listeners stays with each bridge.

export type AnyListener = (payload: unknown) => void;

export function createListeners<Name extends string>() {
  const listeners = new Map<Name, Set<AnyListener>>();

  return {
    /** Adds the listener for `name`; answers the function that removes it again. */
    add(name: Name, listener: AnyListener): () => void {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },

    /** Calls every listener of `name` with the payload; a throwing one is logged and the rest still run. */
    emit(name: Name, payload: unknown): void {
      for (const listener of listeners.get(name) ?? []) {
        try {
          listener(payload);
        } catch (error) {
          // One failing subscriber must not keep the event from the others.
          console.error(`outpost: a listener of ${name} failed`, error);
        }
      }
    },

    /** Whether no listener of any event is left. */
    isEmpty(): boolean {
      return [...listeners.values()].every((set) => set.size === 0);
    },
  };
}

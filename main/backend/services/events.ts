// The backend's event hub: services announce what they changed after their
// transaction committed; the hosts forward events to the renderer.
import type { EventName, EventPayload } from '../../../common/ipc/contract.js';
import type { BackendListener } from '../types.js';

export type DataScope = EventPayload<'data.changed'>['scopes'][number];

/** Above this many ids the event just says "users changed": the renderer refetches what it shows. */
const MAX_EVENT_USER_IDS = 1000;

export interface BackendEvents {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  on(listener: BackendListener): () => void;
  /** Announces 'data.changed'. */
  changed(scopes: DataScope[], userIds?: readonly number[]): void;
}

export function createEvents(onListenerError: (err: unknown) => void = (err) => console.error('[outpost] event listener failed:', err)): BackendEvents {
  const listeners = new Set<BackendListener>();
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event, payload);
      } catch (err) {
        // A listener's bug must not undo or hide a write that already committed.
        onListenerError(err);
      }
    }
  };
  return {
    emit,
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    changed(scopes, userIds) {
      const payload: EventPayload<'data.changed'> = { scopes: [...new Set(scopes)] };
      if (userIds && userIds.length > 0 && userIds.length <= MAX_EVENT_USER_IDS) payload.userIds = [...userIds];
      emit('data.changed', payload);
    },
  };
}

// "A demo panel where no real one is configured": what `npm start` (and
// `npm run serve -- --demo`) does at start, through the backend's own methods.
import type { Backend } from '../types.js';

/** Starts and connects the demo panel unless a panel (real or demo) exists; answers what it did. */
export async function connectDemoWhereNoPanel(backend: Backend): Promise<string | null> {
  const panels = await backend.dispatch('panels.list', {});
  if (panels.ok && Array.isArray(panels.value) && panels.value.length > 0) return null;
  const started = await backend.dispatch('panels.startDemo', {});
  return started.ok ? 'Connected the demo panel.' : `Could not start the demo panel: ${started.error.message}`;
}

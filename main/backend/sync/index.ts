// The sync engine's public face: the SyncFactory the backend uses by default,
// and the configurable one that tests and the benchmark use.
export { createSyncEngine, syncEngine } from './engine.js';
export { DEFAULT_SYNC_OPTIONS, type SyncEngineOptions } from './options.js';

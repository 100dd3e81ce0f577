import { createBackend } from '../main/backend/backend.js';
import { createOfflineSyncController, type SyncDeps } from '../main/backend/sync-controller.js';
import fs from 'node:fs';
const dataDir = '/tmp/scratch-bench';
fs.rmSync(dataDir, { recursive: true, force: true });
let deps: SyncDeps | undefined;
const backend = createBackend({ dataDir, mode: 'browser', version: 'b', actor: 'b', sync: (d) => ((deps = d), createOfflineSyncController(d)) });
const { db, services } = deps!;
const N = Number(process.argv[2] ?? 5000);
const t0 = performance.now();
db.transaction(() => {
  const panel = services.panels.add({ baseUrl: 'https://panel.bench.example', username: 'admin', password: 'bench-admin-password' });
  const d = services.domains.add({ name: 'big.example', panelId: panel.id });
  for (let i = 0; i < N; i++) services.users.add({ domainId: d.id, type: 'user', login: `user${i}`, password: 'bench-password' });
})();
console.log('per user µs', ((performance.now() - t0) * 1000) / N);
await backend.close();

// The store at the sizes that matter: 5,000 domains and 100,000 users.
// Seeds through the services (one outer transaction, so each add is a
// savepoint rather than a commit), then marks everything as confirmed by the
// panel — revision 1, remote = settings, empty outbox — which is the state a
// first full sync leaves. Then times, through dispatch as the UI calls it:
// search over all users, opening a domain of 1,000 users, and saving an edit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOfflineSyncController } from '../main/backend/sync-controller.js';
import type { UserType } from '../common/model.js';
import { openBenchBackend, timed, timedAsync } from './helpers.js';

const DOMAINS = 5_000;
const USERS = 100_000;
const BIG_DOMAIN_USERS = 1_000;
const SEARCHES = 300;
const EDITS = 200;
const WINDOW = 100;

/** Deterministic, so that two runs time the same work. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'acme blue cedar delta ember fjord garnet harbor iris jade kestrel lumen maple nimbus onyx pine quartz raven sierra tundra umber vale willow xenon yarrow zephyr'.split(' ');
const FIRST = 'alice bob carol dave erin frank grace heidi ivan judy mallory nina oscar peggy quinn rupert sybil trent ursula victor wendy xavier yolanda zoe'.split(' ');
const TLDS = ['com', 'net', 'org', 'io', 'example', 'co.uk', 'de', 'nl'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
const round = (ms: number) => Math.round(ms * 100) / 100;
function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { medianMs: round(percentile(s, 50)), p95Ms: round(percentile(s, 95)), maxMs: round(s.at(-1) ?? NaN), n: s.length };
}

export async function run(): Promise<Record<string, unknown>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-'));
  // The sync seam hands over the services, so seeding goes through them, not around them.
  const { backend, deps } = openBenchBackend(dataDir, createOfflineSyncController);
  const { db, services } = deps;
  const random = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

  const displays: string[] = [];
  const userIds: number[] = [];
  let bigDomainId = 0;
  const [, seedMs] = timed(() =>
    db.transaction(() => {
      const panel = services.panels.add({ baseUrl: 'https://panel.bench.example', username: 'admin', password: 'bench-admin-password' });
      let made = 0;
      for (let d = 0; d < DOMAINS; d++) {
        const name = `${pick(WORDS)}-${pick(WORDS)}${d}.${pick(TLDS)}`;
        const domain = services.domains.add({ name, panelId: panel.id });
        if (d === 0) bigDomainId = domain.id;
        const remainingDomains = DOMAINS - d;
        const count = d === 0 ? BIG_DOMAIN_USERS : Math.round((USERS - made) / remainingDomains);
        for (let i = 0; i < count; i++, made++) {
          const type: UserType = i === 0 && d % 10 === 0 ? 'domain' : i % 12 === 11 ? 'ip' : 'user';
          const login = type === 'domain' ? '' : type === 'ip' ? `10.${d % 250}.${Math.floor(i / 250)}.${i % 250}/32` : `${pick(FIRST)}.${pick(WORDS)}${i}`;
          const u = services.users.add({
            domainId: domain.id,
            type,
            login,
            ...(type === 'ip' ? {} : { password: 'bench-password' }),
            ...(i % 7 === 0 ? { settings: { limit_per_hour: 100 + i } } : {}),
          });
          userIds.push(u.id);
          if (displays.length < 5000 || random() < 0.05) displays.push(type === 'user' ? `${login}@${name}` : name);
        }
      }
      // As a first full sync leaves it: the panel has confirmed every row.
      db.exec(`UPDATE users SET revision = 1, remote = settings; DELETE FROM outbox;`);
    })(),
  );
  // As the sync engine does after a big pull, so that the first search does not pay for it.
  const [, indexMs] = timed(() => services.users.flushSearchIndex());
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');

  // Search: what people type — parts of logins and domains, 1 to 12 characters, and misses.
  const queries: string[] = [];
  for (let i = 0; i < SEARCHES; i++) {
    const r = random();
    const text = pick(displays);
    if (r < 0.1) queries.push(`zz${Math.floor(random() * 1e6)}q`);
    else if (r < 0.2) queries.push(text.slice(0, 1 + Math.floor(random() * 2)));
    else {
      const start = Math.floor(random() * Math.max(1, text.length - 3));
      queries.push(text.slice(start, start + 3 + Math.floor(random() * 10)));
    }
  }
  const searchSamples: number[] = [];
  const shortSamples: number[] = [];
  for (const query of queries) {
    const [r, ms] = await timedAsync(() => backend.dispatch('users.list', { query, limit: WINDOW }));
    if (!r.ok) throw new Error(`search failed: ${JSON.stringify(r.error)}`);
    searchSamples.push(ms);
    if (query.length < 3) shortSamples.push(ms);
  }

  const openSamples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const [r, ms] = await timedAsync(() => backend.dispatch('users.list', { domainId: bigDomainId, limit: WINDOW }));
    if (!r.ok || (r.value as { total: number }).total !== BIG_DOMAIN_USERS) throw new Error(`open domain failed: ${JSON.stringify(r)}`);
    openSamples.push(ms);
  }

  const editSamples: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const id = pick(userIds);
    const [r, ms] = await timedAsync(() => backend.dispatch('users.updateSettings', { id, changes: { lock_timeout: 1 + (i % 600), max_retry_days: 1 + (i % 30) } }));
    if (!r.ok) throw new Error(`edit failed: ${JSON.stringify(r.error)}`);
    editSamples.push(ms);
  }

  const [, allWindowMs] = await timedAsync(() => backend.dispatch('users.list', { offset: 50_000, limit: WINDOW }));
  const [, domainsMs] = await timedAsync(() => backend.dispatch('domains.list', { query: 'ac', limit: WINDOW }));
  const bulkIds = userIds.slice(0, 1000);
  const [, bulk1000Ms] = await timedAsync(() => backend.dispatch('users.bulkUpdate', { ids: bulkIds, changes: { quarantine_response: 'accept' } }));

  const dbBytes = fs.statSync(path.join(dataDir, 'outpost.sqlite')).size;
  await backend.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  const search = stats(searchSamples);
  const save = stats(editSamples);
  const open = stats(openSamples);
  return {
    domains: DOMAINS,
    users: USERS,
    seedMs: Math.round(seedMs + indexMs),
    searchIndexMs: Math.round(indexMs),
    search,
    searchShortQueries: stats(shortSamples),
    openDomain1000Ms: open.medianMs,
    openDomain1000FirstMs: round(openSamples[0]!),
    saveEditMs: save.medianMs,
    saveEditP95Ms: save.p95Ms,
    windowAtOffset50000Ms: round(allWindowMs),
    domainsSearchMs: round(domainsMs),
    bulkUpdate1000Ms: round(bulk1000Ms),
    dbMb: Math.round(dbBytes / 1e5) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    targets: { searchP95Ms: 50, openMs: 100, saveMs: 20, rssMb: 300 },
    met: search.p95Ms < 50 && open.medianMs < 100 && save.medianMs < 20 && process.resourceUsage().maxRSS / 1024 < 300,
  };
}

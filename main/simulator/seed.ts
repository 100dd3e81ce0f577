// A deterministic panel: D domains of U outgoing users each, with realistic
// names, a mix of the three types, mostly default settings with some tuned,
// and a few users locked. The same (domains, users, seed) always give the same
// panel — same names, settings, revisions and times — so demos and benchmarks
// are repeatable. (Cursors still differ: they are signed per state.)
import { createHash } from 'node:crypto';
import type { LockState } from '../../common/model.js';
import type { PanelUser } from '../../common/panel-api.js';
import { DEFAULT_SETTINGS, SETTINGS, crossFieldIssues, type Settings } from '../../common/settings.js';
import { PanelState, isoSeconds, type PanelStateOptions } from './state.js';

export type SeedOptions = { domains: number; users: number; seed?: number };
export const DEFAULT_SEED = 20261201;

/** mulberry32: small, fast, good enough to pick names. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['blue', 'north', 'silver', 'green', 'red', 'oak', 'river', 'stone', 'bright', 'swift', 'clear', 'iron', 'maple', 'cedar', 'harbor', 'summit', 'coastal', 'prairie', 'golden', 'quiet', 'rapid', 'lunar', 'solar', 'alpine', 'amber', 'copper', 'crystal', 'eagle', 'falcon', 'fox', 'hill', 'lake', 'meadow', 'pine', 'sun', 'tide', 'valley', 'willow', 'zenith', 'delta'];
const SECOND = ['logistics', 'labs', 'media', 'dental', 'legal', 'bakery', 'consulting', 'studio', 'systems', 'foods', 'travel', 'energy', 'health', 'finance', 'design', 'motors', 'garden', 'books', 'coffee', 'fitness', 'realty', 'insurance', 'software', 'analytics', 'pharma', 'textiles', 'outdoor', 'events', 'print', 'clinic'];
const TLDS = ['com', 'com', 'com', 'net', 'org', 'io', 'nl', 'de', 'co.uk', 'eu', 'be', 'fr'];
const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'nina', 'oscar', 'peggy', 'quinn', 'rupert', 'sybil', 'trent', 'uma', 'victor', 'wendy', 'xavier', 'yara', 'zoe'];
const SURNAMES = ['smith', 'jansen', 'de-vries', 'mueller', 'garcia', 'rossi', 'dubois', 'novak', 'kowalski', 'berg', 'kim', 'tanaka', 'okafor', 'silva'];
const ROLES = ['info', 'sales', 'billing', 'support', 'newsletter', 'noreply', 'office', 'admin', 'hr', 'marketing', 'orders', 'helpdesk', 'accounts', 'postmaster', 'webshop', 'crm', 'invoices', 'alerts'];

// The seed's clock: fixed, so that times are part of "the same panel".
const SEED_EPOCH = Date.UTC(2026, 0, 15);
const DAY = 86_400_000;

export function seedState(options: SeedOptions, stateOptions: PanelStateOptions = {}): PanelState {
  const random = prng(options.seed ?? DEFAULT_SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const chance = (p: number) => random() < p;
  const state = new PanelState(stateOptions);

  const domains = new Set<string>();
  for (let i = 0; i < options.domains; i++) {
    const name = domainName(pick, domains, i);
    domains.add(name);
    const selectors = chance(0.3) ? (chance(0.5) ? ['default', 's2026'] : ['default']) : [];
    state.seedDomain(name, Object.fromEntries(selectors.map((s) => [s, fakeKeyHash(name, s)])));

    const logins = new Set<string>();
    for (let j = 0; j < options.users; j++) {
      const type = j === 0 && chance(0.4) ? 'domain' : chance(0.25) ? 'ip' : 'user';
      const login = type === 'domain' ? '' : type === 'ip' ? ipLogin(random, pick, logins) : username(random, pick, logins, j);
      if (type !== 'domain') logins.add(login);
      const updated = SEED_EPOCH - Math.floor(random() * 120 * DAY);
      const user: PanelUser = {
        domain: name,
        type,
        login,
        revision: 1 + Math.floor(random() * 12),
        updated_at: isoSeconds(updated),
        settings: settings(random, pick, chance, selectors),
        lock: lock(chance, random, updated),
      };
      state.seedUser(user);
    }
  }
  return state;
}

function domainName(pick: <T>(l: readonly T[]) => T, taken: Set<string>, i: number): string {
  for (let tries = 0; tries < 8; tries++) {
    const name = `${pick(FIRST)}${tries % 2 ? '' : '-'}${pick(SECOND)}.${pick(TLDS)}`;
    if (!taken.has(name)) return name;
  }
  return `${pick(FIRST)}-${pick(SECOND)}-${i}.${pick(TLDS)}`; // the word space is used up
}

function username(random: () => number, pick: <T>(l: readonly T[]) => T, taken: Set<string>, j: number): string {
  for (let tries = 0; tries < 8; tries++) {
    const r = random();
    const name =
      r < 0.3
        ? pick(ROLES)
        : r < 0.55
          ? pick(PEOPLE)
          : r < 0.8
            ? `${pick(PEOPLE)}.${pick(SURNAMES)}`
            : r < 0.9
              ? `${pick(PEOPLE).charAt(0)}.${pick(SURNAMES)}`
              : `${pick(ROLES)}+${pick(['eu', 'us', 'test', 'shop', '2026'])}`;
    if (!taken.has(name)) return name;
  }
  return `user${j}`;
}

function ipLogin(random: () => number, pick: <T>(l: readonly T[]) => T, taken: Set<string>): string {
  for (;;) {
    const r = random();
    const n = Math.floor(random() * 256);
    const login =
      r < 0.35
        ? `203.0.113.${n}/32`
        : r < 0.55
          ? `198.51.100.${n & 0xf0}/28`
          : r < 0.75
            ? `192.0.2.${n & 0xfc}/30`
            : r < 0.9
              ? `10.${n}.${Math.floor(random() * 256)}.0/24`
              : `2001:db8:${(n * 256 + Math.floor(random() * 256)).toString(16)}::/48`;
    if (!taken.has(login)) return login;
    if (taken.size > 2000) return `${pick(['10', '172'])}.${taken.size % 256}.${n}.0/24`;
  }
}

function settings(random: () => number, pick: <T>(l: readonly T[]) => T, chance: (p: number) => boolean, selectors: string[]): Settings {
  if (chance(0.65)) return { ...DEFAULT_SETTINGS };
  const s: Settings = {
    ...DEFAULT_SETTINGS,
    automatic_lock: !chance(0.1),
    identification_method: chance(0.7) ? 'none' : pick(SETTINGS.identification_method.options).value,
    lock_timeout: pick([15, 30, 60, 120, 1440]),
    max_unlocks: pick([0, 1, 1, 3, 5]),
    limits_enabled: !chance(0.15),
    limit_per_hour: pick([0, 30, 60, 100, 250, 500, 1000]),
    limit_per_minute: pick([0, 5, 10, 20]),
    valid_sender_required: !chance(0.2),
    dkim_selector: selectors.length && chance(0.6) ? pick(selectors) : '',
    max_recipients_per_day: pick([0, 0, 500, 1000, 5000]),
    invalid_recipient_limit: pick([50, 50, 20, 100]),
    max_retry_days: pick([4, 4, 2, 7]),
    quarantine_response: chance(0.1) ? 'accept' : 'reject',
  };
  if (crossFieldIssues(s).length) s.limit_per_minute = Math.min(s.limit_per_minute, s.limit_per_hour);
  return s;
}

function lock(chance: (p: number) => boolean, random: () => number, updated: number): LockState {
  if (!chance(0.04)) return { locked: false, lock_reason: null, locked_since: null, unlocks_used: chance(0.1) ? 1 : 0 };
  const manual = chance(0.25);
  return {
    locked: true,
    lock_reason: manual ? 'manual' : 'automatic',
    locked_since: isoSeconds(updated - Math.floor(random() * DAY)),
    unlocks_used: manual ? 0 : Math.floor(random() * 2),
  };
}

function fakeKeyHash(domain: string, selector: string): string {
  return createHash('sha256').update(`seed:${domain}:${selector}`).digest('hex');
}

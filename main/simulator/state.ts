// The simulated panel's state: domains, outgoing users with revisions, DKIM
// keys and the change feed. The HTTP server calls these methods; tests and the
// demo panel call them too, to play "someone changed it on the panel".
// Every method checks its input against common/ (the same rules the app uses)
// and refuses a bad change whole, with errors naming the field.
import { createHash, randomBytes } from 'node:crypto';
import { type LockState, UNLOCKED, normaliseDomain, normaliseLogin } from '../../common/model.js';
import { FEED_START, type ChangesResult, type FieldError, type PanelChange, type PanelUser, type PanelUserKey } from '../../common/panel-api.js';
import {
  DEFAULT_SETTINGS,
  SettingsPatchSchema,
  changedKeys,
  mergeSettings,
  type Settings,
  type SettingsPatch,
} from '../../common/settings.js';
import { ChangeLog } from './change-log.js';
import { CursorCodec, DEFAULT_CURSOR_TTL_MS } from './cursor.js';

/** A refusal with the panel's status and result (the server turns it into the answer). */
export class SimError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410,
    message: string,
    readonly result: unknown = null,
  ) {
    super(message);
    this.name = 'SimError';
  }
}

export const invalid = (errors: FieldError[]) => new SimError(400, errors.map((e) => e.message).join('; '), { errors });

// ---- entities (each carries the seq of its latest change; see change-log.ts)

export type DomainEntity = {
  kind: 'domain';
  seq: number;
  name: string;
  /** selector → SHA-256 of the private key (the key itself is not kept) */
  dkim: Map<string, string>;
  users: Map<string, UserEntity>;
  /** live users sorted by type then login; rebuilt after an add or a remove */
  sorted: UserEntity[] | null;
};

export type UserEntity = {
  kind: 'user';
  seq: number;
  domain: DomainEntity;
  type: PanelUserKey['type'];
  login: string;
  /** null: removed (a tombstone the feed reports as `delete`) */
  user: PanelUser | null;
  /** salt:sha256 of the password; null when none was ever set */
  passwordHash: string | null;
};

type Entity = DomainEntity | UserEntity;

export type PanelStateOptions = {
  /** when a cursor expires (default 7 days) */
  cursorTtlMs?: number;
  now?: () => number;
  /** signs cursors; persisted so that a restarted panel keeps its cursors */
  secret?: string;
};

/** The state as plain JSON (the state file). */
export type StateSnapshot = {
  format: 'outpost-panel-simulator';
  version: 1;
  secret: string;
  seq: number;
  domains: { name: string; seq: number; dkim: Record<string, string> }[];
  users: {
    seq: number;
    domain: string;
    type: PanelUserKey['type'];
    login: string;
    user: PanelUser | null;
    passwordHash: string | null;
  }[];
};

const userSlot = (type: string, login: string) => `${type}\u0000${login}`;
const byTypeThenLogin = (a: UserEntity, b: UserEntity) =>
  a.type < b.type ? -1 : a.type > b.type ? 1 : a.login < b.login ? -1 : a.login > b.login ? 1 : 0;

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Users handed out are frozen: a caller (a test, the demo panel) cannot change the panel behind its back. */
function frozen(user: PanelUser): PanelUser {
  Object.freeze(user.settings);
  Object.freeze(user.lock);
  return Object.freeze(user);
}

function hashPassword(password: string, salt = randomBytes(8).toString('hex')): string {
  return `${salt}:${createHash('sha256').update(`${salt}:${password}`).digest('hex')}`;
}

export class PanelState {
  private readonly domainsByName = new Map<string, DomainEntity>();
  private sortedDomains: string[] | null = null;
  private log = new ChangeLog<Entity>();
  private readonly cursors: CursorCodec;
  private readonly listeners = new Set<() => void>();
  readonly secret: string;
  private readonly now: () => number;

  constructor(options: PanelStateOptions = {}) {
    this.secret = options.secret ?? randomBytes(24).toString('base64url');
    this.now = options.now ?? Date.now;
    this.cursors = new CursorCodec(this.secret, options.cursorTtlMs ?? DEFAULT_CURSOR_TTL_MS);
  }

  // ---- reading

  get domainCount(): number {
    return this.domainsByName.size;
  }

  get userCount(): number {
    let n = 0;
    for (const d of this.domainsByName.values()) n += this.liveUsers(d).length;
    return n;
  }

  /** the highest change sequence number (grows with every change) */
  get lastSeq(): number {
    return this.log.seq;
  }

  hasDomain(name: string): boolean {
    return this.domainsByName.has(name);
  }

  domainNames(): string[] {
    this.sortedDomains ??= [...this.domainsByName.keys()].sort();
    return this.sortedDomains;
  }

  listUsers(domain: string, page = 1, pagesize = 500): { users: PanelUser[]; total: number; page: number; pagesize: number } {
    const live = this.liveUsers(this.domain(domain));
    const users = live.slice((page - 1) * pagesize, page * pagesize).map((u) => u.user as PanelUser);
    return { users, total: live.length, page, pagesize };
  }

  getUser(key: PanelUserKey): PanelUser {
    return this.live(key).user as PanelUser;
  }

  findUser(key: PanelUserKey): PanelUser | null {
    const d = this.domainsByName.get(key.domain);
    return d?.users.get(userSlot(key.type, key.login))?.user ?? null;
  }

  passwordMatches(key: PanelUserKey, password: string): boolean {
    const hash = this.live(key).passwordHash;
    if (hash === null) return false;
    const [salt] = hash.split(':');
    return hashPassword(password, salt) === hash;
  }

  dkimList(domain: string): string[] {
    return [...this.domain(domain).dkim.keys()].sort();
  }

  // ---- changing

  addDomain(raw: string): { domain: string } {
    const name = normaliseDomain(raw);
    if (name === null) throw invalid([{ field: 'domain', message: 'Domain must be a DNS name such as example.com' }]);
    if (this.domainsByName.has(name)) throw new SimError(409, `Domain ${name} exists`, null);
    this.insertDomain(name);
    this.changed();
    return { domain: name };
  }

  addUser(rawKey: PanelUserKey, input: { password?: string; settings?: SettingsPatch } = {}): PanelUser {
    const key = this.checkKey(rawKey);
    const d = this.domain(key.domain);
    const existing = d.users.get(userSlot(key.type, key.login));
    if (existing?.user) throw new SimError(409, 'The outgoing user exists', existing.user);
    const settings = this.merged(DEFAULT_SETTINGS, input.settings ?? {});
    const user: PanelUser = {
      ...key,
      revision: 1,
      updated_at: isoSeconds(this.now()),
      settings,
      lock: { ...UNLOCKED },
    };
    this.insertUser(d, key, user, input.password === undefined ? null : hashPassword(input.password), existing);
    this.changed();
    return user;
  }

  removeUser(key: PanelUserKey): { removed: true } {
    const e = this.live(key);
    e.user = null;
    e.domain.sorted = null;
    this.log.touch(e);
    this.changed();
    return { removed: true };
  }

  setSettings(key: PanelUserKey, patch: SettingsPatch, ifRevision?: number): PanelUser {
    const e = this.live(key, ifRevision);
    const current = e.user as PanelUser;
    const settings = this.merged(current.settings, patch);
    if (changedKeys(current.settings, settings).length === 0) return current; // nothing changes: no new revision
    return this.update(e, { settings });
  }

  setPassword(key: PanelUserKey, password: string): { revision: number } {
    const e = this.live(key);
    e.passwordHash = hashPassword(password);
    return { revision: this.update(e, {}).revision };
  }

  /** A manual lock (the API's) by default; `automatic` plays the panel's own spam lock. */
  lock(key: PanelUserKey, options: { ifRevision?: number; reason?: 'manual' | 'automatic' } = {}): PanelUser {
    const e = this.live(key, options.ifRevision);
    const current = e.user as PanelUser;
    const reason = options.reason ?? 'manual';
    if (current.lock.locked && current.lock.lock_reason === reason) return current;
    const lock: LockState = {
      ...current.lock,
      locked: true,
      lock_reason: reason,
      locked_since: current.lock.locked ? current.lock.locked_since : isoSeconds(this.now()),
    };
    return this.update(e, { lock });
  }

  /** `byTimeout` plays the panel's own timeout unlock (counts in unlocks_used). */
  unlock(key: PanelUserKey, options: { ifRevision?: number; byTimeout?: boolean } = {}): PanelUser {
    const e = this.live(key, options.ifRevision);
    const current = e.user as PanelUser;
    if (!current.lock.locked) return current;
    const unlocksUsed = current.lock.unlocks_used + (options.byTimeout ? 1 : 0);
    return this.update(e, { lock: { ...UNLOCKED, unlocks_used: unlocksUsed } });
  }

  dkimSet(domain: string, selector: string, privateKeyPem: string): { selector: string } {
    const d = this.domain(domain);
    d.dkim.set(selector, createHash('sha256').update(privateKeyPem).digest('hex'));
    this.changed();
    return { selector };
  }

  // ---- the change feed

  /**
   * The changes after `since` (FEED_START replays the current state: one
   * `domain` per domain, one `upsert` per user), at most `limit`. `inScope`
   * narrows to the domains an admin may see.
   */
  changes(since: string, limit = 1000, inScope: (domain: string) => boolean = () => true): ChangesResult {
    const now = this.now();
    let after = 0;
    let replayFrom = this.log.seq;
    if (since !== FEED_START) {
      const r = this.cursors.decode(since, now, this.log.seq);
      if (!r.ok) throw new SimError(410, r.reason === 'expired' ? 'The cursor expired; sync again from 0' : 'Unknown cursor; sync again from 0');
      after = r.cursor.seq;
      replayFrom = r.cursor.replayFrom;
    }
    const changes: PanelChange[] = [];
    const { last, stopped } = this.log.walk(after, (e) => {
      const change = this.toChange(e, replayFrom, inScope);
      if (change === null) return true; // skipped, but consumed
      if (changes.length === limit) return false;
      changes.push(change);
      return true;
    });
    const cursor = this.cursors.encode({ seq: last, replayFrom: last >= replayFrom ? 0 : replayFrom, issuedAt: now });
    return { changes, cursor, more: stopped };
  }

  private toChange(e: Entity, replayFrom: number, inScope: (domain: string) => boolean): PanelChange | null {
    if (e.kind === 'domain') return inScope(e.name) ? { op: 'domain', domain: e.name } : null;
    if (!inScope(e.domain.name)) return null;
    if (e.user) return { op: 'upsert', user: e.user };
    // A removal made before a replay started concerns a user the replaying client never had.
    return e.seq > replayFrom ? { op: 'delete', domain: e.domain.name, type: e.type, login: e.login } : null;
  }

  // ---- persistence

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): StateSnapshot {
    const domains: StateSnapshot['domains'] = [];
    const users: StateSnapshot['users'] = [];
    for (const d of this.domainsByName.values()) {
      domains.push({ name: d.name, seq: d.seq, dkim: Object.fromEntries(d.dkim) });
      for (const u of d.users.values()) {
        users.push({ seq: u.seq, domain: d.name, type: u.type, login: u.login, user: u.user, passwordHash: u.passwordHash });
      }
    }
    return { format: 'outpost-panel-simulator', version: 1, secret: this.secret, seq: this.log.seq, domains, users };
  }

  /** A state from a snapshot (already checked by the caller). */
  static fromSnapshot(s: StateSnapshot, options: Omit<PanelStateOptions, 'secret'> = {}): PanelState {
    const state = new PanelState({ ...options, secret: s.secret });
    const all: Entity[] = [];
    for (const d of s.domains) {
      const e: DomainEntity = { kind: 'domain', seq: d.seq, name: d.name, dkim: new Map(Object.entries(d.dkim)), users: new Map(), sorted: null };
      state.domainsByName.set(d.name, e);
      all.push(e);
    }
    for (const u of s.users) {
      const d = state.domainsByName.get(u.domain);
      if (!d) throw new Error(`State file: user ${u.login} names domain ${u.domain}, which it does not list`);
      const user = u.user && frozen(u.user);
      const e: UserEntity = { kind: 'user', seq: u.seq, domain: d, type: u.type, login: u.login, user, passwordHash: u.passwordHash };
      d.users.set(userSlot(u.type, u.login), e);
      all.push(e);
    }
    state.log = ChangeLog.restore(all, s.seq);
    return state;
  }

  // ---- bulk insert for the seed (values already valid; no per-user checks, no events)

  seedDomain(name: string, dkim: Record<string, string> = {}): void {
    const d = this.insertDomain(name);
    for (const [selector, hash] of Object.entries(dkim)) d.dkim.set(selector, hash);
  }

  seedUser(user: PanelUser, passwordHash: string | null = null): void {
    this.insertUser(this.domain(user.domain), user, user, passwordHash, undefined);
  }

  // ---- internals

  private insertDomain(name: string): DomainEntity {
    const d: DomainEntity = { kind: 'domain', seq: 0, name, dkim: new Map(), users: new Map(), sorted: null };
    this.domainsByName.set(name, d);
    this.sortedDomains = null;
    this.log.touch(d);
    return d;
  }

  private insertUser(d: DomainEntity, key: PanelUserKey, user: PanelUser, passwordHash: string | null, tombstone: UserEntity | undefined) {
    const e: UserEntity = tombstone ?? { kind: 'user', seq: 0, domain: d, type: key.type, login: key.login, user: null, passwordHash: null };
    e.user = frozen(user);
    e.passwordHash = passwordHash;
    d.users.set(userSlot(key.type, key.login), e);
    d.sorted = null;
    this.log.touch(e);
  }

  private update(e: UserEntity, change: Partial<Pick<PanelUser, 'settings' | 'lock'>>): PanelUser {
    const current = e.user as PanelUser;
    // A new object each time: answers already handed out keep the state they had.
    const user = frozen({ ...current, ...change, revision: current.revision + 1, updated_at: isoSeconds(this.now()) });
    e.user = user;
    this.log.touch(e);
    this.changed();
    return user;
  }

  private merged(base: Settings, patch: SettingsPatch): Settings {
    const parsed = SettingsPatchSchema.safeParse(patch);
    if (!parsed.success && Object.keys(patch).length > 0) {
      throw invalid(parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? 'settings'), message: i.message })));
    }
    const r = mergeSettings(base, parsed.success ? parsed.data : {});
    if (!r.ok) throw invalid(r.issues);
    return r.settings;
  }

  private checkKey(key: PanelUserKey): PanelUserKey {
    const domain = normaliseDomain(key.domain);
    if (domain === null) throw invalid([{ field: 'domain', message: 'Domain must be a DNS name such as example.com' }]);
    const r = normaliseLogin(key.type, key.login);
    if (!r.ok) throw invalid([{ field: key.type === 'user' ? 'username' : 'ip', message: r.message }]);
    return { domain, type: key.type, login: r.login };
  }

  private domain(name: string): DomainEntity {
    const d = this.domainsByName.get(name);
    if (!d) throw new SimError(404, `No domain ${name}`);
    return d;
  }

  private live(key: PanelUserKey, ifRevision?: number): UserEntity {
    const e = this.domain(key.domain).users.get(userSlot(key.type, key.login));
    if (!e?.user) throw new SimError(404, 'No such outgoing user');
    if (ifRevision !== undefined && ifRevision !== e.user.revision) {
      throw new SimError(409, `The outgoing user is at revision ${e.user.revision}, not ${ifRevision}`, e.user);
    }
    return e;
  }

  private liveUsers(d: DomainEntity): UserEntity[] {
    d.sorted ??= [...d.users.values()].filter((u) => u.user !== null).sort(byTypeThenLogin);
    return d.sorted;
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

// Push: the outbox of one panel, in id order per user; different users go in
// parallel up to the client's in-flight limit. Each write of a user the panel
// has confirmed carries its revision (ifrevision); a 409 merges the panel's
// current user and tries again with what is left (docs/sync.md "Push").
import { displayLogin, type UserType } from '../../../common/model.js';
import type { PanelUser, PanelUserKey } from '../../../common/panel-api.js';
import type { Settings } from '../../../common/settings.js';
import type { Db } from '../store/open.js';
import type { OutboxRow } from '../services/outbox.js';
import { PanelError, type PanelClient } from '../panel/index.js';
import type { SecretBox } from '../types.js';
import type { UserApplier } from './apply-user.js';
import { fieldErrorsMessage } from './merge.js';
import { panelErrorMessage } from './messages.js';
import type { PushStore } from './push-store.js';

/** The push of this panel stops: the panel refused the login (401) or cannot be reached now. Entries stay pending. */
export class PushStopped extends Error {
  constructor(readonly reason: PanelError) {
    super(reason.message);
    this.name = 'PushStopped';
  }
}

export interface PushOptions {
  db: Db;
  client: PanelClient;
  store: PushStore;
  applier: UserApplier;
  secretBox: SecretBox;
  panelId: number;
  /** the panel connection's name: the audit trail's actor for what the panel changed */
  actor: string;
  maxInFlight: number;
  signal: AbortSignal;
  onProgress(done: number, total: number): void;
}

type Row = OutboxRow & { domain: string };
/** What became of an entry: done (or nothing left to send now), or refused — then what follows for that user waits. */
type Outcome = 'done' | 'refused' | 'waits';

/** Rounds per entry: a 409 (or an edit while in flight) is followed by another try with what is left. */
const MAX_ROUNDS = 4;

const ENTRIES_SQL = /* sql */ `
  SELECT o.*, d.name AS domain FROM outbox o JOIN domains d ON d.id = o.domain_id
   WHERE o.panel_id = ? AND o.status IN ('pending', 'conflict') ORDER BY o.id`;

/** Passes over the outbox per push: entries that appear during one (what a merge left, edits made meanwhile) go in the next. */
const MAX_PASSES = 3;

export async function push(o: PushOptions): Promise<{ sent: number; total: number }> {
  const entries = o.db.prepare(ENTRIES_SQL);
  const seen = new Set<number>();
  let rows = entries.all(o.panelId) as Row[];
  let total = rows.length;
  let done = 0;
  for (let pass = 0; pass < MAX_PASSES && rows.length > 0; pass++) {
    for (const r of rows) seen.add(r.id);
    await pushPass(o, rows, () => o.onProgress(++done, total));
    rows = (entries.all(o.panelId) as Row[]).filter((r) => !seen.has(r.id));
    total += rows.length;
  }
  return { sent: done, total };
}

/** One pass over `rows`: domains first, then one queue per user. */
async function pushPass(o: PushOptions, rows: Row[], step: () => void): Promise<void> {
  // Our own signal: the first PushStopped stops the other workers too.
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort(o.signal.reason);
  o.signal.addEventListener('abort', onOuterAbort, { once: true });
  const signal = inner.signal;
  const send = sender(o, signal);

  let stopped: unknown = null;
  async function pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length && !signal.aborted) {
        const item = items[next++] as T;
        try {
          await work(item);
        } catch (e) {
          if (stopped === null) stopped = e;
          inner.abort(e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.maxInFlight, items.length) }, worker));
  }

  try {
    // Domains first: the users under a new domain need it on the panel.
    const blockedDomains = new Set<number>();
    await pool(
      rows.filter((r) => r.kind === 'domain.add'),
      async (row) => {
        if ((await send(row)) !== 'done') blockedDomains.add(row.domain_id);
        step();
      },
    );
    for (const r of rows) if (r.kind === 'domain.add' && r.status !== 'pending') blockedDomains.add(r.domain_id);

    // One queue per user identity (a removed user's entries outlive its row), in id order.
    const groups = new Map<string, Row[]>();
    for (const r of rows) {
      if (r.kind === 'domain.add') continue;
      const key = `${r.domain_id}\u0000${r.type}\u0000${r.login}`;
      const g = groups.get(key);
      if (g) g.push(r);
      else groups.set(key, [r]);
    }
    await pool([...groups.values()], async (group) => {
      for (const row of group) {
        if (blockedDomains.has(row.domain_id)) return;
        const outcome = await send(row);
        step();
        if (outcome === 'refused' && (row.kind === 'user.add' || row.kind === 'user.remove')) return;
      }
    });
  } finally {
    o.signal.removeEventListener('abort', onOuterAbort);
  }
  if (o.signal.aborted) throw o.signal.reason;
  if (stopped !== null) throw stopped;
}

/** Sends one entry until nothing of it is left to send now. */
function sender(o: PushOptions, signal: AbortSignal) {
  const { client, store, applier } = o;
  const call = { signal };

  function keyOf(row: Row): PanelUserKey {
    return { domain: row.domain, type: row.type as UserType, login: row.login ?? '' };
  }

  /** The panel's current user after a 409 that came without it. */
  async function current(e: PanelError, key: PanelUserKey): Promise<PanelUser> {
    return e.current ?? (await client.userGet(key, call));
  }

  /** What a refusal does to the entry; throws PushStopped when the whole push must stop. */
  async function react(e: unknown, row: Row, key: PanelUserKey): Promise<Outcome | 'again'> {
    if (signal.aborted) throw signal.reason;
    if (!(e instanceof PanelError)) throw e;
    const refuse = (message: string): Outcome => {
      store.failed(row, message);
      return 'refused';
    };
    switch (e.kind) {
      case 'conflict': {
        if (row.kind === 'domain.add') return store.done(row), 'done';
        let now: PanelUser;
        try {
          now = await current(e, key);
        } catch (inner) {
          return react(inner, row, key);
        }
        if (row.kind === 'user.add') store.userExists(row, now, o.actor);
        else if (row.user_id !== null) store.panelState(row.user_id, now, o.actor);
        return 'again';
      }
      case 'not_found':
        if (row.kind === 'user.remove') return store.done(row), 'done';
        if (row.kind === 'user.add' || row.kind === 'domain.add') return refuse(`Domain ${row.domain} is not on the panel`);
        return refuse(`${displayLogin(key)} no longer exists on the panel`);
      case 'invalid':
        return refuse(fieldErrorsMessage(e.fieldErrors, panelErrorMessage(e, client.baseUrl)));
      case 'forbidden':
      case 'gone':
        return refuse(panelErrorMessage(e, client.baseUrl));
      default:
        break;
    }
    // 401, or retries used up (network, timeout, 5xx, 429, answers that are not the panel API): the panel cannot take this now.
    store.attempted(row.id);
    throw new PushStopped(e);
  }

  /** The password an entry waits to send; null when it cannot be read here (sealed by another SecretBox). */
  function unseal(row: Row): string | null {
    if (!row.secret) return null;
    if (row.secret_storage && row.secret_storage !== o.secretBox.kind) return null;
    try {
      return o.secretBox.decrypt(row.secret);
    } catch {
      return null;
    }
  }
  const unreadable = (row: Row, key: PanelUserKey): Outcome => {
    store.failed(row, `The password waiting for ${displayLogin(key)} cannot be read on this system any more; set it again`);
    return 'refused';
  };

  /** One request for what the entry holds now; 'again' when something is left to send. */
  async function once(row: Row, key: PanelUserKey): Promise<Outcome | 'again'> {
    switch (row.kind) {
      case 'domain.add':
        await client.domainAdd(row.domain, call);
        store.done(row);
        return 'done';
      case 'user.remove':
        await client.userRemove(key, call);
        store.done(row);
        return 'done';
      case 'user.add': {
        const settings = Object.fromEntries(JSON.parse(row.changes).map((c: { field: string; to: unknown }) => [c.field, c.to])) as Partial<Settings>;
        const password = row.secret ? unseal(row) : undefined;
        if (password === null) return unreadable(row, key);
        const answer = await client.userAdd({ ...key, ...(password === undefined ? {} : { password }), settings }, call);
        store.userAdded(row, row.secret, answer, o.actor);
        return 'again';
      }
      case 'password': {
        if (!row.secret) return store.done(row), 'done';
        const password = unseal(row);
        if (password === null) return unreadable(row, key);
        const answer = await client.setPassword(key, password, call);
        store.passwordSent(row, answer.revision);
        return 'again';
      }
      case 'lock':
      case 'unlock': {
        const u = row.user_id === null ? undefined : applier.record(row.user_id);
        if (!u) return 'done';
        if (u.revision === null) return 'waits';
        const answer = await (row.kind === 'lock' ? client.lock(key, u.revision, call) : client.unlock(key, u.revision, call));
        store.lockSent(row, answer, o.actor);
        return 'again';
      }
      case 'settings': {
        const u = row.user_id === null ? undefined : applier.record(row.user_id);
        if (!u) return 'done';
        if (u.revision === null) return 'waits';
        const inConflict = row.panel_values ? (JSON.parse(row.panel_values) as Record<string, unknown>) : {};
        // Only what is still pending: a field in conflict waits for a person.
        const sendable = (JSON.parse(row.changes) as { field: string; to: unknown }[]).filter((c) => !Object.hasOwn(inConflict, c.field));
        if (sendable.length === 0) return 'waits';
        const patch = Object.fromEntries(sendable.map((c) => [c.field, c.to])) as Partial<Settings>;
        const answer = await client.setSettings(key, patch, u.revision, call);
        store.settingsSent(u.id, o.panelId, patch, answer, o.actor);
        return 'again';
      }
    }
  }

  return async function send(first: Row): Promise<Outcome> {
    const key = keyOf(first);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const fresh = store.get(first.id);
      if (!fresh) return 'done';
      if (fresh.status === 'failed') return 'refused';
      if (fresh.status === 'conflict' && fresh.kind !== 'settings') return 'waits';
      const row: Row = { ...fresh, domain: first.domain };
      let outcome: Outcome | 'again';
      try {
        outcome = await once(row, key);
      } catch (e) {
        outcome = await react(e, row, key);
      }
      if (outcome !== 'again') return outcome;
    }
    return 'waits'; // the panel keeps changing it; the next sync goes on
  };
}

// The outbox: one row per local change waiting for the panel, written in the
// transaction of the change itself. Every change gets a row, a local-only
// domain's too (panel_id NULL): it waits there, counted as pending, until the
// domain is attached to a panel (docs/sync.md). Successive edits of one user
// coalesce (docs/architecture.md "Data model"): one settings row per user
// whose `from` stays the first base, one password row, one lock row.
import { randomUUID } from 'node:crypto';
import { OutpostError } from '../../../common/ipc/errors.js';
import type { OutboxEntry, OutboxKind, OutboxStatus } from '../../../common/ipc/contract.js';
import type { LockState, UserType } from '../../../common/model.js';
import { DEFAULT_SETTINGS, SETTING_KEYS, changedKeys, type SettingKey, type Settings } from '../../../common/settings.js';
import { transactor } from '../store/transaction.js';
import type { SecretStorage } from '../types.js';
import type { ServiceContext } from './context.js';
import { remoteOf, type Page, type UserRecord, type Window } from './rows.js';
import { statementCache } from './statements.js';

export interface FieldChange {
  field: SettingKey;
  from: unknown;
  to: unknown;
}

/** An outbox row as stored. `secret` is sealed; it never leaves the backend. */
export interface OutboxRow {
  id: number;
  op_id: string;
  panel_id: number | null;
  domain_id: number;
  user_id: number | null;
  type: UserType | null;
  login: string | null;
  kind: OutboxKind;
  status: OutboxStatus;
  changes: string;
  secret: Buffer | null;
  secret_storage: SecretStorage | null;
  base: string | null;
  error: string | null;
  panel_values: string | null;
  panel_revision: number | null;
  attempts: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export type OutboxListInput = Window & { status?: OutboxStatus; userId?: number };

export function parseChanges(row: Pick<OutboxRow, 'changes'>): FieldChange[] {
  return JSON.parse(row.changes) as FieldChange[];
}

/** The fields of `changes` in form order, as stored. */
export function serialiseChanges(byField: Map<SettingKey, FieldChange>): string {
  return JSON.stringify(SETTING_KEYS.filter((k) => byField.has(k)).map((k) => byField.get(k)));
}

/** What a user.add sends besides its identity: every setting that differs from the panel's default. */
function additions(settings: Settings): string {
  return JSON.stringify(changedKeys(DEFAULT_SETTINGS, settings).map((k) => ({ field: k, from: DEFAULT_SETTINGS[k], to: settings[k] })));
}

export function createOutboxService(ctx: ServiceContext) {
  const { db, secretBox } = ctx;
  const tx = transactor(db);
  const cached = statementCache(db);
  const insert = db.prepare(
    `INSERT INTO outbox (op_id, panel_id, domain_id, user_id, type, login, kind, changes, secret, secret_storage, base, created_at, updated_at)
     VALUES (@opId, @panelId, @domainId, @userId, @type, @login, @kind, @changes, @secret, @secretStorage, @base, @now, @now)`,
  );
  const lockRow = db.prepare(`SELECT * FROM outbox WHERE user_id = ? AND kind IN ('lock', 'unlock')`);
  const byUser = db.prepare(`SELECT * FROM outbox WHERE user_id = ? ORDER BY id`);
  const byId = db.prepare(`SELECT * FROM outbox WHERE id = ?`);
  const deleteById = db.prepare(`DELETE FROM outbox WHERE id = ?`);
  const deleteByUser = db.prepare(`DELETE FROM outbox WHERE user_id = ?`);
  // A local edit of a row: what it will send changed, so a failure or conflict it had is moot.
  const rewrite = db.prepare(
    `UPDATE outbox SET kind = @kind, changes = @changes, secret = @secret, secret_storage = @secretStorage, status = @status,
       panel_values = @panelValues, error = NULL, version = version + 1, updated_at = @now WHERE id = @id`,
  );
  const setRetry = db.prepare(`UPDATE outbox SET status = 'pending', error = NULL, version = version + 1, updated_at = ? WHERE id = ?`);
  const userRowById = db.prepare(`SELECT * FROM users WHERE id = ?`);
  const domainName = db.prepare(`SELECT name FROM domains WHERE id = ?`).pluck();
  const countsByStatus = db.prepare(`SELECT status, count(*) AS n FROM outbox GROUP BY status`);
  const conflictFieldCount = db
    .prepare(`SELECT coalesce(sum((SELECT count(*) FROM json_each(panel_values))), 0) FROM outbox WHERE status = 'conflict'`)
    .pluck();

  function add(u: UserRecord | null, domain: { id: number; panel_id: number | null }, kind: OutboxKind, fields: { changes?: string; secret?: Buffer | null; base?: unknown }) {
    insert.run({
      opId: randomUUID(),
      panelId: domain.panel_id,
      domainId: domain.id,
      userId: u?.id ?? null,
      type: u?.type ?? null,
      login: u?.login ?? null,
      kind,
      changes: fields.changes ?? '[]',
      secret: fields.secret ?? null,
      secretStorage: fields.secret ? secretBox.kind : null,
      base: fields.base === undefined ? null : JSON.stringify(fields.base),
      now: ctx.now(),
    });
  }

  function rewriteRow(row: OutboxRow, next: Partial<Pick<OutboxRow, 'kind' | 'changes' | 'secret' | 'status' | 'panel_values'>>) {
    rewrite.run({
      id: row.id,
      kind: next.kind ?? row.kind,
      changes: next.changes ?? row.changes,
      secret: next.secret === undefined ? row.secret : next.secret,
      secretStorage: next.secret === undefined ? row.secret_storage : secretBox.kind,
      status: next.status ?? 'pending',
      panelValues: next.panel_values === undefined ? row.panel_values : next.panel_values,
      now: ctx.now(),
    });
  }

  const domainOf = (u: UserRecord) => ({ id: u.domain_id, panel_id: u.panel_id });
  // The kind is part of the SQL, not a parameter: with a parameter SQLite re-plans on every run
  // to see whether the partial unique indexes apply (measured 21 µs against 3 µs).
  const findKind = (userId: number, kind: 'user.add' | 'settings' | 'password') =>
    cached(`SELECT * FROM outbox WHERE user_id = ? AND kind = '${kind}'`).get(userId) as OutboxRow | undefined;

  function requireRow(id: number): OutboxRow {
    const row = byId.get(id) as OutboxRow | undefined;
    if (!row) throw new OutpostError('not_found', `No pending change with id ${id}`);
    return row;
  }

  function entry(id: number): OutboxEntry {
    const row = requireRow(id);
    return toEntry({ ...row, domain: domainName.get(row.domain_id) as string });
  }

  function toEntry(r: OutboxRow & { domain: string }): OutboxEntry {
    return {
      id: r.id,
      opId: r.op_id,
      createdAt: r.created_at,
      panelId: r.panel_id,
      userId: r.user_id,
      domain: r.domain,
      type: r.type,
      login: r.login,
      kind: r.kind,
      status: r.status,
      changes: parseChanges(r),
      error: r.error,
      attempts: r.attempts,
    };
  }

  return {
    /** Call in the transaction that added the domain. */
    domainAdded(domain: { id: number; panel_id: number | null }): void {
      add(null, domain, 'domain.add', {});
    },

    /** Call in the transaction that inserted the user. */
    userAdded(u: UserRecord, settings: Settings, password: string | undefined): void {
      add(u, domainOf(u), 'user.add', { changes: additions(settings), secret: password === undefined ? null : secretBox.encrypt(password) });
    },

    /**
     * Call in the transaction that deletes the user, before the delete. A user the
     * panel never saw just loses its pending add; otherwise its other entries give
     * way to one user.remove, which keeps everything needed to undo it.
     */
    userRemoved(u: UserRecord): void {
      const entries = byUser.all(u.id) as OutboxRow[];
      deleteByUser.run(u.id);
      if (entries.some((e) => e.kind === 'user.add')) return;
      const user = userRowById.get(u.id);
      const pending = entries.map((e) => ({ ...e, secret: e.secret?.toString('base64') ?? null }));
      add(u, domainOf(u), 'user.remove', { base: { user, entries: pending } });
    },

    /** Call in the transaction that changed the user's settings from `before` to `after`. */
    settingsEdited(u: UserRecord, before: Settings, after: Settings): void {
      const edited = changedKeys(before, after);
      if (edited.length === 0) return;
      // Not on the panel yet: its add will carry the settings.
      const pendingAdd = findKind(u.id, 'user.add');
      if (pendingAdd) return rewriteRow(pendingAdd, { changes: additions(after), status: pendingAdd.status === 'conflict' ? 'conflict' : 'pending' });

      const row = findKind(u.id, 'settings');
      const remote = remoteOf(u);
      const byField = new Map((row ? parseChanges(row) : []).map((c) => [c.field, c]));
      for (const k of edited) {
        const from = byField.has(k) ? byField.get(k)?.from : remote ? remote[k] : before[k];
        if (from === after[k]) byField.delete(k); // edited back to its base
        else byField.set(k, { field: k, from, to: after[k] });
      }
      if (!row) {
        if (byField.size > 0) add(u, domainOf(u), 'settings', { changes: serialiseChanges(byField) });
        return;
      }
      if (byField.size === 0) return void deleteById.run(row.id);
      // A field that dropped out is no longer in conflict either.
      const panelValues = row.panel_values === null ? null : (JSON.parse(row.panel_values) as Record<string, unknown>);
      if (panelValues) for (const k of Object.keys(panelValues)) if (!byField.has(k as SettingKey)) delete panelValues[k];
      const stillConflict = panelValues !== null && Object.keys(panelValues).length > 0;
      rewriteRow(row, {
        changes: serialiseChanges(byField),
        status: stillConflict ? 'conflict' : 'pending',
        panel_values: stillConflict ? JSON.stringify(panelValues) : null,
      });
    },

    /** Call in the transaction that recorded the new password; only the sealed form is stored. */
    passwordSet(u: UserRecord, password: string): void {
      const secret = secretBox.encrypt(password);
      const row = findKind(u.id, 'user.add') ?? findKind(u.id, 'password');
      if (row) rewriteRow(row, { secret, status: row.status === 'conflict' ? 'conflict' : 'pending' });
      else add(u, domainOf(u), 'password', { secret });
    },

    /**
     * Records the intent to lock or unlock. Answers the lock state to show: the
     * intent at once, or the panel's last state when the intent cancels a pending one.
     */
    lockIntended(u: UserRecord, current: LockState, desired: LockState): LockState {
      const row = lockRow.get(u.id) as OutboxRow | undefined;
      const base = row ? (JSON.parse(row.base ?? 'null') as LockState) : current;
      if (desired.locked === base.locked && desired.lock_reason === base.lock_reason) {
        if (row) deleteById.run(row.id);
        return base;
      }
      const kind = desired.locked ? 'lock' : 'unlock';
      if (row) rewriteRow(row, { kind });
      else add(u, domainOf(u), kind, { base });
      return desired;
    },

    get: (id: number) => byId.get(id) as OutboxRow | undefined,
    require: requireRow,

    /** The settings fields a user has waiting for the panel. */
    pendingFields(userId: number): SettingKey[] {
      const row = findKind(userId, 'settings');
      return row ? parseChanges(row).map((c) => c.field) : [];
    },

    list(input: OutboxListInput): Page<OutboxEntry> {
      const where = [input.status !== undefined && 'o.status = @status', input.userId !== undefined && 'o.user_id = @userId'].filter(Boolean);
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const params = { status: input.status ?? null, userId: input.userId ?? null, limit: input.limit, offset: input.offset };
      const items = cached(
        `SELECT o.*, d.name AS domain FROM outbox o JOIN domains d ON d.id = o.domain_id ${clause} ORDER BY o.id LIMIT @limit OFFSET @offset`,
      ).all(params) as (OutboxRow & { domain: string })[];
      const total = cached(`SELECT count(*) FROM outbox o ${clause}`).pluck().get(params) as number;
      return { items: items.map(toEntry), total };
    },

    /** A failed change goes back to the queue. */
    retry(id: number): OutboxEntry {
      tx(() => {
        const row = requireRow(id);
        if (row.status !== 'failed') {
          throw new OutpostError('conflict', `Only a failed change can be retried; this one is ${row.status === 'conflict' ? 'in conflict' : 'already waiting'}`);
        }
        setRetry.run(ctx.now(), id);
      });
      ctx.events.changed(['outbox', 'users']);
      return entry(id);
    },

    /** Waiting changes by status; conflicts counts fields, as conflicts.list does. */
    counts(): { pending: number; failed: number; conflicts: number } {
      const by = new Map((countsByStatus.all() as { status: OutboxStatus; n: number }[]).map((r) => [r.status, r.n]));
      return { pending: by.get('pending') ?? 0, failed: by.get('failed') ?? 0, conflicts: conflictFieldCount.get() as number };
    },

    deleteRow(id: number): void {
      deleteById.run(id);
    },

    deleteForUser(userId: number): void {
      deleteByUser.run(userId);
    },
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;

// Applies the panel's state of one outgoing user to the local copy, keeping
// what is still waiting to be sent (docs/sync.md "Pull"). Used for every
// pulled upsert with pending edits and for every answer a push gets back (a
// success, or the current user of a 409), so that the panel's state is always
// merged the same way. Call inside a transaction.
//
// - `remote` and `revision` become the panel's.
// - A field with a pending edit keeps the local value; if the panel now has
//   the local value, the field is done; if it has neither the base (`from`)
//   nor the local value, the field is in conflict (panel_values).
// - The other fields take the panel's value.
// - A pending lock or unlock is done when the panel is in that state;
//   otherwise the local lock state stays and the entry's base follows the panel.
import { randomUUID } from 'node:crypto';
import type { OutboxKind } from '../../../common/ipc/contract.js';
import type { PanelUser } from '../../../common/panel-api.js';
import { DEFAULT_SETTINGS, changedKeys, crossFieldIssues, type SettingKey, type Settings } from '../../../common/settings.js';
import type { LockState } from '../../../common/model.js';
import type { AuditService } from '../services/audit.js';
import { auditSubject } from '../services/audit.js';
import type { ServiceContext } from '../services/context.js';
import { parseChanges, serialiseChanges, type FieldChange, type OutboxRow } from '../services/outbox.js';
import { USER_RECORD_SQL, lockColumns, lockOf, remoteOf, settingsOf, type UserRecord } from '../services/rows.js';
import { RULE_FIELDS } from './merge.js';

export interface ApplyOptions {
  /** who the audit trail names for the panel's changes: the panel connection's name */
  actor: string;
  now: string;
  /** what this computer itself just sent and the panel confirmed: not recorded as the panel's change */
  expected?: { settings?: Partial<Settings>; locked?: boolean };
  /** record the panel's changes in the audit trail (default true) */
  audit?: boolean;
}

export interface NewOutboxRow {
  panelId: number | null;
  domainId: number;
  userId: number | null;
  type: string | null;
  login: string | null;
  kind: OutboxKind;
  changes?: FieldChange[];
  secret?: Buffer | null;
  /** the SecretBox kind that sealed `secret` (default: this one) */
  secretStorage?: string | null;
  base?: unknown;
  status?: 'pending' | 'conflict';
  panelValues?: Record<string, unknown> | null;
}

const isLockKind = (k: OutboxKind) => k === 'lock' || k === 'unlock';

/** Whether the panel's lock state is what a lock or unlock entry asks for. */
export function lockDone(kind: 'lock' | 'unlock', lock: LockState): boolean {
  return kind === 'lock' ? lock.locked && lock.lock_reason === 'manual' : !lock.locked;
}

export function createUserApplier(ctx: ServiceContext, audit: AuditService) {
  const { db } = ctx;
  const recordById = db.prepare(`${USER_RECORD_SQL} WHERE u.id = ?`);
  const rowsOfUser = db.prepare(`SELECT * FROM outbox WHERE user_id = ? ORDER BY id`);
  const writeUser = db.prepare(
    `UPDATE users SET settings = @settings, remote = @remote, revision = @revision, locked = @locked, lock_reason = @lock_reason,
       locked_since = @locked_since, unlocks_used = @unlocks_used, updated_at = @now WHERE id = @id`,
  );
  const writeRemoteOnly = db.prepare(`UPDATE users SET remote = ?, revision = ? WHERE id = ?`);
  const writeSettingsRow = db.prepare(
    `UPDATE outbox SET changes = @changes, panel_values = @panelValues, status = @status, panel_revision = @revision, updated_at = @now WHERE id = @id`,
  );
  const writeBase = db.prepare(`UPDATE outbox SET base = ? WHERE id = ?`);
  const deleteRow = db.prepare(`DELETE FROM outbox WHERE id = ?`);
  const deleteUser = db.prepare(`DELETE FROM users WHERE id = ?`);
  const forget = db.prepare(`UPDATE users SET remote = NULL, revision = NULL WHERE id = ?`);
  const insertRow = db.prepare(
    `INSERT INTO outbox (op_id, panel_id, domain_id, user_id, type, login, kind, status, changes, secret, secret_storage, base, panel_values, created_at, updated_at)
     VALUES (@opId, @panelId, @domainId, @userId, @type, @login, @kind, @status, @changes, @secret, @secretStorage, @base, @panelValues, @now, @now)`,
  );
  const insertUser = db.prepare(
    `INSERT INTO users (domain_id, type, login, settings, locked, lock_reason, locked_since, unlocks_used, has_password, revision, remote, updated_at)
     VALUES (@domainId, @type, @login, @settings, @locked, @lock_reason, @locked_since, @unlocks_used, @hasPassword, @revision, @settings, @now)`,
  );

  function record(id: number): UserRecord | undefined {
    return recordById.get(id) as UserRecord | undefined;
  }

  function remoteAudit(u: UserRecord, o: ApplyOptions, rec: { action: 'settings' | 'lock' | 'unlock' | 'user.add' | 'user.remove' | 'outbox.discard'; field?: string; oldValue?: unknown; newValue?: unknown }) {
    audit.record({ ...rec, ...auditSubject(u), origin: 'remote', actor: o.actor }, o.now);
  }

  /** Adds an outbox row the engine needs (what is left of a change after a push). */
  function addRow(r: NewOutboxRow, now: string): number {
    return Number(
      insertRow.run({
        opId: randomUUID(),
        panelId: r.panelId,
        domainId: r.domainId,
        userId: r.userId,
        type: r.type,
        login: r.login,
        kind: r.kind,
        status: r.status ?? 'pending',
        changes: serialiseChanges(new Map((r.changes ?? []).map((c) => [c.field, c]))),
        secret: r.secret ?? null,
        secretStorage: r.secret ? (r.secretStorage ?? ctx.secretBox.kind) : null,
        base: r.base === undefined ? null : JSON.stringify(r.base),
        panelValues: r.panelValues && Object.keys(r.panelValues).length ? JSON.stringify(r.panelValues) : null,
        now,
      }).lastInsertRowid,
    );
  }

  /** The panel's state of `u` (an existing local user), merged with its pending entries. */
  function apply(u: UserRecord, pu: PanelUser, o: ApplyOptions): void {
    const rows = rowsOfUser.all(u.id) as OutboxRow[];
    const remoteJson = JSON.stringify(pu.settings);
    if (rows.some((r) => r.kind === 'user.add')) {
      // Not confirmed as ours yet: everything local is this computer's intent. The add's
      // push merges with the panel's user (409 exists); until then only remember it.
      writeRemoteOnly.run(remoteJson, pu.revision, u.id);
      return;
    }
    const local = settingsOf(u);
    const oldRemote = remoteOf(u);
    const settingsRow = rows.find((r) => r.kind === 'settings');
    const lockRow = rows.find((r) => isLockKind(r.kind));

    const pending = new Map<SettingKey, FieldChange>();
    const panelValues: Record<string, unknown> = settingsRow?.panel_values ? (JSON.parse(settingsRow.panel_values) as Record<string, unknown>) : {};
    if (settingsRow) {
      for (const c of parseChanges(settingsRow)) {
        const p = pu.settings[c.field];
        if (p === c.to) {
          delete panelValues[c.field]; // the panel has it: done
          continue;
        }
        if (p === c.from) delete panelValues[c.field];
        else panelValues[c.field] = p; // both changed, differently
        pending.set(c.field, c);
      }
    }
    const next: Settings = { ...pu.settings };
    for (const f of pending.keys()) (next as Record<string, unknown>)[f] = local[f];
    if (crossFieldIssues(next).length > 0) {
      // The panel's values and the pending ones together break a rule: keep the local
      // values of the rule's fields (the local copy stays consistent) and let a person
      // decide the pending ones.
      for (const f of RULE_FIELDS) {
        (next as Record<string, unknown>)[f] = local[f];
        if (pending.has(f)) panelValues[f] = pu.settings[f];
      }
    }
    if (settingsRow) {
      if (pending.size === 0) deleteRow.run(settingsRow.id);
      else {
        for (const k of Object.keys(panelValues)) if (!pending.has(k as SettingKey)) delete panelValues[k];
        const conflicted = Object.keys(panelValues).length > 0;
        const status = conflicted ? 'conflict' : settingsRow.status === 'conflict' ? 'pending' : settingsRow.status;
        const changes = serialiseChanges(pending);
        const values = conflicted ? JSON.stringify(panelValues) : null;
        if (changes !== settingsRow.changes || values !== settingsRow.panel_values || status !== settingsRow.status || conflicted) {
          writeSettingsRow.run({ id: settingsRow.id, changes, panelValues: values, status, revision: conflicted ? pu.revision : settingsRow.panel_revision, now: o.now });
        }
      }
    }

    let lock: LockState = pu.lock;
    let lockBefore = u.locked === 1;
    if (lockRow) {
      const base = lockRow.base ? (JSON.parse(lockRow.base) as LockState) : lockOf(u);
      lockBefore = base.locked;
      if (lockDone(lockRow.kind as 'lock' | 'unlock', pu.lock)) deleteRow.run(lockRow.id);
      else {
        lock = lockOf(u);
        writeBase.run(JSON.stringify(pu.lock), lockRow.id);
      }
    }

    writeUser.run({ id: u.id, settings: JSON.stringify(next), remote: remoteJson, revision: pu.revision, ...lockColumns(lock), now: o.now });

    if (o.audit !== false) {
      const before = { ...(oldRemote ?? local), ...o.expected?.settings } as Settings;
      for (const field of changedKeys(before, pu.settings)) {
        remoteAudit(u, o, { action: 'settings', field, oldValue: before[field], newValue: pu.settings[field] });
      }
      const was = o.expected?.locked ?? lockBefore;
      if (was !== pu.lock.locked) remoteAudit(u, o, { action: pu.lock.locked ? 'lock' : 'unlock', field: 'locked', oldValue: was, newValue: pu.lock.locked });
    }
  }

  /** A user the local copy does not have yet. Answers its id. */
  function insert(domain: { id: number; name: string }, pu: PanelUser, o: ApplyOptions): number {
    const settings = JSON.stringify(pu.settings);
    const id = Number(
      insertUser.run({
        domainId: domain.id,
        type: pu.type,
        login: pu.login,
        settings,
        ...lockColumns(pu.lock),
        // The panel authenticates user and domain logins with a password (settings.md).
        hasPassword: pu.type === 'ip' ? 0 : 1,
        revision: pu.revision,
        now: o.now,
      }).lastInsertRowid,
    );
    if (o.audit !== false) {
      const chosen = changedKeys(DEFAULT_SETTINGS, pu.settings);
      audit.record(
        {
          action: 'user.add',
          origin: 'remote',
          actor: o.actor,
          userId: id,
          domainId: domain.id,
          domain: domain.name,
          type: pu.type,
          login: pu.login,
          newValue: chosen.length ? Object.fromEntries(chosen.map((k) => [k, pu.settings[k]])) : null,
        },
        o.now,
      );
    }
    return id;
  }

  /**
   * The panel removed `u`. A user this computer added and has not sent yet stays
   * (its add will create it again); otherwise the user goes, and with it the
   * changes waiting for it — they cannot apply any more — each one recorded.
   * Answers whether the user was removed.
   */
  function remove(u: UserRecord, o: ApplyOptions): boolean {
    const rows = rowsOfUser.all(u.id) as OutboxRow[];
    if (rows.some((r) => r.kind === 'user.add')) {
      forget.run(u.id);
      return false;
    }
    for (const r of rows) {
      remoteAudit(u, o, { action: 'outbox.discard', oldValue: r.kind, ...(r.kind === 'settings' ? { newValue: parseChanges(r).map((c) => c.field) } : {}) });
      deleteRow.run(r.id);
    }
    deleteUser.run(u.id);
    remoteAudit(u, o, { action: 'user.remove' });
    return true;
  }

  return { record, apply, insert, remove, addRow, rowsOfUser: (id: number) => rowsOfUser.all(id) as OutboxRow[] };
}

export type UserApplier = ReturnType<typeof createUserApplier>;


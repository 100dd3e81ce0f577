// What a push stores when the panel answered (docs/sync.md "Push"). An entry
// is deleted only in the transaction that stores the panel's answer, and only
// what was sent is taken out of it: an entry edited locally while its request
// was in flight (its `version` moved, or the local value differs from what was
// sent) keeps the rest, with what the panel now has as its base.
import type { PanelUser } from '../../../common/panel-api.js';
import { DEFAULT_SETTINGS, SETTING_KEYS, type SettingKey, type Settings } from '../../../common/settings.js';
import type { AuditService } from '../services/audit.js';
import { auditSubject } from '../services/audit.js';
import type { ServiceContext } from '../services/context.js';
import { parseChanges, serialiseChanges, type FieldChange, type OutboxRow } from '../services/outbox.js';
import { settingsOf, type UserRecord } from '../services/rows.js';
import { lockDone, type ApplyOptions, type UserApplier } from './apply-user.js';
import { mergeField } from './merge.js';

/** A user.add is taken as this computer's own earlier add (replayed after a crash) when the panel's user is exactly what it would have made. */
function isOwnAdd(current: PanelUser, desired: Settings): boolean {
  return current.revision === 1 && !current.lock.locked && SETTING_KEYS.every((k) => current.settings[k] === desired[k]);
}

export function createPushStore(ctx: ServiceContext, deps: { audit: AuditService; applier: UserApplier }) {
  const { db } = ctx;
  const { applier, audit } = deps;
  const byId = db.prepare(`SELECT * FROM outbox WHERE id = ?`);
  const deleteIfVersion = db.prepare(`DELETE FROM outbox WHERE id = ? AND version = ?`);
  const deleteRow = db.prepare(`DELETE FROM outbox WHERE id = ?`);
  const fail = db.prepare(
    `UPDATE outbox SET status = 'failed', error = ?, attempts = attempts + 1, updated_at = ? WHERE id = ? AND version = ?`,
  );
  const attempted = db.prepare(`UPDATE outbox SET attempts = attempts + 1 WHERE id = ?`);
  const writeChanges = db.prepare(`UPDATE outbox SET changes = ?, updated_at = ? WHERE id = ?`);
  const writeLocalSettings = db.prepare(`UPDATE users SET settings = ?, updated_at = ? WHERE id = ?`);
  const confirmRevision = db.prepare(`UPDATE users SET revision = ? WHERE id = ? AND revision = ?`);
  const setHasPassword = db.prepare(`UPDATE users SET has_password = 1 WHERE id = ?`);

  const get = (id: number) => byId.get(id) as OutboxRow | undefined;
  const tx = <T>(fn: () => T): T => db.transaction(fn)();

  function options(actor: string, extra: Partial<ApplyOptions> = {}): ApplyOptions {
    return { actor, now: ctx.now(), ...extra };
  }

  /** Local values that still differ from what the panel now has, as changes based on the panel's values. */
  function leftover(u: UserRecord, panel: Settings, fields: Iterable<SettingKey>): Map<SettingKey, FieldChange> {
    const local = settingsOf(u);
    const out = new Map<SettingKey, FieldChange>();
    for (const f of fields) if (local[f] !== panel[f]) out.set(f, { field: f, from: panel[f], to: local[f] });
    return out;
  }

  function settingsRowOf(userId: number): OutboxRow | undefined {
    return applier.rowsOfUser(userId).find((r) => r.kind === 'settings');
  }

  /** Puts `changes` into the user's settings entry (made if there is none). */
  function mergeIntoSettingsRow(u: UserRecord, panelId: number | null, changes: Map<SettingKey, FieldChange>, now: string): void {
    if (changes.size === 0) return;
    const row = settingsRowOf(u.id);
    if (!row) {
      applier.addRow({ panelId, domainId: u.domain_id, userId: u.id, type: u.type, login: u.login, kind: 'settings', changes: [...changes.values()] }, now);
      return;
    }
    const byField = new Map(parseChanges(row).map((c) => [c.field, c]));
    for (const [f, c] of changes) byField.set(f, c);
    writeChanges.run(serialiseChanges(byField), now, row.id);
  }

  return {
    get,

    /** The entry could not be sent; counted, nothing else changes. */
    attempted(id: number): void {
      attempted.run(id);
    },

    /** A refusal (400, 403, 404): failed with the panel's message, unless the entry was edited meanwhile (then it is sent again). */
    failed(row: OutboxRow, message: string): void {
      fail.run(message, ctx.now(), row.id, row.version);
    },

    /** domain.add, user.remove: done, unless edited meanwhile. */
    done(row: OutboxRow): void {
      deleteIfVersion.run(row.id, row.version);
    },

    /** The panel changed the user meanwhile (409): merge its current state. */
    panelState(userId: number, current: PanelUser, actor: string): void {
      tx(() => {
        const u = applier.record(userId);
        if (u) applier.apply(u, current, options(actor));
      });
    },

    /** setsettings went through with `sent`. */
    settingsSent(userId: number, panelId: number, sent: Partial<Settings>, answer: PanelUser, actor: string): void {
      tx(() => {
        const u = applier.record(userId);
        if (!u) return;
        const o = options(actor, { expected: { settings: sent } });
        // A field edited again (or back) while the request was in flight: what is local now goes next, based on what the panel has now.
        mergeIntoSettingsRow(u, panelId, leftover(u, answer.settings, Object.keys(sent) as SettingKey[]), o.now);
        applier.apply(u, answer, o);
      });
    },

    /** lock/unlock went through. */
    lockSent(row: OutboxRow, answer: PanelUser, actor: string): void {
      tx(() => {
        const u = applier.record(row.user_id!);
        if (!u) return;
        const now = ctx.now();
        // Taken back while in flight (the row is gone): the local state is the intent now.
        if (!get(row.id)) {
          const kind = u.locked === 1 ? 'lock' : 'unlock';
          if (!lockDone(kind, answer.lock)) {
            applier.addRow({ panelId: row.panel_id, domainId: u.domain_id, userId: u.id, type: u.type, login: u.login, kind, base: answer.lock }, now);
          }
        }
        applier.apply(u, answer, options(actor, { expected: { locked: row.kind === 'lock' } }));
      });
    },

    /** setpassword went through; the revision is confirmed only if the panel changed nothing else meanwhile. */
    passwordSent(row: OutboxRow, revision: number): void {
      tx(() => {
        deleteIfVersion.run(row.id, row.version);
        const u = row.user_id === null ? undefined : applier.record(row.user_id);
        if (u && u.revision !== null && revision === u.revision + 1) confirmRevision.run(revision, u.id, u.revision);
      });
    },

    /** user.add went through (or was found to be this computer's own earlier add). */
    userAdded(row: OutboxRow, sentSecret: Buffer | null, answer: PanelUser, actor: string): void {
      tx(() => this.userAddedInTx(row, sentSecret, answer, actor));
    },

    userAddedInTx(row: OutboxRow, sentSecret: Buffer | null, answer: PanelUser, actor: string): void {
      const u = row.user_id === null ? undefined : applier.record(row.user_id);
      const fresh = get(row.id);
      if (fresh) deleteRow.run(fresh.id);
      if (!u) return; // discarded while in flight: the panel has it now, and the next pull brings it back
      const now = ctx.now();
      if (sentSecret) setHasPassword.run(u.id);
      // Edited while in flight: what differs from the panel's new user goes next.
      mergeIntoSettingsRow(u, row.panel_id, leftover(u, answer.settings, SETTING_KEYS), now);
      if (fresh?.secret && !(sentSecret && fresh.secret.equals(sentSecret))) {
        applier.addRow({ panelId: row.panel_id, domainId: u.domain_id, userId: u.id, type: u.type, login: u.login, kind: 'password', secret: fresh.secret, secretStorage: fresh.secret_storage }, now);
      }
      applier.apply(applier.record(u.id)!, answer, options(actor, { expected: { settings: answer.settings, locked: answer.lock.locked }, audit: false }));
    },

    /**
     * user.add answered 409: the panel has a user of that name. Exactly what this
     * computer would have made → its own earlier add. Otherwise merge with the
     * defaults as the base: what only one side chose goes through, what both chose
     * differently is a conflict, and the password is set (it was this computer's intent).
     */
    userExists(row: OutboxRow, current: PanelUser, actor: string): void {
      tx(() => {
        const u = row.user_id === null ? undefined : applier.record(row.user_id);
        if (!u) return;
        const local = settingsOf(u);
        if (isOwnAdd(current, local)) return this.userAddedInTx(row, row.secret, current, actor);
        const now = ctx.now();
        const changes = new Map<SettingKey, FieldChange>();
        const panelValues: Record<string, unknown> = {};
        const taken: Settings = { ...local };
        for (const f of SETTING_KEYS) {
          const outcome = mergeField(DEFAULT_SETTINGS[f], local[f], current.settings[f]);
          if (outcome === 'take') (taken as Record<string, unknown>)[f] = current.settings[f];
          else if (outcome === 'send') changes.set(f, { field: f, from: current.settings[f], to: local[f] });
          else if (outcome === 'conflict') {
            changes.set(f, { field: f, from: DEFAULT_SETTINGS[f], to: local[f] });
            panelValues[f] = current.settings[f];
          }
        }
        deleteRow.run(row.id);
        writeLocalSettings.run(JSON.stringify(taken), now, u.id);
        for (const f of SETTING_KEYS) {
          if (taken[f] !== local[f]) {
            audit.record({ action: 'settings', origin: 'remote', actor, ...auditSubject(u), field: f, oldValue: local[f], newValue: taken[f] }, now);
          }
        }
        if (changes.size) {
          applier.addRow(
            { panelId: row.panel_id, domainId: u.domain_id, userId: u.id, type: u.type, login: u.login, kind: 'settings', changes: [...changes.values()], status: Object.keys(panelValues).length ? 'conflict' : 'pending', panelValues },
            now,
          );
        }
        if (row.secret) {
          setHasPassword.run(u.id);
          applier.addRow({ panelId: row.panel_id, domainId: u.domain_id, userId: u.id, type: u.type, login: u.login, kind: 'password', secret: row.secret, secretStorage: row.secret_storage }, now);
        }
        applier.apply(applier.record(u.id)!, current, options(actor, { audit: false }));
      });
    },
  };
}

export type PushStore = ReturnType<typeof createPushStore>;

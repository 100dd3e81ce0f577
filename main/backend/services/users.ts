// Outgoing users: add, remove, read, edit settings (one or many), set a
// password, lock and unlock. Every change validates with common/ (again: the
// registry already parsed the input, but services are called by the sync
// engine and tests too), then writes the row, its audit entries and its outbox
// entry in one transaction. A refused change writes nothing.
import type { ParsedInputOf, UserDetail } from '../../../common/ipc/contract.js';
import { OutpostError, invalidInput, issuesFromZod, type Issue } from '../../../common/ipc/errors.js';
import { PasswordSchema, displayLogin, normaliseLogin, type LockState } from '../../../common/model.js';
import {
  DEFAULT_SETTINGS,
  SettingsPatchSchema,
  changedKeys,
  mergeSettings,
  type SettingKey,
  type Settings,
  type SettingsPatch,
} from '../../../common/settings.js';
import { auditSubject, type AuditService } from './audit.js';
import { transactor } from '../store/transaction.js';
import type { ServiceContext } from './context.js';
import type { DomainsService } from './domains.js';
import type { OutboxService } from './outbox.js';
import { USER_BY_ID_SQL, USER_EXISTS_SQL, USER_RECORD_SQL, WRITE_LOCK_SQL, WRITE_SETTINGS_SQL, lockColumns, lockOf, settingsOf, userNotFound, type UserRecord } from './rows.js';
import { createUserSearch, toUserRow } from './user-search.js';

type AddInput = ParsedInputOf<'users.add'>;

/** Parses a settings patch; issues are named under `prefix` (the input key that holds it). */
function parsePatch(patch: unknown, prefix: string): SettingsPatch {
  const parsed = SettingsPatchSchema.safeParse(patch);
  if (!parsed.success) throw invalidInput(issuesFromZod(parsed.error).map((i) => ({ ...i, path: i.path ? `${prefix}.${i.path}` : prefix })));
  return parsed.data;
}

function merged(current: Settings, patch: SettingsPatch, prefix: string): Settings {
  const m = mergeSettings(current, patch);
  if (!m.ok) throw invalidInput(m.issues.map((i) => ({ path: `${prefix}.${i.field}`, message: i.message })));
  return m.settings;
}

function passwordIssue(message: string): OutpostError {
  return invalidInput([{ path: 'password', message }]);
}

export function createUsersService(ctx: ServiceContext, deps: { audit: AuditService; outbox: OutboxService; domains: DomainsService }) {
  const { db } = ctx;
  const tx = transactor(db);
  const { audit, outbox } = deps;
  const search = createUserSearch(ctx, deps);
  const recordById = db.prepare(USER_BY_ID_SQL);
  const recordsByIds = db.prepare(`${USER_RECORD_SQL} WHERE u.id IN (SELECT value FROM json_each(?))`);
  const exists = db.prepare(USER_EXISTS_SQL).pluck();
  const insert = db.prepare(
    `INSERT INTO users (domain_id, type, login, settings, has_password, updated_at) VALUES (@domainId, @type, @login, @settings, @hasPassword, @now)`,
  );
  const remove = db.prepare(`DELETE FROM users WHERE id = ?`);
  const writeSettings = db.prepare(WRITE_SETTINGS_SQL);
  const writePassword = db.prepare(`UPDATE users SET has_password = 1, updated_at = ? WHERE id = ?`);
  const writeLock = db.prepare(WRITE_LOCK_SQL);
  const outboxSummary = db.prepare(
    `SELECT count(*) AS pending, coalesce(max(status = 'conflict'), 0) AS conflict, coalesce(max(status = 'failed'), 0) AS failed
       FROM outbox WHERE user_id = ?`,
  );

  function record(id: number): UserRecord {
    const u = recordById.get(id) as UserRecord | undefined;
    if (!u) throw userNotFound(id);
    return u;
  }

  const detail = (id: number): UserDetail => detailOf(record(id));

  function detailOf(u: UserRecord): UserDetail {
    const { id } = u;
    const summary = outboxSummary.get(id) as { pending: number; conflict: number; failed: number };
    return {
      ...toUserRow({ id: u.id, domainId: u.domain_id, domain: u.domain, type: u.type, login: u.login, locked: u.locked, ...summary }),
      panelId: u.panel_id,
      settings: settingsOf(u),
      lock: lockOf(u),
      revision: u.revision,
      updatedAt: u.updated_at,
      pendingFields: outbox.pendingFields(id),
      hasPassword: u.has_password === 1,
    };
  }

  /** Writes new settings for one user with its audit and outbox entries; call inside a transaction. */
  function applySettings(u: UserRecord, before: Settings, after: Settings, now: string): SettingKey[] {
    const keys = changedKeys(before, after);
    if (keys.length === 0) return keys;
    writeSettings.run(JSON.stringify(after), now, u.id);
    for (const field of keys) audit.record({ action: 'settings', ...auditSubject(u), field, oldValue: before[field], newValue: after[field] }, now);
    outbox.settingsEdited(u, before, after);
    return keys;
  }

  function setLock(id: number, wanted: (current: LockState, now: string) => LockState | null): UserDetail {
    const u = record(id);
    const current = lockOf(u);
    const now = ctx.now();
    const desired = wanted(current, now);
    if (desired === null) return detail(id); // already so: nothing to record
    tx(() => {
      const shown = outbox.lockIntended(u, current, desired);
      writeLock.run({ id, now, ...lockColumns(shown) });
      audit.record({ action: desired.locked ? 'lock' : 'unlock', ...auditSubject(u), field: 'locked', oldValue: current.locked, newValue: desired.locked }, now);
    });
    ctx.events.changed(['users', 'outbox', 'audit'], [id]);
    return detail(id);
  }

  return {
    record,
    get: detail,
    list: search.list,
    /** Applies queued search-index changes now (searches do it on demand; call after a big pull). */
    flushSearchIndex: search.flushSearchIndex,

    add(input: AddInput): UserDetail {
      const domain = deps.domains.require(input.domainId);
      const login = normaliseLogin(input.type, input.login ?? '');
      if (!login.ok) throw invalidInput([{ path: 'login', message: login.message }]);
      // The panel authenticates user and domain logins with a password and IP logins without one.
      if (input.type === 'ip' && input.password !== undefined) throw passwordIssue('An IP address login has no password');
      if (input.type !== 'ip') {
        if (input.password === undefined) throw passwordIssue(`A password is required for this type of login`);
        const pw = PasswordSchema.safeParse(input.password);
        if (!pw.success) throw passwordIssue(pw.error.issues[0]?.message ?? 'Password is not valid');
      }
      const settings = input.settings === undefined ? DEFAULT_SETTINGS : merged(DEFAULT_SETTINGS, parsePatch(input.settings, 'settings'), 'settings');
      const identity = { domain: domain.name, type: input.type, login: login.login };
      if (exists.get(domain.id, input.type, login.login)) {
        // A domain login's display is the bare domain name: "example.com already exists" would read as the domain.
        const what = input.type === 'domain' ? `The domain login of ${domain.name}` : displayLogin(identity);
        // Named on the login field, so a form shows it where the login was typed.
        throw new OutpostError('already_exists', `${what} already exists`, [{ path: 'login', message: `${what} already exists` }]);
      }

      const added = tx(() => {
        const now = ctx.now();
        const id = Number(
          insert.run({ domainId: domain.id, type: input.type, login: login.login, settings: JSON.stringify(settings), hasPassword: input.password === undefined ? 0 : 1, now })
            .lastInsertRowid,
        );
        const u = record(id);
        outbox.userAdded(u, settings, input.password);
        const chosen = Object.fromEntries(changedKeys(DEFAULT_SETTINGS, settings).map((k) => [k, settings[k]]));
        audit.record({ action: 'user.add', ...auditSubject(u), newValue: chosen }, now);
        return u;
      });
      ctx.events.changed(['users', 'domains', 'outbox', 'audit'], [added.id]);
      return detailOf(added);
    },

    remove(id: number): { removed: true } {
      const u = record(id);
      tx(() => {
        outbox.userRemoved(u);
        remove.run(id);
        audit.record({ action: 'user.remove', ...auditSubject(u) });
      });
      ctx.events.changed(['users', 'domains', 'outbox', 'audit'], [id]);
      return { removed: true };
    },

    updateSettings(id: number, changes: SettingsPatch): UserDetail {
      const patch = parsePatch(changes, 'changes');
      const u = record(id);
      const before = settingsOf(u);
      const after = merged(before, patch, 'changes');
      const keys = tx(() => applySettings(u, before, after, ctx.now()));
      if (keys.length) ctx.events.changed(['users', 'outbox', 'audit'], [id]);
      return detail(id);
    },

    /** The same changes for many users, all or none: one user that would break a rule refuses the whole edit. */
    bulkUpdate(ids: readonly number[], changes: SettingsPatch): { updated: number; unchanged: number } {
      const patch = parsePatch(changes, 'changes');
      const unique = [...new Set(ids)];
      const users = recordsByIds.all(JSON.stringify(unique)) as UserRecord[];
      if (users.length !== unique.length) {
        const found = new Set(users.map((u) => u.id));
        const missing = unique.filter((id) => !found.has(id));
        throw new OutpostError('not_found', `No outgoing user with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
      }
      const plans = users.map((u) => {
        const before = settingsOf(u);
        const m = mergeSettings(before, patch);
        return { u, before, m };
      });
      const refused = plans.filter((p) => !p.m.ok);
      if (refused.length) {
        const issues: Issue[] = [];
        for (const p of refused) if (!p.m.ok) for (const i of p.m.issues) issues.push({ path: `changes.${i.field}`, message: i.message });
        const first = refused[0]!.u;
        throw new OutpostError(
          'invalid_input',
          `${issues[0]!.message} for ${refused.length} of the ${users.length} users (first: ${displayLogin(first)}); nothing was changed`,
          [...new Map(issues.map((i) => [`${i.path}\n${i.message}`, i])).values()],
        );
      }
      let updated = 0;
      const changedIds: number[] = [];
      tx(() => {
        const now = ctx.now();
        for (const p of plans) {
          if (p.m.ok && applySettings(p.u, p.before, p.m.settings, now).length) {
            updated++;
            changedIds.push(p.u.id);
          }
        }
      });
      if (updated) ctx.events.changed(['users', 'outbox', 'audit'], changedIds);
      return { updated, unchanged: users.length - updated };
    },

    setPassword(id: number, password: string): { ok: true } {
      const pw = PasswordSchema.safeParse(password);
      if (!pw.success) throw passwordIssue(pw.error.issues[0]?.message ?? 'Password is not valid');
      const u = record(id);
      if (u.type === 'ip') throw passwordIssue('An IP address login has no password');
      tx(() => {
        const now = ctx.now();
        writePassword.run(now, id);
        outbox.passwordSet(u, pw.data);
        audit.record({ action: 'password', ...auditSubject(u) }, now);
      });
      ctx.events.changed(['users', 'outbox', 'audit'], [id]);
      return { ok: true };
    },

    /** A manual lock, shown at once; the panel applies it on the next push. */
    lock(id: number): UserDetail {
      return setLock(id, (current, now) =>
        current.locked && current.lock_reason === 'manual'
          ? null
          : { ...current, locked: true, lock_reason: 'manual', locked_since: current.locked ? current.locked_since : now },
      );
    },

    unlock(id: number): UserDetail {
      return setLock(id, (current) => (current.locked ? { ...current, locked: false, lock_reason: null, locked_since: null } : null));
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;

// Discarding a waiting change puts the local state back to what the panel
// last had (the entry's base) and deletes the entry, in one transaction.
import { OutpostError } from '../../../common/ipc/errors.js';
import type { LockState } from '../../../common/model.js';
import { displayLogin } from '../../../common/model.js';
import type { AuditService } from './audit.js';
import { transactor } from '../store/transaction.js';
import type { ServiceContext } from './context.js';
import { parseChanges, type OutboxRow, type OutboxService } from './outbox.js';
import { USER_BY_ID_SQL, USER_EXISTS_SQL, WRITE_LOCK_SQL, WRITE_SETTINGS_SQL, lockColumns, settingsOf, type UserRecord } from './rows.js';

/** What a user.remove entry keeps so that discarding it can put the user back as it was. */
interface RemovedUser {
  user: Record<string, unknown> & { id: number; domain_id: number; type: string; login: string };
  entries: (Omit<OutboxRow, 'secret'> & { secret: string | null })[];
}

/** An INSERT of every column of `table`, named as the columns are. */
function insertAll(ctx: ServiceContext, table: 'users' | 'outbox') {
  const cols = (ctx.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).map((c) => `"${c}"`);
  return ctx.db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c.slice(1, -1)}`).join(', ')})`);
}

export function createOutboxDiscard(ctx: ServiceContext, deps: { audit: AuditService; outbox: OutboxService }) {
  const { db } = ctx;
  const tx = transactor(db);
  const { audit, outbox } = deps;
  const userById = db.prepare(USER_BY_ID_SQL);
  const domainById = db.prepare(`SELECT id, name FROM domains WHERE id = ?`);
  const writeSettings = db.prepare(WRITE_SETTINGS_SQL);
  const writeLock = db.prepare(WRITE_LOCK_SQL);
  const identityTaken = db.prepare(USER_EXISTS_SQL).pluck();
  const deleteUser = db.prepare(`DELETE FROM users WHERE id = ?`);
  const deleteDomain = db.prepare(`DELETE FROM domains WHERE id = ?`);
  const insertUser = insertAll(ctx, 'users');
  const insertEntry = insertAll(ctx, 'outbox');

  function subject(row: OutboxRow) {
    const domain = domainById.get(row.domain_id) as { id: number; name: string };
    return { userId: row.user_id, domainId: domain.id, domain: domain.name, type: row.type, login: row.login };
  }

  /** Reverts the local state an entry stands for; answers the user ids touched. */
  function revert(row: OutboxRow, now: string): number[] {
    const u = row.user_id === null ? undefined : (userById.get(row.user_id) as UserRecord | undefined);
    const who = subject(row);
    switch (row.kind) {
      case 'settings': {
        if (!u) return [];
        const settings: Record<string, unknown> = settingsOf(u);
        const changes = parseChanges(row);
        for (const c of changes) settings[c.field] = c.from;
        writeSettings.run(JSON.stringify(settings), now, u.id);
        for (const c of changes) audit.record({ action: 'outbox.discard', ...who, field: c.field, oldValue: c.to, newValue: c.from }, now);
        return [u.id];
      }
      case 'lock':
      case 'unlock': {
        if (!u) return [];
        const base = JSON.parse(row.base ?? 'null') as LockState;
        writeLock.run({ id: u.id, now, ...lockColumns(base) });
        audit.record({ action: 'outbox.discard', ...who, field: 'locked', oldValue: u.locked === 1, newValue: base.locked }, now);
        return [u.id];
      }
      case 'user.add': {
        if (!u) return [];
        outbox.deleteForUser(u.id);
        deleteUser.run(u.id);
        audit.record({ action: 'outbox.discard', ...who, oldValue: row.kind }, now);
        return [u.id];
      }
      case 'user.remove': {
        const { user, entries } = JSON.parse(row.base ?? 'null') as RemovedUser;
        if (identityTaken.get(user.domain_id, user.type, user.login)) {
          throw new OutpostError('conflict', `${displayLogin({ domain: who.domain, type: row.type ?? 'user', login: row.login ?? '' })} was added again since it was removed; remove that one first`);
        }
        outbox.deleteRow(row.id); // before the restored entries, which may hold this user's unique rows
        insertUser.run(user);
        for (const e of entries) insertEntry.run({ ...e, secret: e.secret === null ? null : Buffer.from(e.secret, 'base64') });
        audit.record({ action: 'outbox.discard', ...who, userId: user.id, oldValue: row.kind }, now);
        return [user.id];
      }
      case 'domain.add': {
        // Everything added under a domain the panel never saw goes with it (users and outbox rows cascade).
        deleteDomain.run(row.domain_id);
        audit.record({ action: 'outbox.discard', ...who, oldValue: row.kind }, now);
        return [];
      }
      case 'password':
        audit.record({ action: 'outbox.discard', ...who, oldValue: row.kind }, now);
        return u ? [u.id] : [];
    }
  }

  return {
    discard(id: number): { discarded: true } {
      const userIds = tx(() => {
        const row = outbox.require(id);
        const ids = revert(row, ctx.now());
        outbox.deleteRow(row.id);
        return ids;
      });
      ctx.events.changed(['users', 'domains', 'outbox', 'audit'], userIds);
      return { discarded: true };
    },
  };
}

export type OutboxDiscard = ReturnType<typeof createOutboxDiscard>;

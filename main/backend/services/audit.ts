// The audit trail: append-only, written by the caller's transaction so that a
// change and its record commit together. Passwords never reach it — a
// password change is the action 'password' with no values.
import type { AuditEntry } from '../../../common/ipc/contract.js';
import { AUDIT_ACTIONS, ORIGINS } from '../../../common/ipc/contract.js';
import type { UserType } from '../../../common/model.js';
import type { ServiceContext } from './context.js';
import { jsonOrNull, parseJsonOrNull, type Page, type Window } from './rows.js';

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type Origin = (typeof ORIGINS)[number];

export interface AuditRecord {
  action: AuditAction;
  /** default 'local' */
  origin?: Origin;
  /** default: the context's actor (the OS user) */
  actor?: string;
  userId?: number | null;
  domainId?: number | null;
  /** the panel connection a panel.* action is about */
  panelId?: number | null;
  domain?: string | null;
  type?: UserType | null;
  login?: string | null;
  field?: string | null;
  oldValue?: unknown;
  newValue?: unknown;
}

/** The identity columns of a user, as the trail stores them. */
export function auditSubject(u: { id: number; domain_id: number; domain: string; type: UserType; login: string }) {
  return { userId: u.id, domainId: u.domain_id, domain: u.domain, type: u.type, login: u.login };
}

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  origin: Origin;
  action: AuditAction;
  user_id: number | null;
  domain: string | null;
  type: UserType | null;
  login: string | null;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
}

export type AuditListInput = Window & { userId?: number; domainId?: number };

export function createAuditService(ctx: ServiceContext) {
  const { db } = ctx;
  const insert = db.prepare(
    `INSERT INTO audit (at, actor, origin, action, user_id, domain_id, panel_id, domain, type, login, field, old_value, new_value)
     VALUES (@at, @actor, @origin, @action, @userId, @domainId, @panelId, @domain, @type, @login, @field, @oldValue, @newValue)`,
  );
  // Newest first; each question has its own statement so that it uses its index.
  const byUser = `WHERE user_id = @userId AND (@domainId IS NULL OR domain_id = @domainId)`;
  const listByUser = db.prepare(`SELECT * FROM audit ${byUser} ORDER BY id DESC LIMIT @limit OFFSET @offset`);
  const countByUser = db.prepare(`SELECT count(*) FROM audit ${byUser}`).pluck();
  const listByDomain = db.prepare(`SELECT * FROM audit WHERE domain_id = @domainId ORDER BY id DESC LIMIT @limit OFFSET @offset`);
  const countByDomain = db.prepare(`SELECT count(*) FROM audit WHERE domain_id = @domainId`).pluck();
  const listAll = db.prepare(`SELECT * FROM audit ORDER BY id DESC LIMIT @limit OFFSET @offset`);
  const countAll = db.prepare(`SELECT count(*) FROM audit`).pluck();

  function toEntry(r: AuditRow): AuditEntry {
    return {
      id: r.id,
      at: r.at,
      actor: r.actor,
      origin: r.origin,
      action: r.action,
      userId: r.user_id,
      domain: r.domain,
      type: r.type,
      login: r.login,
      field: r.field,
      oldValue: parseJsonOrNull(r.old_value),
      newValue: parseJsonOrNull(r.new_value),
    };
  }

  return {
    /** Appends one entry; call inside the transaction of the change it records. */
    record(rec: AuditRecord, at: string = ctx.now()): void {
      // Defence in depth: whatever a caller passes, a password's values are never stored.
      const secret = rec.action === 'password' || rec.field === 'password';
      insert.run({
        at,
        actor: rec.actor ?? ctx.actor,
        origin: rec.origin ?? 'local',
        action: rec.action,
        userId: rec.userId ?? null,
        domainId: rec.domainId ?? null,
        panelId: rec.panelId ?? null,
        domain: rec.domain ?? null,
        type: rec.type ?? null,
        login: rec.login ?? null,
        field: rec.field ?? null,
        oldValue: secret ? null : jsonOrNull(rec.oldValue),
        newValue: secret ? null : jsonOrNull(rec.newValue),
      });
    },

    list(input: AuditListInput): Page<AuditEntry> {
      const params = { userId: input.userId ?? null, domainId: input.domainId ?? null, limit: input.limit, offset: input.offset };
      const [list, count] =
        params.userId !== null ? [listByUser, countByUser] : params.domainId !== null ? [listByDomain, countByDomain] : [listAll, countAll];
      return { items: (list.all(params) as AuditRow[]).map(toEntry), total: count.get(params) as number };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

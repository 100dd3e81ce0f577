// Stores one page of the change feed: domains, upserts and deletes, the
// cursor, and the audit entries, all in ONE transaction (docs/sync.md "Pull").
// A page either lands whole or not at all, so the stored cursor always
// describes exactly what the store holds.
import type { PanelChange, PanelUser } from '../../../common/panel-api.js';
import type { AuditService } from '../services/audit.js';
import type { ServiceContext } from '../services/context.js';
import { USER_RECORD_SQL, type UserRecord } from '../services/rows.js';
import type { ApplyOptions, UserApplier } from './apply-user.js';

/** The panel connection changed (edited, reset or removed) while its sync was running. */
export class PanelChangedError extends Error {
  constructor() {
    super('The panel connection changed during the sync');
    this.name = 'PanelChangedError';
  }
}

/** What a replay from 0 has seen so far, to remove afterwards what the panel no longer has. */
export interface ReplaySeen {
  users: Set<number>;
  domains: Set<number>;
}

export interface PanelStamp {
  id: number;
  name: string;
  /** panels.updated_at when the sync started: changes when a person edits, resets or removes the panel */
  updatedAt: string;
}

export interface PageResult {
  userIds: number[];
  /** changes that altered the store */
  changed: number;
  /** domains the panel has that are already local-only or another panel's: not synced */
  skippedDomains: string[];
}

type DomainSlot = { id: number; name: string; mine: boolean };

export function createPageStore(ctx: ServiceContext, deps: { audit: AuditService; applier: UserApplier }) {
  const { db } = ctx;
  const { audit, applier } = deps;
  const panelStamp = db.prepare(`SELECT updated_at FROM panels WHERE id = ?`).pluck();
  const domainByName = db.prepare(`SELECT id, panel_id FROM domains WHERE name = ?`);
  const insertDomain = db.prepare(`INSERT INTO domains (name, panel_id, created_at) VALUES (?, ?, ?)`);
  const userByKey = db.prepare(
    `SELECT u.id, u.revision, EXISTS (SELECT 1 FROM outbox o WHERE o.user_id = u.id) AS busy
       FROM users u WHERE u.domain_id = ? AND u.type = ? AND u.login = ?`,
  );
  const recordById = db.prepare(`${USER_RECORD_SQL} WHERE u.id = ?`);
  const pendingRemove = db.prepare(
    `SELECT id FROM outbox WHERE domain_id = ? AND kind = 'user.remove' AND type = ? AND login = ? ORDER BY id`,
  );
  const anyRemoves = db.prepare(`SELECT EXISTS (SELECT 1 FROM outbox WHERE panel_id = ? AND kind = 'user.remove')`).pluck();
  const deleteRow = db.prepare(`DELETE FROM outbox WHERE id = ?`);
  const setCursor = db.prepare(`UPDATE panels SET cursor = ? WHERE id = ?`);
  const panelUsers = db.prepare(`SELECT u.id FROM users u JOIN domains d ON d.id = u.domain_id WHERE d.panel_id = ?`).pluck();
  const panelDomains = db.prepare(`SELECT id FROM domains WHERE panel_id = ?`).pluck();
  const domainBusy = db.prepare(
    `SELECT EXISTS (SELECT 1 FROM users WHERE domain_id = @id) OR EXISTS (SELECT 1 FROM outbox WHERE domain_id = @id)`,
  ).pluck();
  const userBusy = db.prepare(`SELECT EXISTS (SELECT 1 FROM outbox WHERE user_id = ?)`).pluck();
  const deleteDomain = db.prepare(`DELETE FROM domains WHERE id = ?`);

  function checkStamp(panel: PanelStamp): void {
    if (panelStamp.get(panel.id) !== panel.updatedAt) throw new PanelChangedError();
  }

  function applyPage(
    panel: PanelStamp,
    changes: readonly PanelChange[],
    opts: { cursor: string | null; seen?: ReplaySeen | undefined; finishReplay?: boolean },
  ): PageResult {
    return db.transaction((): PageResult => {
      checkStamp(panel);
      const now = ctx.now();
      const o: ApplyOptions = { actor: panel.name, now };
      const slots = new Map<string, DomainSlot>();
      const skipped = new Set<string>();
      const userIds: number[] = [];
      let changed = 0;
      const removesWaiting = anyRemoves.get(panel.id) === 1;

      const slot = (name: string): DomainSlot => {
        let s = slots.get(name);
        if (s) return s;
        const row = domainByName.get(name) as { id: number; panel_id: number | null } | undefined;
        if (row) s = { id: row.id, name, mine: row.panel_id === panel.id };
        else {
          s = { id: Number(insertDomain.run(name, panel.id, now).lastInsertRowid), name, mine: true };
          audit.record({ action: 'domain.add', origin: 'remote', actor: panel.name, domainId: s.id, panelId: panel.id, domain: name, newValue: { panelId: panel.id } }, now);
          changed++;
        }
        if (!s.mine) skipped.add(name);
        else opts.seen?.domains.add(s.id);
        slots.set(name, s);
        return s;
      };

      const upsert = (d: DomainSlot, pu: PanelUser) => {
        const found = userByKey.get(d.id, pu.type, pu.login) as { id: number; revision: number | null; busy: number } | undefined;
        if (!found) {
          // A removal waiting to be sent: the panel's copy is on its way out; do not bring it back.
          if (removesWaiting && pendingRemove.get(d.id, pu.type, pu.login) !== undefined) return;
          const id = applier.insert(d, pu, o);
          opts.seen?.users.add(id);
          userIds.push(id);
          changed++;
          return;
        }
        opts.seen?.users.add(found.id);
        // The panel raises the revision on every change of a user: same revision, same state.
        if (found.busy === 0 && found.revision === pu.revision) return;
        applier.apply(recordById.get(found.id) as UserRecord, pu, o);
        userIds.push(found.id);
        changed++;
      };

      const remove = (d: DomainSlot, key: { type: PanelUser['type']; login: string }) => {
        const found = userByKey.get(d.id, key.type, key.login) as { id: number } | undefined;
        if (found) {
          applier.remove(recordById.get(found.id) as UserRecord, o);
          userIds.push(found.id);
          changed++;
          return;
        }
        // Removed here and there: the waiting removal is done.
        for (const id of pendingRemove.all(d.id, key.type, key.login) as { id: number }[]) deleteRow.run(id.id);
      };

      for (const c of changes) {
        const d = slot(c.op === 'upsert' ? c.user.domain : c.domain);
        if (!d.mine || c.op === 'domain') continue;
        if (c.op === 'upsert') upsert(d, c.user);
        else remove(d, c);
      }
      if (opts.cursor !== null) setCursor.run(opts.cursor, panel.id);
      if (opts.finishReplay && opts.seen) changed += finishReplay(panel, opts.seen, o, userIds);
      return { userIds, changed, skippedDomains: [...skipped] };
    })();
  }

  /**
   * After a full replay: what the panel no longer has goes, unless it has
   * changes waiting (a local add, or edits that the push will report as gone).
   */
  function finishReplay(panel: PanelStamp, seen: ReplaySeen, o: ApplyOptions, userIds: number[]): number {
    let removed = 0;
    for (const id of panelUsers.all(panel.id) as number[]) {
      if (seen.users.has(id) || userBusy.get(id) === 1) continue;
      applier.remove(recordById.get(id) as UserRecord, o);
      userIds.push(id);
      removed++;
    }
    for (const id of panelDomains.all(panel.id) as number[]) {
      if (seen.domains.has(id) || domainBusy.get({ id }) === 1) continue;
      deleteDomain.run(id);
      removed++;
    }
    return removed;
  }

  const hasDomains = db.prepare(`SELECT EXISTS (SELECT 1 FROM domains WHERE panel_id = ?)`).pluck();

  return {
    applyPage,
    checkStamp,
    /** whether the local copy holds anything of this panel (then a replay from 0 reconciles) */
    hasLocalCopy: (panelId: number) => hasDomains.get(panelId) === 1,
  };
}

export type PageStore = ReturnType<typeof createPageStore>;

// Domains: add (normalised name, optionally under a panel) and list windows.
import type { DomainRow } from '../../../common/ipc/contract.js';
import { OutpostError, invalidInput, issuesFromZod } from '../../../common/ipc/errors.js';
import { DomainNameSchema } from '../../../common/model.js';
import type { AuditService } from './audit.js';
import { transactor } from '../store/transaction.js';
import type { ServiceContext } from './context.js';
import type { OutboxService } from './outbox.js';
import { likeContains, searchText, type Page, type Window } from './rows.js';
import { statementCache } from './statements.js';

export interface DomainRecord {
  id: number;
  name: string;
  panel_id: number | null;
}

export type DomainListInput = Window & { query?: string; panelId?: number | null };

const ROW_SQL = /* sql */ `
  SELECT d.id, d.name, d.panel_id AS panelId, p.name AS panelName,
         (SELECT count(*) FROM users u WHERE u.domain_id = d.id) AS userCount,
         (SELECT count(*) FROM outbox o WHERE o.domain_id = d.id) AS pendingCount
    FROM domains d LEFT JOIN panels p ON p.id = d.panel_id`;

export function createDomainsService(ctx: ServiceContext, deps: { audit: AuditService; outbox: OutboxService }) {
  const { db } = ctx;
  const tx = transactor(db);
  const cached = statementCache(db);
  const byId = db.prepare(`SELECT id, name, panel_id FROM domains WHERE id = ?`);
  const byName = db.prepare(`SELECT id FROM domains WHERE name = ?`).pluck();
  const panelExists = db.prepare(`SELECT 1 FROM panels WHERE id = ?`).pluck();
  const insert = db.prepare(`INSERT INTO domains (name, panel_id, created_at) VALUES (?, ?, ?)`);
  const assignDomain = db.prepare(`UPDATE domains SET panel_id = ? WHERE id = ?`);
  const assignOutbox = db.prepare(`UPDATE outbox SET panel_id = ? WHERE domain_id = ?`);
  const rowById = db.prepare(`${ROW_SQL} WHERE d.id = ?`);

  function requireDomain(id: number): DomainRecord {
    const d = byId.get(id) as DomainRecord | undefined;
    if (!d) throw new OutpostError('not_found', `No domain with id ${id}`);
    return d;
  }

  function row(id: number): DomainRow {
    requireDomain(id);
    return rowById.get(id) as DomainRow;
  }

  return {
    require: requireDomain,
    row,

    add(input: { name: string; panelId?: number | null }): DomainRow {
      const parsed = DomainNameSchema.safeParse(input.name);
      if (!parsed.success) throw invalidInput(issuesFromZod(parsed.error).map((i) => ({ ...i, path: 'name' })));
      const name = parsed.data;
      const panelId = input.panelId ?? null;
      if (panelId !== null && !panelExists.get(panelId)) throw new OutpostError('not_found', `No panel connection with id ${panelId}`);
      if (byName.get(name) !== undefined) throw new OutpostError('already_exists', `Domain ${name} already exists`);
      const id = tx(() => {
        const now = ctx.now();
        const id = Number(insert.run(name, panelId, now).lastInsertRowid);
        deps.outbox.domainAdded({ id, panel_id: panelId });
        deps.audit.record({ action: 'domain.add', domainId: id, domain: name, newValue: { panelId } }, now);
        return id;
      });
      ctx.events.changed(['domains', 'outbox', 'audit']);
      return row(id);
    },

    /**
     * A local-only domain joins a panel, with everything it has waiting in the
     * outbox (its own add first: outbox ids are the push order).
     */
    assignPanel(input: { id: number; panelId: number }): DomainRow {
      tx(() => {
        const domain = requireDomain(input.id);
        if (domain.panel_id !== null) throw new OutpostError('conflict', `Domain ${domain.name} already belongs to a panel`);
        if (!panelExists.get(input.panelId)) throw new OutpostError('not_found', `No panel connection with id ${input.panelId}`);
        const now = ctx.now();
        assignDomain.run(input.panelId, domain.id);
        assignOutbox.run(input.panelId, domain.id);
        deps.audit.record({ action: 'domain.assign', domainId: domain.id, domain: domain.name, oldValue: { panelId: null }, newValue: { panelId: input.panelId } }, now);
      });
      ctx.events.changed(['domains', 'users', 'outbox', 'audit']);
      return row(input.id);
    },

    /** A window of domains by name; `panelId: null` means local-only domains. */
    list(input: DomainListInput): Page<DomainRow> {
      const query = searchText(input.query ?? '').toLowerCase();
      const where = [
        query !== '' && `d.name LIKE @like ESCAPE '\\'`,
        input.panelId === null && 'd.panel_id IS NULL',
        typeof input.panelId === 'number' && 'd.panel_id = @panelId',
      ].filter(Boolean);
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const params = { like: likeContains(query), panelId: input.panelId ?? null, limit: input.limit, offset: input.offset };
      return {
        items: cached(`${ROW_SQL} ${clause} ORDER BY d.name LIMIT @limit OFFSET @offset`).all(params) as DomainRow[],
        total: cached(`SELECT count(*) FROM domains d ${clause}`).pluck().get(params) as number,
      };
    },
  };
}

export type DomainsService = ReturnType<typeof createDomainsService>;

// Panel connections: stored with the admin password sealed by the SecretBox.
// Removing or resetting a panel drops its local copy (domains, users, waiting
// changes) in one transaction; removing refuses while changes are waiting
// unless the caller says to drop them.
import type { PanelRow, ParsedInputOf } from '../../../common/ipc/contract.js';
import { OutpostError, invalidInput } from '../../../common/ipc/errors.js';
import type { SecretStorage } from '../types.js';
import type { AuditService } from './audit.js';
import { transactor } from '../store/transaction.js';
import type { ServiceContext } from './context.js';

type AddInput = ParsedInputOf<'panels.add'>;
type UpdateInput = ParsedInputOf<'panels.update'>;

interface PanelRecord {
  id: number;
  name: string;
  base_url: string;
  username: string;
  password: Buffer;
  secret_storage: SecretStorage;
  demo: number;
  cursor: string | null;
  last_sync_at: string | null;
}

/** What the sync engine needs to talk to a panel; the password is unsealed only for that. */
export interface PanelConnection {
  id: number;
  name: string;
  baseUrl: string;
  username: string;
  password: string;
  cursor: string | null;
}

const ROW_SQL = /* sql */ `
  SELECT p.id, p.name, p.base_url AS baseUrl, p.username, p.secret_storage AS secretStorage, p.demo, p.last_sync_at AS lastSyncAt,
         (SELECT count(*) FROM domains d WHERE d.panel_id = p.id) AS domainCount
    FROM panels p`;

type RawRow = Omit<PanelRow, 'demo'> & { demo: number };
const toRow = (r: RawRow): PanelRow => ({ ...r, demo: r.demo === 1 });

export function createPanelsService(ctx: ServiceContext, deps: { audit: AuditService }) {
  const { db, secretBox } = ctx;
  const tx = transactor(db);
  const all = db.prepare(`${ROW_SQL} ORDER BY p.name, p.id`);
  const rowById = db.prepare(`${ROW_SQL} WHERE p.id = ?`);
  const recordById = db.prepare(`SELECT * FROM panels WHERE id = ?`);
  const sameLogin = db.prepare(`SELECT id FROM panels WHERE base_url = ? AND username = ?`).pluck();
  const insert = db.prepare(
    `INSERT INTO panels (name, base_url, username, password, secret_storage, demo, created_at, updated_at)
     VALUES (@name, @baseUrl, @username, @password, @secretStorage, @demo, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE panels SET name = @name, base_url = @base_url, username = @username, password = @password, secret_storage = @secret_storage,
       cursor = @cursor, updated_at = @now WHERE id = @id`,
  );
  const waiting = db.prepare(`SELECT count(*) FROM outbox WHERE panel_id = ?`).pluck();
  const dropDomains = db.prepare(`DELETE FROM domains WHERE panel_id = ?`); // users and outbox rows cascade
  const dropOutbox = db.prepare(`DELETE FROM outbox WHERE panel_id = ?`);
  const forgetFeed = db.prepare(`UPDATE panels SET cursor = NULL, last_sync_at = NULL, last_error = NULL, updated_at = ? WHERE id = ?`);
  const deletePanel = db.prepare(`DELETE FROM panels WHERE id = ?`);

  function record(id: number): PanelRecord {
    const p = recordById.get(id) as PanelRecord | undefined;
    if (!p) throw new OutpostError('not_found', `No panel connection with id ${id}`);
    return p;
  }

  /** A password sealed by another kind of storage (browser mode's key file, then the OS keychain) cannot be read here. */
  function unseal(p: PanelRecord): string {
    const unreadable = () =>
      new OutpostError('unavailable', `The saved password of ${p.name} cannot be read here (it was stored with ${p.secret_storage}); enter it again in the panel's settings`);
    if (p.secret_storage !== secretBox.kind) throw unreadable();
    try {
      return secretBox.decrypt(p.password);
    } catch {
      throw unreadable();
    }
  }

  const row = (id: number): PanelRow => toRow(rowById.get(id) as RawRow);

  /** Drops the panel's local copy; answers how many waiting changes went with it. */
  function dropLocalCopy(id: number, now: string): number {
    const dropped = waiting.get(id) as number;
    dropOutbox.run(id);
    dropDomains.run(id);
    forgetFeed.run(now, id);
    return dropped;
  }

  return {
    record,
    row,

    list(): PanelRow[] {
      return (all.all() as RawRow[]).map(toRow);
    },

    /** `demo` marks the built-in demo panel (the sync engine's panels.startDemo). */
    add(input: AddInput, opts: { demo?: boolean } = {}): PanelRow {
      if (sameLogin.get(input.baseUrl, input.username) !== undefined) {
        throw new OutpostError('already_exists', `A connection to ${input.baseUrl} as ${input.username} already exists`);
      }
      const name = input.name ?? new URL(input.baseUrl).host;
      const id = tx(() => {
        const now = ctx.now();
        const id = Number(
          insert.run({
            name,
            baseUrl: input.baseUrl,
            username: input.username,
            password: secretBox.encrypt(input.password),
            secretStorage: secretBox.kind,
            demo: opts.demo ? 1 : 0,
            now,
          }).lastInsertRowid,
        );
        deps.audit.record({ action: 'panel.add', panelId: id, newValue: { name, baseUrl: input.baseUrl, username: input.username } }, now);
        return id;
      });
      ctx.events.changed(['panels', 'audit']);
      return row(id);
    },

    update(input: UpdateInput): PanelRow {
      const p = record(input.id);
      const next = {
        name: input.name ?? p.name,
        base_url: input.baseUrl ?? p.base_url,
        username: input.username ?? p.username,
      };
      const other = sameLogin.get(next.base_url, next.username) as number | undefined;
      if (other !== undefined && other !== p.id) {
        throw invalidInput([{ path: 'baseUrl', message: `Another panel connection already uses ${next.base_url} as ${next.username}` }]);
      }
      tx(() => {
        const now = ctx.now();
        update.run({
          id: p.id,
          ...next,
          password: input.password === undefined ? p.password : secretBox.encrypt(input.password),
          secret_storage: input.password === undefined ? p.secret_storage : secretBox.kind,
          // Another address is another change feed: its cursor means nothing there.
          cursor: next.base_url === p.base_url ? p.cursor : null,
          now,
        });
        for (const field of ['name', 'base_url', 'username'] as const) {
          if (next[field] !== p[field]) {
            deps.audit.record({ action: 'panel.update', panelId: p.id, field: field === 'base_url' ? 'baseUrl' : field, oldValue: p[field], newValue: next[field] }, now);
          }
        }
        if (input.password !== undefined) deps.audit.record({ action: 'panel.update', panelId: p.id, field: 'password' }, now);
      });
      ctx.events.changed(['panels', 'audit']);
      return row(p.id);
    },

    remove(input: { id: number; dropPending: boolean }): { removed: true; droppedChanges: number } {
      const p = record(input.id);
      const dropped = tx(() => {
        const count = waiting.get(p.id) as number;
        if (count > 0 && !input.dropPending) {
          throw new OutpostError('conflict', `${p.name} has ${count} change${count === 1 ? '' : 's'} not sent yet; send them first, or remove the connection and drop them`);
        }
        const now = ctx.now();
        const dropped = dropLocalCopy(p.id, now);
        deletePanel.run(p.id);
        deps.audit.record({ action: 'panel.remove', panelId: p.id, oldValue: { name: p.name, baseUrl: p.base_url, username: p.username }, newValue: { droppedChanges: dropped } }, now);
        return dropped;
      });
      ctx.events.changed(['panels', 'domains', 'users', 'outbox', 'audit']);
      return { removed: true, droppedChanges: dropped };
    },

    /** "Reset local copy": forget the panel's data and cursor, so the next sync starts from 0. */
    reset(id: number): { droppedChanges: number } {
      const p = record(id);
      const dropped = tx(() => {
        const now = ctx.now();
        const dropped = dropLocalCopy(p.id, now);
        deps.audit.record({ action: 'panel.reset', panelId: p.id, newValue: { droppedChanges: dropped } }, now);
        return dropped;
      });
      ctx.events.changed(['panels', 'domains', 'users', 'outbox', 'audit']);
      return { droppedChanges: dropped };
    },

    /** For the sync engine: the connection with its password unsealed. */
    connection(id: number): PanelConnection {
      const p = record(id);
      return { id: p.id, name: p.name, baseUrl: p.base_url, username: p.username, password: unseal(p), cursor: p.cursor };
    },
  };
}

export type PanelsService = ReturnType<typeof createPanelsService>;

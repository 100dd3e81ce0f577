// Windows of users, across all domains or within one, optionally searched and
// filtered. Everything runs on user_index (narrow rows ordered like (domain,
// type, login)) and its trigram FTS table, never by scanning the wide users
// rows. Queries of 3+ characters count with the FTS index; when few users
// match, the window is sorted from those; when many match, walking the
// ordered index and stopping after the window is cheaper than sorting them.
import type { ParsedInputOf, UserRow } from '../../../common/ipc/contract.js';
import type { ServiceContext } from './context.js';
import type { DomainsService } from './domains.js';
import { likeContains, searchText, type Page } from './rows.js';
import { createSearchIndexFlush } from '../store/search-index.js';
import { statementCache } from './statements.js';

export type UserListInput = ParsedInputOf<'users.list'>;
type UserFilter = UserListInput['filter'];

const FILTER_SQL: Record<UserFilter, string | null> = {
  all: null,
  pending: `i.user_id IN (SELECT user_id FROM outbox WHERE status = 'pending')`,
  conflict: `i.user_id IN (SELECT user_id FROM outbox WHERE status = 'conflict')`,
  failed: `i.user_id IN (SELECT user_id FROM outbox WHERE status = 'failed')`,
  locked: `i.user_id IN (SELECT id FROM users WHERE locked = 1)`,
};

/** Up to this many matches, sorting the FTS hits beats walking the ordered index (measured: bench/store.bench.ts). */
const FTS_SORT_MAX = 5000;
/** The trigram tokenizer indexes runs of three characters; shorter queries scan. */
const TRIGRAM = 3;
const FTS_JOIN = 'user_fts f JOIN user_index i ON i.user_id = f.rowid';

const ROW_SQL = /* sql */ `
  SELECT u.id, u.domain_id AS domainId, d.name AS domain, u.type, u.login, u.locked,
         (SELECT count(*) FROM outbox o WHERE o.user_id = u.id) AS pending,
         EXISTS (SELECT 1 FROM outbox o WHERE o.user_id = u.id AND o.status = 'conflict') AS conflict,
         EXISTS (SELECT 1 FROM outbox o WHERE o.user_id = u.id AND o.status = 'failed') AS failed
    FROM users u JOIN domains d ON d.id = u.domain_id`;

type RawRow = Omit<UserRow, 'locked' | 'conflict' | 'failed'> & { locked: number; conflict: number; failed: number };

export function toUserRow(r: RawRow): UserRow {
  return { ...r, locked: r.locked === 1, conflict: r.conflict === 1, failed: r.failed === 1 };
}

export function createUserSearch(ctx: ServiceContext, deps: { domains: DomainsService }) {
  const { db } = ctx;
  const cached = statementCache(db);
  const rowsByIds = db.prepare(`${ROW_SQL} WHERE u.id IN (SELECT value FROM json_each(?))`);
  /** Brings the trigram index up to date with user_index. */
  const flushSearchIndex = createSearchIndexFlush(db);

  const where = (conds: string[]) => (conds.length ? `WHERE ${conds.join(' AND ')}` : '');
  // Scrolling asks for window after window of one search: its total is counted once
  // until the data changes (total_changes: this connection's writes; data_version: others').
  const dataStamp = db.prepare(`SELECT total_changes() || ':' || data_version FROM pragma_data_version`).pluck();
  const counts = new Map<string, number>();
  let countsStamp = '';
  function count(from: string, conds: string[], params: Record<string, unknown>): number {
    const stamp = dataStamp.get() as string;
    if (stamp !== countsStamp || counts.size > 100) {
      counts.clear();
      countsStamp = stamp;
    }
    const sql = `SELECT count(*) FROM ${from} ${where(conds)}`;
    const key = `${sql}\n${JSON.stringify({ ...params, offset: 0, limit: 0 })}`;
    let n = counts.get(key);
    if (n === undefined) counts.set(key, (n = cached(sql).pluck().get(params) as number));
    return n;
  }
  const window = (from: string, conds: string[], params: object) =>
    cached(`SELECT i.user_id FROM ${from} ${where(conds)} ORDER BY i.sort_key LIMIT @limit OFFSET @offset`).pluck().all(params) as number[];

  /**
   * The window from the ordered index first: when it comes back short, it was the last
   * one and the total follows from it — a sparse search then costs one scan, not two.
   */
  function scanned(conds: string[], params: Record<string, unknown>, page: { offset: number; limit: number }): Page<UserRow> {
    const ids = window('user_index i', conds, params);
    const lastWindow = ids.length < page.limit && (ids.length > 0 || page.offset === 0);
    return { total: lastWindow ? page.offset + ids.length : count('user_index i', conds, params), items: hydrate(ids) };
  }

  function hydrate(ids: number[]): UserRow[] {
    if (ids.length === 0) return [];
    const byId = new Map((rowsByIds.all(JSON.stringify(ids)) as RawRow[]).map((r) => [r.id, toUserRow(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  return {
    flushSearchIndex,

    list(input: UserListInput): Page<UserRow> {
      const query = searchText(input.query ?? '');
      const params: Record<string, unknown> = { limit: input.limit, offset: input.offset };
      const scope: string[] = [];
      if (input.domainId !== undefined) {
        // A domain's users are one contiguous range of sort keys: name + char(1) + …
        const { name } = deps.domains.require(input.domainId);
        Object.assign(params, { lo: `${name}\u0001`, hi: `${name}\u0002` });
        scope.push('i.sort_key >= @lo AND i.sort_key < @hi');
      }
      const filter = FILTER_SQL[input.filter];
      if (filter) scope.push(filter);
      if (query === '') return scanned(scope, params, input);

      params.like = likeContains(query);
      const byLike = [...scope, `i.text LIKE @like ESCAPE '\\'`];
      if ([...query].length < TRIGRAM) return scanned(byLike, params, input);

      flushSearchIndex();
      params.match = `"${query.replace(/"/g, '""')}"`;
      const byMatch = ['user_fts MATCH @match', ...scope];
      const total = scope.length === 0 ? count('user_fts', byMatch, params) : count(FTS_JOIN, byMatch, params);
      const ids = total > FTS_SORT_MAX ? window('user_index i', byLike, params) : window(FTS_JOIN, byMatch, params);
      return { total, items: hydrate(ids) };
    },
  };
}

export type UserSearch = ReturnType<typeof createUserSearch>;

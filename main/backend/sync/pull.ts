// Pull: the change feed from the stored cursor (or from 0), page by page, each
// page stored in one transaction together with the cursor that follows it.
// A 410 (the cursor expired) starts over from 0 as a replay; so does a first
// sync when the local copy already holds data of this panel (its address
// changed). A replay removes afterwards what the panel no longer has, and
// stores its cursor only with its last page: an interrupted replay is simply
// done again, so nothing the panel removed can survive it (docs/sync.md).
// The next page is fetched while the current one is stored; it is stored only
// after it, so the stored cursor still never runs ahead of the stored data.
import { FEED_START } from '../../../common/panel-api.js';
import { isPanelError, type PanelClient } from '../panel/index.js';
import type { PageResult, PageStore, PanelStamp, ReplaySeen } from './page-store.js';

export interface PullOptions {
  client: PanelClient;
  store: PageStore;
  panel: PanelStamp;
  /** the stored cursor; null: never pulled */
  cursor: string | null;
  pageSize: number;
  signal: AbortSignal;
  onPage(result: PageResult, received: number): void;
}

export interface PullResult {
  received: number;
  /** changes that altered the store */
  changed: number;
  replayed: boolean;
  skippedDomains: string[];
}

/** A 410 during a replay from 0 means the panel keeps losing its feed; do not loop for ever. */
const MAX_RESTARTS = 2;

export async function pull(o: PullOptions): Promise<PullResult> {
  let since = o.cursor ?? FEED_START;
  let replay = since === FEED_START && o.store.hasLocalCopy(o.panel.id);
  let seen: ReplaySeen | undefined = replay ? { users: new Set(), domains: new Set() } : undefined;
  let restarts = 0;
  let received = 0;
  let changed = 0;
  const skipped = new Set<string>();
  const fetchPage = (cursor: string) => {
    const p = o.client.changes(cursor, o.pageSize, { signal: o.signal });
    p.catch(() => undefined); // awaited below; a page fetched ahead and then dropped must not be an unhandled rejection
    return p;
  };
  let next = fetchPage(since);
  for (;;) {
    let page;
    try {
      page = await next;
    } catch (e) {
      if (!isPanelError(e, 'gone') || restarts >= MAX_RESTARTS) throw e;
      restarts++;
      since = FEED_START;
      replay = true;
      seen = { users: new Set(), domains: new Set() };
      next = fetchPage(since);
      continue;
    }
    // The next page is on its way while this one is stored: the panel builds it meanwhile.
    if (page.more) next = fetchPage(page.cursor);
    const last = !page.more;
    const result = o.store.applyPage(o.panel, page.changes, {
      cursor: replay && !last ? null : page.cursor,
      seen,
      finishReplay: replay && last,
    });
    for (const d of result.skippedDomains) skipped.add(d);
    received += page.changes.length;
    changed += result.changed;
    o.onPage(result, received);
    if (last) return { received, changed, replayed: replay, skippedDomains: [...skipped] };
  }
}

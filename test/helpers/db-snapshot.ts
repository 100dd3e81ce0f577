// Every row of every table (FTS shadow tables included), for "this changed nothing" assertions.
import type { Db } from '../../main/backend/store/open.js';

export function snapshotTables(db: Db): Record<string, string[]> {
  const tables = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`)
    .pluck()
    .all() as string[];
  // Sorted as text: some shadow tables have no rowid to order by.
  return Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT * FROM "${t}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort()]));
}

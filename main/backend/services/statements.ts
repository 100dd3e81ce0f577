// Statements whose SQL depends on which filters a call uses: each variant is
// prepared the first time it is needed and reused after that.
import type Database from 'better-sqlite3';
import type { Db } from '../store/open.js';

export function statementCache(db: Db) {
  const cache = new Map<string, Database.Statement>();
  return (sql: string): Database.Statement => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}

// Opens the SQLite store: one file per data folder, WAL so that reads never
// wait for a write, and the schema brought up to date before anyone uses it.
import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** a better_sqlite3.node built for the running runtime's ABI (the Electron shell passes its own) */
  nativeBinding?: string;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable in WAL mode except for the last commits on power loss; the outbox
    // is re-derived from nothing else, so this trade is the usual one for desktop apps.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Search and list windows scan narrow indexes; a bigger page cache keeps them in memory.
    db.pragma('cache_size = -32000');
    db.pragma('temp_store = MEMORY');
    migrate(db, MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

// One transaction wrapper per connection, reused: better-sqlite3's
// db.transaction(fn) builds a new wrapper each call, which showed up at ~20 µs
// per write when adding 100,000 users. Nested calls become savepoints.
import type { Db } from './open.js';

export type Transact = <T>(fn: () => T) => T;

const wrappers = new WeakMap<Db, Transact>();

export function transactor(db: Db): Transact {
  let tx = wrappers.get(db);
  if (!tx) {
    const run = db.transaction((fn: () => unknown) => fn());
    tx = <T>(fn: () => T): T => run(fn) as T;
    wrappers.set(db, tx);
  }
  return tx;
}

// Applies the schema migrations that a database has not seen yet. The
// version is PRAGMA user_version; each migration runs in its own (immediate)
// transaction together with the version bump, so a crash or a second process
// opening the same file at once leaves a consistent version behind.
import type { Db } from './open.js';

export interface Migration {
  /** 1, 2, 3, … in order; never renumbered once released */
  version: number;
  name: string;
  up(db: Db): void;
}

export class DatabaseTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `This data folder was written by a newer Outpost (store version ${found}; this Outpost knows up to ${known}). Update Outpost to open it.`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings `db` to the newest version in `migrations`; returns the versions it applied. */
export function migrate(db: Db, migrations: readonly Migration[]): number[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const known = migrations.length;
  const applied: number[] = [];
  const step = db.transaction((): boolean => {
    // Read inside the write lock: another process may have migrated meanwhile.
    const current = schemaVersion(db);
    if (current > known) throw new DatabaseTooNewError(current, known);
    const next = migrations[current];
    if (!next) return false;
    next.up(db);
    db.pragma(`user_version = ${next.version}`);
    applied.push(next.version);
    return true;
  });
  while (step.immediate()) {
    /* one migration per transaction */
  }
  return applied;
}

// The store: pragmas, migrations and the triggers that keep the search index.
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayLogin, type UserType } from '../../common/model.js';
import { DatabaseTooNewError, migrate, schemaVersion, type Migration } from '../../main/backend/store/migrate.js';
import { MIGRATIONS } from '../../main/backend/store/migrations/index.js';
import { openDatabase } from '../../main/backend/store/open.js';
import { createSearchIndexFlush } from '../../main/backend/store/search-index.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const file = () => path.join(makeTempDir(), 'outpost.sqlite');

describe('openDatabase', () => {
  it('sets the pragmas the app relies on', () => {
    const db = openDatabase(file());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('records the schema version and reopens without migrating again, keeping the data', () => {
    const f = file();
    const db = openDatabase(f);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.prepare(`INSERT INTO domains (name, created_at) VALUES ('example.com', 'now')`).run();
    db.close();
    const again = openDatabase(f);
    expect(schemaVersion(again)).toBe(MIGRATIONS.length);
    expect(migrate(again, MIGRATIONS)).toEqual([]);
    expect(again.prepare(`SELECT name FROM domains`).pluck().all()).toEqual(['example.com']);
    again.close();
  });

  it('refuses a database written by a newer app and leaves it as it was', () => {
    const f = file();
    const raw = new Database(f);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openDatabase(f)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(f)).toThrow(/newer Outpost/);
    const check = new Database(f);
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    expect(check.prepare(`SELECT count(*) FROM sqlite_schema`).pluck().get()).toBe(0);
    check.close();
  });

  it('enforces foreign keys', () => {
    const db = openDatabase(file());
    expect(() =>
      db.prepare(`INSERT INTO users (domain_id, type, login, settings, updated_at) VALUES (999, 'user', 'a', '{}', 'now')`).run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });
});

describe('migrate', () => {
  it('applies each migration in a transaction: a failing one leaves the previous version and no trace', () => {
    const db = new Database(file());
    const failing: Migration = {
      version: 2,
      name: 'half-done',
      up(d) {
        d.exec(`CREATE TABLE half_done (x)`);
        throw new Error('disk on fire');
      },
    };
    expect(() => migrate(db, [...MIGRATIONS, failing])).toThrow('disk on fire');
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'`).pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a list whose versions are not 1, 2, 3, …', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ ...MIGRATIONS[0]!, version: 2 }])).toThrow(/expected 1/);
    db.close();
  });
});

describe('the search index', () => {
  function withUsers() {
    const db = openDatabase(file());
    const domainId = Number(db.prepare(`INSERT INTO domains (name, created_at) VALUES ('example.com', 'now')`).run().lastInsertRowid);
    const add = (type: UserType, login: string) =>
      Number(db.prepare(`INSERT INTO users (domain_id, type, login, settings, updated_at) VALUES (?, ?, ?, '{}', 'now')`).run(domainId, type, login).lastInsertRowid);
    return { db, add };
  }

  it('shows each user as displayLogin() does, for every type', () => {
    const { db, add } = withUsers();
    const cases = [
      ['user', 'alice'],
      ['ip', '203.0.113.0/24'],
      ['domain', ''],
    ] as const;
    for (const [type, login] of cases) {
      const id = add(type, login);
      expect(db.prepare(`SELECT text FROM user_index WHERE user_id = ?`).pluck().get(id)).toBe(displayLogin({ domain: 'example.com', type, login }));
    }
    db.close();
  });

  it('follows inserts, updates and deletes, and the queued FTS changes apply consistently', () => {
    const { db, add } = withUsers();
    const a = add('user', 'alice');
    const b = add('user', 'bob');
    db.prepare(`UPDATE users SET login = 'robert' WHERE id = ?`).run(b);
    db.prepare(`DELETE FROM users WHERE id = ?`).run(a);
    expect(db.prepare(`SELECT text FROM user_index ORDER BY user_id`).pluck().all()).toEqual(['robert@example.com']);
    // Apply the queue as searches do, then let FTS5 check itself against user_index.
    createSearchIndexFlush(db)();
    expect(db.prepare(`SELECT count(*) FROM user_fts_queue`).pluck().get()).toBe(0);
    expect(() => db.exec(`INSERT INTO user_fts (user_fts, rank) VALUES ('integrity-check', 1)`)).not.toThrow();
    expect(db.prepare(`SELECT rowid FROM user_fts WHERE user_fts MATCH '"rob"'`).pluck().all()).toEqual([b]);
    expect(db.prepare(`SELECT rowid FROM user_fts WHERE user_fts MATCH '"ali"'`).pluck().all()).toEqual([]);
    db.close();
  });
});

describe('the audit trail', () => {
  it('is append-only', () => {
    const db = openDatabase(file());
    db.prepare(`INSERT INTO audit (at, actor, origin, action) VALUES ('now', 'me', 'local', 'domain.add')`).run();
    expect(() => db.exec(`UPDATE audit SET actor = 'someone else'`)).toThrow(/append-only/);
    expect(() => db.exec(`DELETE FROM audit`)).toThrow(/append-only/);
    expect(db.prepare(`SELECT actor FROM audit`).pluck().all()).toEqual(['me']);
    db.close();
  });
});

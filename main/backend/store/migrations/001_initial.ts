// The first schema (docs/architecture.md "Data model"). Written out as SQL on
// purpose: a migration is a snapshot in time and must not follow later edits
// of the app's constants.
import type { Migration } from '../migrate.js';

const SQL = /* sql */ `
CREATE TABLE panels (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  name           TEXT NOT NULL,
  base_url       TEXT NOT NULL,
  username       TEXT NOT NULL,
  password       BLOB NOT NULL,          -- sealed by the SecretBox, never plain
  secret_storage TEXT NOT NULL,          -- SecretBox.kind that sealed password
  demo           INTEGER NOT NULL DEFAULT 0,
  cursor         TEXT,                   -- change-feed cursor; NULL: never pulled (start from '0')
  last_sync_at   TEXT,
  last_error     TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  UNIQUE (base_url, username)
);

CREATE TABLE domains (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT NOT NULL UNIQUE,       -- normalised (lower case, punycode)
  panel_id   INTEGER REFERENCES panels (id),  -- NULL: local only, never synced
  created_at TEXT NOT NULL
);
CREATE INDEX domains_panel ON domains (panel_id, name);

-- AUTOINCREMENT: ids are never reused, so discarding a pending removal can
-- put the user back under its old id.
CREATE TABLE users (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  domain_id    INTEGER NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  type         TEXT NOT NULL,            -- user | ip | domain
  login        TEXT NOT NULL,            -- normalised per type; '' for type domain
  settings     TEXT NOT NULL,            -- JSON, all thirteen settings: the local (shown) values
  locked       INTEGER NOT NULL DEFAULT 0,
  lock_reason  TEXT,                     -- automatic | manual | NULL
  locked_since TEXT,
  unlocks_used INTEGER NOT NULL DEFAULT 0,
  has_password INTEGER NOT NULL DEFAULT 0,
  revision     INTEGER,                  -- the panel's revision last seen; NULL: not confirmed by the panel
  remote       TEXT,                     -- JSON: the panel's settings last seen, the base of merges; NULL: none yet
  updated_at   TEXT NOT NULL,
  UNIQUE (domain_id, type, login)        -- also the index of a domain's ordered window
);
CREATE INDEX users_locked ON users (locked) WHERE locked = 1;

-- Derived from users and domains by the triggers below, for ordered windows
-- and search across all domains without touching the wide users rows.
CREATE TABLE user_index (
  user_id  INTEGER PRIMARY KEY,
  sort_key TEXT NOT NULL,                -- domain, type, login joined by char(1): sorts like that triple
  text     TEXT NOT NULL                 -- the user as shown (displayLogin in common/model.ts): what search matches
);
CREATE INDEX user_index_sort ON user_index (sort_key, text);
CREATE VIRTUAL TABLE user_fts USING fts5 (text, content = 'user_index', content_rowid = 'user_id', tokenize = 'trigram');

CREATE TRIGGER users_index_insert AFTER INSERT ON users BEGIN
  INSERT INTO user_index (user_id, sort_key, text)
    SELECT NEW.id,
           d.name || char(1) || NEW.type || char(1) || NEW.login,
           CASE NEW.type WHEN 'user' THEN NEW.login || '@' || d.name
                         WHEN 'ip' THEN NEW.login || ' @ ' || d.name
                         ELSE d.name END
      FROM domains d WHERE d.id = NEW.domain_id;
END;
CREATE TRIGGER users_index_delete AFTER DELETE ON users BEGIN
  DELETE FROM user_index WHERE user_id = OLD.id;
END;
CREATE TRIGGER users_index_update AFTER UPDATE OF domain_id, type, login ON users BEGIN
  DELETE FROM user_index WHERE user_id = OLD.id;
  INSERT INTO user_index (user_id, sort_key, text)
    SELECT NEW.id,
           d.name || char(1) || NEW.type || char(1) || NEW.login,
           CASE NEW.type WHEN 'user' THEN NEW.login || '@' || d.name
                         WHEN 'ip' THEN NEW.login || ' @ ' || d.name
                         ELSE d.name END
      FROM domains d WHERE d.id = NEW.domain_id;
END;
-- Changes of user_index not yet applied to user_fts. FTS5 flushes its write
-- buffer at every savepoint, and every statement run by a trigger is one, so
-- keeping it current row by row made each insert ~10x slower; searches apply
-- the queue in one statement instead (services/user-search.ts).
CREATE TABLE user_fts_queue (
  user_id  INTEGER PRIMARY KEY,
  old_text TEXT,                         -- what user_fts holds for the user now; NULL: nothing
  new_text TEXT                          -- what it should hold; NULL: nothing
);
CREATE TRIGGER user_index_queue_insert AFTER INSERT ON user_index BEGIN
  INSERT INTO user_fts_queue (user_id, old_text, new_text) VALUES (NEW.user_id, NULL, NEW.text)
    ON CONFLICT (user_id) DO UPDATE SET new_text = excluded.new_text;
END;
CREATE TRIGGER user_index_queue_delete AFTER DELETE ON user_index BEGIN
  INSERT INTO user_fts_queue (user_id, old_text, new_text) VALUES (OLD.user_id, OLD.text, NULL)
    ON CONFLICT (user_id) DO UPDATE SET new_text = NULL;
END;

-- One row per change waiting for the panel; id is the push order.
CREATE TABLE outbox (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  op_id          TEXT NOT NULL UNIQUE,   -- sent along so that a replayed push applies once
  panel_id       INTEGER REFERENCES panels (id) ON DELETE CASCADE,  -- NULL: a local-only domain; the entry waits until the domain has a panel (every local change is recorded, panel or not)
  domain_id      INTEGER NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  user_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
  type           TEXT,                   -- identity of the user, kept for user.remove once the row is gone
  login          TEXT,
  kind           TEXT NOT NULL,          -- domain.add | user.add | user.remove | settings | password | lock | unlock
  status         TEXT NOT NULL DEFAULT 'pending',  -- pending | failed | conflict
  changes        TEXT NOT NULL DEFAULT '[]',       -- JSON [{field, from, to}]; from is the base
  secret         BLOB,                   -- sealed password (user.add, password)
  secret_storage TEXT,                   -- SecretBox.kind that sealed secret
  base           TEXT,                   -- JSON: what discard puts back (lock state; the removed user)
  error          TEXT,                   -- the panel's message, when failed
  panel_values   TEXT,                   -- JSON {field: the panel's value}, when in conflict
  panel_revision INTEGER,                -- the panel's revision when the conflict was seen
  attempts       INTEGER NOT NULL DEFAULT 0,
  version        INTEGER NOT NULL DEFAULT 1,  -- raised by every local edit of the row, so a push can tell it changed meanwhile
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX outbox_push ON outbox (panel_id, status, id);
CREATE INDEX outbox_status ON outbox (status, id);
CREATE INDEX outbox_user ON outbox (user_id, status);
CREATE INDEX outbox_domain ON outbox (domain_id);
-- Successive edits of one user coalesce: at most one row of each of these per user.
CREATE UNIQUE INDEX outbox_one_settings ON outbox (user_id) WHERE kind = 'settings';
CREATE UNIQUE INDEX outbox_one_password ON outbox (user_id) WHERE kind = 'password';
CREATE UNIQUE INDEX outbox_one_lock ON outbox (user_id) WHERE kind IN ('lock', 'unlock');

-- Append-only history. No foreign keys: the trail outlives what it describes.
CREATE TABLE audit (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  origin    TEXT NOT NULL,               -- local | remote
  action    TEXT NOT NULL,
  user_id   INTEGER,
  domain_id INTEGER,
  panel_id  INTEGER,
  domain    TEXT,
  type      TEXT,
  login     TEXT,
  field     TEXT,
  old_value TEXT,                        -- JSON; never a password
  new_value TEXT                         -- JSON; never a password
);
CREATE INDEX audit_user ON audit (user_id, id);
CREATE INDEX audit_domain ON audit (domain_id, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;
`;

export const initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(SQL);
  },
};

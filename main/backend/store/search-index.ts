// Applies user_fts_queue to the trigram index (why a queue: see the schema).
import type { Db } from './open.js';

const APPLY_SQL = /* sql */ `
  INSERT INTO user_fts (user_fts, rowid, text)
    SELECT 'delete', user_id, old_text FROM user_fts_queue WHERE old_text IS NOT NULL AND old_text IS NOT new_text;
  INSERT INTO user_fts (rowid, text)
    SELECT user_id, new_text FROM user_fts_queue WHERE new_text IS NOT NULL AND new_text IS NOT old_text;
  DELETE FROM user_fts_queue;`;

/** Brings user_fts up to date with user_index; cheap when nothing is queued. */
export function createSearchIndexFlush(db: Db): () => void {
  const queued = db.prepare(`SELECT EXISTS (SELECT 1 FROM user_fts_queue)`).pluck();
  const apply = db.transaction(() => db.exec(APPLY_SQL));
  return () => {
    if (queued.get()) apply.immediate();
  };
}

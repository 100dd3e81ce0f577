import { openDatabase } from '../main/backend/store/open.js';
import { createServices } from '../main/backend/services/index.js';
import { createEvents } from '../main/backend/services/events.js';
const db = openDatabase('/tmp/scratch-big/outpost.sqlite');
const services = createServices({ db, secretBox: { kind: 'key-file', encrypt: (s) => Buffer.from(s), decrypt: (b) => b.toString() }, actor: 'x', now: () => 'x', events: createEvents() });
const qs = (process.argv[2] ?? 'a,al,zq,q9,.n,10,e,ali,alice,zzz123q,maple,ma,cedar-,alice.acme1@,.de').split(',');
for (const q of qs) {
  const ts: number[] = []; let total = 0;
  for (let i = 0; i < 5; i++) { const t = performance.now(); total = services.users.list({ query: q, filter: 'all', offset: 0, limit: 100 }).total; ts.push(performance.now() - t); }
  console.log(JSON.stringify(q), total, ts.map((x) => x.toFixed(1)).join(' '));
}
for (const sql of [`SELECT count(*) FROM user_index i WHERE i.text LIKE '%zq%' ESCAPE '\\'`, `SELECT i.user_id FROM user_index i WHERE i.text LIKE '%zq%' ESCAPE '\\' ORDER BY i.sort_key LIMIT 100 OFFSET 0`]) console.log(db.prepare('EXPLAIN QUERY PLAN ' + sql).all().map((r: any) => r.detail));

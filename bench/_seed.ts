import fs from 'node:fs';
import { openDatabase } from '../main/backend/store/open.js';
import { DEFAULT_SETTINGS } from '../common/settings.js';
const dir = '/tmp/scratch-big'; fs.rmSync(dir, { recursive: true, force: true }); fs.mkdirSync(dir);
const db = openDatabase(`${dir}/outpost.sqlite`);
const WORDS = 'acme blue cedar delta ember fjord garnet harbor iris jade kestrel lumen maple nimbus onyx pine quartz raven sierra tundra umber vale willow xenon yarrow zephyr'.split(' ');
const FIRST = 'alice bob carol dave erin frank grace heidi ivan judy mallory nina oscar peggy quinn rupert sybil trent ursula victor wendy xavier yolanda zoe'.split(' ');
const TLDS = ['com', 'net', 'org', 'io', 'example', 'co.uk', 'de', 'nl'];
let a = 42; const random = () => { a = (a + 0x6d2b79f5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const s = JSON.stringify(DEFAULT_SETTINGS);
const t0 = performance.now();
db.transaction(() => {
  const insD = db.prepare(`INSERT INTO domains (name, created_at) VALUES (?, 'x')`);
  const insU = db.prepare(`INSERT INTO users (domain_id, type, login, settings, remote, revision, has_password, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1, 'x')`);
  let made = 0;
  for (let d = 0; d < 5000; d++) {
    const name = `${pick(WORDS)}-${pick(WORDS)}${d}.${pick(TLDS)}`;
    const id = Number(insD.run(name).lastInsertRowid);
    const count = d === 0 ? 1000 : Math.round((100000 - made) / (5000 - d));
    for (let i = 0; i < count; i++, made++) {
      const type = i === 0 && d % 10 === 0 ? 'domain' : i % 12 === 11 ? 'ip' : 'user';
      const login = type === 'domain' ? '' : type === 'ip' ? `10.${d % 250}.${Math.floor(i / 250)}.${i % 250}/32` : `${pick(FIRST)}.${pick(WORDS)}${i}`;
      insU.run(id, type, login, s, s);
    }
  }
  console.log("rows", performance.now() - t0);
  db.exec(`INSERT INTO user_fts (rowid, text) SELECT user_id, new_text FROM user_fts_queue; DELETE FROM user_fts_queue;`);
})();
console.log('seed', performance.now() - t0);
db.exec('ANALYZE');
db.close();

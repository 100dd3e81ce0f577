// Search and windows over users, checked against a plain filter-and-sort of
// the same users, through every strategy the search uses (scan for short
// queries, trigram index sorted, trigram count with an ordered walk).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayLogin, type UserType } from '../../common/model.js';
import { openTestBackend, type TestBackend } from '../helpers/backend.js';

let t: TestBackend;
type Known = { id: number; domain: string; domainId: number; type: UserType; login: string };
const known: Known[] = [];

const byOrder = (a: Known, b: Known) => {
  const key = (u: Known) => [u.domain, u.type, u.login];
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
};
const expected = (query: string, domainId?: number) =>
  known
    .filter((u) => (domainId === undefined || u.domainId === domainId) && displayLogin(u).toLowerCase().includes(query.trim().toLowerCase()))
    .sort(byOrder);

const BULK = 5_100; // more than the trigram path sorts itself

beforeAll(async () => {
  t = await openTestBackend();
  const { services, db } = t.deps;
  const names = ['Alpha.example', 'beta-mail.example', 'xn--bcher-kva.de', 'gamma.example'];
  const logins = ['alice', 'Alice.B', 'bob_smith', 'carol+tag', 'dave-ops', 'a', 'x_y', 'under_score', 'xy', 'mixedCase'];
  db.transaction(() => {
    for (const name of names) {
      const d = services.domains.add({ name });
      const add = (type: UserType, login: string) => {
        const u = services.users.add({ domainId: d.id, type, login, ...(type === 'ip' ? {} : { password: 'long-enough' }) });
        known.push({ id: u.id, domain: u.domain, domainId: d.id, type, login: u.login });
      };
      for (const login of logins) add('user', login);
      add('ip', '203.0.113.0/24');
      add('ip', '2001:db8::/48');
      add('domain', '');
      if (name === 'gamma.example') for (let i = 0; i < BULK; i++) add('user', `bulk${String(i).padStart(5, '0')}`);
    }
  })();
}, 60_000);
afterAll(async () => t?.close());

const list = (input: object) => t.call('users.list', { limit: 1000, ...input });

describe('users.list search', () => {
  const queries = ['a', 'A', 'al', 'ali', 'ALICE', 'alice@alpha', 'Alpha.example', 'e.b', 'x_y', '%', '_', 'x_', 'under_', '203.0', '2001:db8', ' @ ', 'kva', 'mixedcase', 'zzz', 'q', '"', "'", 'bulk0001', 'bulk', 'b'];
  it.each(queries)('%j matches exactly what a plain substring filter finds (trimmed), in order', async (query) => {
    const want = expected(query);
    const got = await list({ query });
    expect(got.total).toBe(want.length);
    expect(got.items.map((u) => u.id)).toEqual(want.slice(0, 1000).map((u) => u.id));
  });

  it('windows page through the same order, and a window past the end is empty with the right total', async () => {
    for (const query of ['', 'bulk', 'e', 'bulk004']) {
      const want = expected(query);
      for (const offset of [0, 100, want.length - 3, want.length, want.length + 50]) {
        if (offset < 0) continue;
        const got = await list({ query, offset, limit: 100 });
        expect(got.total, `${query}@${offset}`).toBe(want.length);
        expect(got.items.map((u) => u.id), `${query}@${offset}`).toEqual(want.slice(offset, offset + 100).map((u) => u.id));
      }
    }
  });

  it('searches within one domain', async () => {
    const gamma = known.find((u) => u.domain === 'gamma.example')!.domainId;
    for (const query of ['', 'a', 'alice', 'bulk05']) {
      const want = expected(query, gamma);
      const got = await list({ query, domainId: gamma, limit: 50 });
      expect(got.total).toBe(want.length);
      expect(got.items.map((u) => u.id)).toEqual(want.slice(0, 50).map((u) => u.id));
    }
  });

  it('keeps the trigram index in step with adds and removes', async () => {
    const alpha = known.find((u) => u.domain === 'alpha.example')!;
    const added = await t.call('users.add', { domainId: alpha.domainId, type: 'user', login: 'newcomer', password: 'long-enough' });
    expect((await list({ query: 'newcomer' })).items.map((u) => u.id)).toEqual([added.id]);
    await t.call('users.remove', { id: added.id });
    expect((await list({ query: 'newcomer' })).total).toBe(0);
    expect(() => t.deps.db.exec(`INSERT INTO user_fts (user_fts, rank) VALUES ('integrity-check', 1)`)).not.toThrow();
  });

  it('totals follow writes, even when a search is repeated while scrolling', async () => {
    const alpha = known.find((u) => u.domain === 'alpha.example')!;
    for (const query of ['e', 'bulk']) {
      const first = await list({ query, limit: 10 });
      expect((await list({ query, offset: 10, limit: 10 })).total).toBe(first.total);
      const added = await t.call('users.add', { domainId: alpha.domainId, type: 'user', login: `${query}-late`, password: 'long-enough' });
      expect((await list({ query, offset: 10, limit: 10 })).total).toBe(first.total + 1);
      await t.call('users.remove', { id: added.id });
      expect((await list({ query, limit: 10 })).total).toBe(first.total);
    }
  });

  it('finds IDN domains by their Unicode spelling', async () => {
    const want = expected('@xn--bcher-kva.de');
    expect(want.length).toBeGreaterThan(0);
    expect((await list({ query: 'a@BÜCHER.de' })).items.map((u) => u.id)).toEqual(expected('a@xn--bcher-kva.de').map((u) => u.id));
    expect((await list({ query: 'bücher' })).total).toBe(expected('xn--bcher-kva').length);
  });

  it('uses indexes, not a scan of the wide users rows', () => {
    const plan = (sql: string) => (t.deps.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan(`SELECT i.user_id FROM user_index i WHERE i.text LIKE '%a%' ORDER BY i.sort_key LIMIT 100`)).toMatch(/COVERING INDEX user_index_sort/);
    expect(plan(`SELECT i.user_id FROM user_index i WHERE i.sort_key >= 'a' AND i.sort_key < 'b' ORDER BY i.sort_key LIMIT 100`)).toMatch(/COVERING INDEX user_index_sort \(sort_key>\? AND sort_key<\?\)/);
  });
});

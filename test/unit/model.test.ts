// Domain names and logins per type (common/model.ts), at their edges.
import { describe, expect, it } from 'vitest';
import {
  DOMAIN_MESSAGE,
  DomainNameSchema,
  IP_MESSAGE,
  USERNAME_MESSAGE,
  UserKeySchema,
  normaliseDomain,
  normaliseLogin,
} from '../../common/model.js';

const label = (n: number, c = 'a') => c.repeat(n);

describe('domain names', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['  example.com ', 'example.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['BÜCHER.de', 'xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['a.b', 'a.b'],
    [`${label(63)}.com`, `${label(63)}.com`],
  ])('%j → %j', (raw, name) => {
    expect(normaliseDomain(raw)).toBe(name);
    expect(DomainNameSchema.parse(raw)).toBe(name);
  });

  it('allows 253 characters and refuses 254', () => {
    const at253 = [label(63), label(63), label(63), label(61)].join('.');
    expect(at253).toHaveLength(253);
    expect(normaliseDomain(at253)).toBe(at253);
    expect(normaliseDomain(`${at253.slice(0, -1)}aa`)).toBeNull();
  });

  it.each(['', 'localhost', `${label(64)}.com`, '-a.com', 'a-.com', 'a_b.com', 'a..com', 'exa mple.com', '1.2.3.4', 'a.123', '[::1]', 'http://x.com', 'a@b.com', 'xn--zz.com'])(
    'refuses %j with the domain message',
    (raw) => {
      expect(normaliseDomain(raw)).toBeNull();
      const r = DomainNameSchema.safeParse(raw);
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.message).toBe(DOMAIN_MESSAGE);
    },
  );

  it('refuses the wrong type', () => {
    expect(DomainNameSchema.safeParse(5).error!.issues[0]!.message).toBe(DOMAIN_MESSAGE);
  });
});

describe('logins of type user', () => {
  it.each(['a', label(64), 'a.b', 'A+b_c-d', '-a', '_', 'Alice'])('accepts %j unchanged', (login) => {
    expect(normaliseLogin('user', login)).toEqual({ ok: true, login });
  });
  it.each(['', label(65), '.a', 'a.', 'a@b', 'a b', 'ä', 'a/b'])('refuses %j', (login) => {
    expect(normaliseLogin('user', login)).toEqual({ ok: false, message: USERNAME_MESSAGE });
  });
});

describe('logins of type ip', () => {
  it.each([
    ['203.0.113.0/24', '203.0.113.0/24'],
    ['203.0.113.7', '203.0.113.7/32'],
    [' 10.0.0.0/8 ', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8::/48', '2001:db8::/48'],
    ['2001:0db8:0000:0000::/32', '2001:db8::/32'],
    ['2001:db8::1', '2001:db8::1/128'],
    ['::/0', '::/0'],
  ])('%j → %j', (raw, cidr) => {
    expect(normaliseLogin('ip', raw)).toEqual({ ok: true, login: cidr });
  });

  it('refuses host bits, naming the network meant', () => {
    expect(normaliseLogin('ip', '203.0.113.7/24')).toEqual({ ok: false, message: 'IP address 203.0.113.7/24 has host bits set; the network is 203.0.113.0/24' });
    expect(normaliseLogin('ip', '2001:db8::1/48')).toEqual({ ok: false, message: 'IP address 2001:db8::1/48 has host bits set; the network is 2001:db8::/48' });
  });

  it.each(['', '10.0.0.1/33', '256.0.0.0/8', '010.0.0.0/8', '1.2.3', '2001:db8::/129', 'example.com', '10.0.0.0/-1'])('refuses %j', (raw) => {
    const r = normaliseLogin('ip', raw);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toBe(IP_MESSAGE);
  });

  it('refuses IPv4-mapped IPv6, asking for plain IPv4', () => {
    const r = normaliseLogin('ip', '::ffff:1.2.3.4');
    expect(!r.ok && r.message).toContain('plain IPv4');
  });
});

describe('logins of type domain', () => {
  it('is the empty string and nothing else', () => {
    expect(normaliseLogin('domain', '')).toEqual({ ok: true, login: '' });
    expect(normaliseLogin('domain', 'x').ok).toBe(false);
  });
});

describe('user keys', () => {
  it('normalise the domain and the login together', () => {
    expect(UserKeySchema.parse({ domain: 'Example.COM', type: 'ip', login: '2001:DB8::/48' })).toEqual({ domain: 'example.com', type: 'ip', login: '2001:db8::/48' });
  });
  it('name the login when it is wrong', () => {
    const r = UserKeySchema.safeParse({ domain: 'example.com', type: 'user', login: '.bad' });
    expect(r.error!.issues[0]).toMatchObject({ path: ['login'], message: USERNAME_MESSAGE });
  });
  it('refuse an unknown type', () => {
    expect(UserKeySchema.safeParse({ domain: 'example.com', type: 'group', login: 'x' }).success).toBe(false);
  });
});

// Domains, outgoing-user identities and lock state (settings.md "Who an
// outgoing user is"). Pure: runs in main, preload, renderer and the simulator.
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

// ---- domain names

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const DOMAIN_MESSAGE =
  'Domain must be a DNS name such as example.com: at least two labels of letters, digits and hyphens (each 1–63 characters, not starting or ending with a hyphen), 253 characters at most';

/** Lower-cased, IDNs as punycode; null when the text is not a domain name. */
export function normaliseDomain(raw: string): string | null {
  const text = raw.trim().replace(/\.$/, '');
  if (text === '' || text.length > 253 * 4 || /[\s/\\:@?#%[\]]/.test(text)) return null;
  let ascii: string;
  try {
    // WHATWG URL does IDNA (UTS #46) in Node and in browsers alike.
    ascii = new URL(`http://${text}/`).hostname;
  } catch {
    return null;
  }
  if (ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) return null;
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return null; // an IPv4 address, not a name
  return ascii;
}

/** A domain-name schema over a given normaliser (the panel wire format passes a remembered normaliseDomain). */
export function domainNameSchemaOf(normalise: (raw: string) => string | null) {
  return z
    .string({ error: DOMAIN_MESSAGE })
    .max(1024, { error: DOMAIN_MESSAGE })
    .transform((s, ctx) => {
      const name = normalise(s);
      if (name === null) {
        ctx.addIssue({ code: 'custom', message: DOMAIN_MESSAGE });
        return z.NEVER;
      }
      return name;
    });
}

export const DomainNameSchema = domainNameSchemaOf(normaliseDomain);

// ---- logins by type

export const USER_TYPES = ['user', 'ip', 'domain'] as const;
export type UserType = (typeof USER_TYPES)[number];
export const USER_TYPE_LABELS: Record<UserType, string> = {
  user: 'SMTP user',
  ip: 'IP address',
  domain: 'Domain login',
};

const USERNAME = /^[A-Za-z0-9_+-](?:[A-Za-z0-9._+-]{0,62}[A-Za-z0-9_+-])?$/;
export const USERNAME_MESSAGE =
  'Username must be 1–64 characters of letters, digits and . _ + -, not starting or ending with a dot';

export function normaliseUsername(raw: string): string | null {
  return USERNAME.test(raw) ? raw : null;
}

export const IP_MESSAGE = 'IP address must be an IPv4 or IPv6 address or network in CIDR form, such as 203.0.113.0/24';

/**
 * Normalised CIDR (host bits zero, IPv6 compressed, lower case). A bare address
 * becomes /32 or /128. A network with host bits set is refused, with the
 * network it probably meant, rather than silently widened.
 */
export function normaliseCidr(raw: string): { ok: true; cidr: string } | { ok: false; message: string } {
  const text = raw.trim().toLowerCase();
  if (text.length > 64 || text === '') return { ok: false, message: IP_MESSAGE };
  try {
    const [addr, bits] = text.includes('/')
      ? ipaddr.parseCIDR(text)
      : ((a) => [a, a.kind() === 'ipv4' ? 32 : 128] as const)(ipaddr.parse(text));
    if (addr.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(text.split('/')[0] ?? '')) {
      return { ok: false, message: IP_MESSAGE };
    }
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
      return { ok: false, message: `${IP_MESSAGE}; write IPv4-mapped addresses as plain IPv4` };
    }
    const network =
      addr.kind() === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`)
        : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
    const cidr = `${network.toString()}/${bits}`;
    if (network.toString() !== addr.toString()) {
      return { ok: false, message: `IP address ${text} has host bits set; the network is ${cidr}` };
    }
    return { ok: true, cidr };
  } catch {
    return { ok: false, message: IP_MESSAGE };
  }
}

/** The login of a user of the given type, normalised, or the message for it. */
export function normaliseLogin(type: UserType, raw: string): { ok: true; login: string } | { ok: false; message: string } {
  switch (type) {
    case 'user': {
      const login = normaliseUsername(raw);
      return login === null ? { ok: false, message: USERNAME_MESSAGE } : { ok: true, login };
    }
    case 'ip': {
      const r = normaliseCidr(raw);
      return r.ok ? { ok: true, login: r.cidr } : r;
    }
    case 'domain':
      return raw === '' ? { ok: true, login: '' } : { ok: false, message: 'A domain login has no login name of its own' };
  }
}

export const UserTypeSchema = z.enum(USER_TYPES, { error: 'Type must be one of: user, ip, domain' });

export const PASSWORD_MESSAGE = 'Password must be 8 to 128 characters';
export const PasswordSchema = z.string({ error: PASSWORD_MESSAGE }).min(8, { error: PASSWORD_MESSAGE }).max(128, {
  error: PASSWORD_MESSAGE,
});

/** (domain, type, login): the identity of an outgoing user, here and on the panel. */
export const UserKeySchema = z
  .strictObject({ domain: DomainNameSchema, type: UserTypeSchema, login: z.string().max(128) })
  .transform((k, ctx) => {
    const r = normaliseLogin(k.type, k.login);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', path: ['login'], message: r.message });
      return z.NEVER;
    }
    return { ...k, login: r.login };
  });
export type UserKey = z.output<typeof UserKeySchema>;

export function userKeyString(k: UserKey): string {
  return `${k.type}:${k.login}@${k.domain}`;
}

/** How a user is shown: alice@example.com, 203.0.113.0/24 @ example.com, example.com. */
export function displayLogin(k: { domain: string; type: UserType; login: string }): string {
  if (k.type === 'user') return `${k.login}@${k.domain}`;
  if (k.type === 'ip') return `${k.login} @ ${k.domain}`;
  return k.domain;
}

// ---- lock state (owned by the panel)

export const LOCK_REASONS = ['automatic', 'manual'] as const;
export const LockStateSchema = z.strictObject({
  locked: z.boolean(),
  lock_reason: z.enum(LOCK_REASONS).nullable(),
  locked_since: z.iso.datetime({ offset: true }).nullable(),
  unlocks_used: z.number().int().min(0),
});
export type LockState = z.infer<typeof LockStateSchema>;
export const UNLOCKED: LockState = { locked: false, lock_reason: null, locked_since: null, unlocks_used: 0 };

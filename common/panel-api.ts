// The panel API (../shared/panel-api.md) as data: every call with its
// controller/action, its parameters and the shape of its result; the
// envelope; and the helpers that write and read the path-segment form. The
// panel client (main/backend/panel) and the panel simulator (main/simulator)
// both import this file, so the wire format is written once.
import { z } from 'zod';
import {
  LockStateSchema,
  PasswordSchema,
  UserTypeSchema,
  domainNameSchemaOf,
  normaliseDomain,
  normaliseLogin as normaliseLoginUncached,
  type UserType,
} from './model.js';
import {
  SETTINGS,
  SETTING_KEYS,
  SettingsPatchSchema,
  SettingsSchema,
  isDkimSelector,
  type SettingKey,
  type SettingsPatch,
} from './settings.js';

export const PANEL_API_VERSION = 1;
/** `since/0`: the cursor that replays the panel's current state. */
export const FEED_START = '0';

// ---- objects

/**
 * The model's normalisers, remembered: a feed replay names each domain once per
 * user and repeats IP networks across domains, and URL/IP parsing is what a
 * 100,000-user replay would otherwise spend most of its time on. Pure
 * functions, so a cache cannot change an answer; it is emptied when full, and
 * long text (never valid anyway) is not kept.
 */
function remembered<A extends unknown[], R>(fn: (...args: A) => R, max = 20_000): (...args: A) => R {
  const cache = new Map<string, R>();
  return (...args) => {
    const k = args.join('\u0000');
    if (k.length > 300) return fn(...args);
    let r = cache.get(k);
    if (r === undefined) {
      if (cache.size >= max) cache.clear();
      r = fn(...args);
      cache.set(k, r);
    }
    return r;
  };
}
const normaliseLogin = remembered(normaliseLoginUncached);
/** The model's DomainNameSchema (lower-cased, IDNs as punycode), over a remembered normaliser. */
const DomainNameSchema = domainNameSchemaOf(remembered(normaliseDomain));

/** A login is normalised on the way in (settings.md), like the domain. */
function withLogin<T extends { type: UserType; login: string }>(value: T, ctx: z.RefinementCtx): T {
  const r = normaliseLogin(value.type, value.login);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', path: ['login'], message: r.message });
    return z.NEVER;
  }
  return { ...value, login: r.login };
}

const IsoUtc = z.iso.datetime({ offset: true });

/** An outgoing user, as every call returns it. */
export const PanelUserSchema = z
  .object({
    domain: DomainNameSchema,
    type: UserTypeSchema,
    login: z.string().max(128),
    revision: z.number().int().min(1),
    updated_at: IsoUtc,
    settings: SettingsSchema,
    lock: LockStateSchema,
  })
  .transform(withLogin);
export type PanelUser = z.output<typeof PanelUserSchema>;

/** (domain, type, login) as the panel names an outgoing user. */
export type PanelUserKey = { domain: string; type: UserType; login: string };

export const FieldErrorSchema = z.object({ field: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldErrorSchema>;
/** The result of a 400. */
export const ErrorsResultSchema = z.object({ errors: z.array(FieldErrorSchema) });

/** The result of a 409: the current outgoing user, or null (e.g. a domain that exists). */
export const ConflictResultSchema = PanelUserSchema.nullable();

export const PanelChangeSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('upsert'), user: PanelUserSchema }),
  z
    .object({ op: z.literal('delete'), domain: DomainNameSchema, type: UserTypeSchema, login: z.string().max(128) })
    .transform(withLogin),
  z.object({ op: z.literal('domain'), domain: DomainNameSchema }),
]);
export type PanelChange = z.output<typeof PanelChangeSchema>;

export const ChangesResultSchema = z.object({
  changes: z.array(PanelChangeSchema),
  cursor: z.string().min(1),
  more: z.boolean(),
});
export type ChangesResult = z.output<typeof ChangesResultSchema>;

// ---- the envelope

export const EnvelopeSchema = z
  .object({
    messages: z.object({ success: z.array(z.string()), error: z.array(z.string()) }),
    result: z.unknown(),
  })
  .refine((e) => 'result' in e, { message: 'The envelope has no result' });
export type Envelope<T = unknown> = { messages: { success: string[]; error: string[] }; result: T };

export function envelope<T>(result: T, messages: { success?: string[]; error?: string[] } = {}): Envelope<T> {
  return { messages: { success: messages.success ?? [], error: messages.error ?? [] }, result };
}

// ---- parameters (what arrives is text; these turn it into values or say what is wrong)

const requiredText = (name: string) =>
  z.string({ error: (iss) => (iss.input === undefined ? `Parameter ${name} is required` : `Parameter ${name} must be text`) });

function intParam(name: string, min: number, max: number) {
  const message = `Parameter ${name} must be a whole number from ${min} to ${max}`;
  return requiredText(name)
    .regex(/^\d{1,16}$/, { error: message })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: message }).max(max, { error: message }));
}

const DomainParam = requiredText('domain').pipe(DomainNameSchema);
const PasswordParam = requiredText('password').pipe(PasswordSchema);
const SELECTOR_MESSAGE =
  'Parameter selector must be a DKIM selector: dot-separated labels of letters, digits and hyphens, 63 characters at most';
const PEM_PRIVATE_KEY = /^-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----\r?\n[\s\S]+\r?\n-----END \1-----\s*$/;

// The user path (panel-api.md "Identifying an outgoing user in a path").
const userPath = {
  domain: DomainParam,
  username: requiredText('username').optional(),
  ip: requiredText('ip').optional(),
};

type ParamShape = Record<string, z.ZodType<unknown, string | undefined>>;
type CallDef = {
  controller: string;
  action: string;
  /** writes go out as POST; reads as GET */
  write: boolean;
  params: ParamShape;
  /** parameters a client sends only in a POST body, never in the path */
  secrets: readonly string[];
  /** the call takes settings as `{key}/{value}`: at least one, or any number */
  settings: 'required' | 'optional' | false;
  /** the call names one outgoing user by the user path */
  user: boolean;
  result: z.ZodType;
};

const call = <
  const P extends ParamShape,
  R extends z.ZodType,
  const S extends readonly string[] = [],
  const T extends 'required' | 'optional' | false = false,
>(
  controller: string,
  action: string,
  def: { write?: boolean; params?: P; secrets?: S; settings?: T; user?: boolean; result: R },
) => ({
  controller,
  action,
  write: def.write ?? false,
  params: (def.params ?? {}) as P,
  secrets: (def.secrets ?? []) as unknown as S,
  settings: (def.settings ?? false) as T,
  user: def.user ?? false,
  result: def.result,
});

const DomainListSchema = z.array(DomainNameSchema);
const SelectorListSchema = z.array(z.string().refine(isDkimSelector, { error: 'not a DKIM selector' }));

export const PANEL_CALLS = {
  version: call('version', 'get', {
    result: z.object({ api: z.number().int().min(1), name: z.string(), time: IsoUtc }),
  }),
  domainsList: call('domainslist', 'get', { result: DomainListSchema }),
  domainAdd: call('domain', 'add', {
    write: true,
    params: { domain: DomainParam },
    result: z.object({ domain: DomainNameSchema }),
  }),
  usersList: call('outgoingusers', 'list', {
    params: { domain: DomainParam, page: intParam('page', 1, 1_000_000).optional(), pagesize: intParam('pagesize', 1, 1000).optional() },
    result: z.object({
      users: z.array(PanelUserSchema),
      total: z.number().int().min(0),
      page: z.number().int().min(1),
      pagesize: z.number().int().min(1),
    }),
  }),
  userGet: call('outgoingusers', 'get', { params: userPath, user: true, result: PanelUserSchema }),
  userAdd: call('outgoingusers', 'add', {
    write: true,
    params: { ...userPath, password: PasswordParam.optional() },
    secrets: ['password'],
    settings: 'optional',
    user: true,
    result: PanelUserSchema,
  }),
  userRemove: call('outgoingusers', 'remove', {
    write: true,
    params: userPath,
    user: true,
    result: z.object({ removed: z.literal(true) }),
  }),
  setSettings: call('outgoingusers', 'setsettings', {
    write: true,
    params: { ...userPath, ifrevision: intParam('ifrevision', 1, Number.MAX_SAFE_INTEGER).optional() },
    settings: 'required',
    user: true,
    result: PanelUserSchema,
  }),
  setPassword: call('outgoingusers', 'setpassword', {
    write: true,
    params: { ...userPath, password: PasswordParam },
    secrets: ['password'],
    user: true,
    result: z.object({ revision: z.number().int().min(1) }),
  }),
  lock: call('outgoingusers', 'lock', {
    write: true,
    params: { ...userPath, ifrevision: intParam('ifrevision', 1, Number.MAX_SAFE_INTEGER).optional() },
    user: true,
    result: PanelUserSchema,
  }),
  unlock: call('outgoingusers', 'unlock', {
    write: true,
    params: { ...userPath, ifrevision: intParam('ifrevision', 1, Number.MAX_SAFE_INTEGER).optional() },
    user: true,
    result: PanelUserSchema,
  }),
  dkimList: call('dkim', 'list', { params: { domain: DomainParam }, result: SelectorListSchema }),
  dkimSet: call('dkim', 'set', {
    write: true,
    params: {
      domain: DomainParam,
      selector: requiredText('selector').refine(isDkimSelector, { error: SELECTOR_MESSAGE }).transform((s) => s.toLowerCase()),
      certificate: requiredText('certificate').regex(PEM_PRIVATE_KEY, {
        error: 'Parameter certificate must be a PEM private key (-----BEGIN PRIVATE KEY----- …)',
      }),
    },
    secrets: ['certificate'],
    result: z.object({ selector: z.string().refine(isDkimSelector) }),
  }),
  changes: call('sync', 'changes', {
    params: {
      since: requiredText('since').min(1, { error: 'Parameter since must be a cursor, or 0' }).max(512, {
        error: 'Parameter since must be a cursor, or 0',
      }),
      limit: intParam('limit', 1, 5000).optional(),
    },
    result: ChangesResultSchema,
  }),
} as const;
// Checked apart, not with `satisfies`: as a contextual type it would widen what call() infers.
const _callsAreCallDefs: Record<string, CallDef> = PANEL_CALLS;
void _callsAreCallDefs;

export type PanelCalls = typeof PANEL_CALLS;
export type PanelCallName = keyof PanelCalls;
export const PANEL_CALL_NAMES = Object.keys(PANEL_CALLS) as PanelCallName[];
export type ResultOf<C extends PanelCallName> = z.output<PanelCalls[C]['result']>;

/** `{controller}/{action}` → call name, for routing. */
const CALL_BY_ROUTE = new Map(PANEL_CALL_NAMES.map((n) => [`${PANEL_CALLS[n].controller}/${PANEL_CALLS[n].action}`, n]));
export function callForRoute(controller: string, action: string): PanelCallName | undefined {
  return CALL_BY_ROUTE.get(`${controller}/${action}`);
}

// ---- writing a request

export type WireValue = string | number | boolean;
type ParamNames<C extends PanelCallName> =
  | Extract<keyof PanelCalls[C]['params'], string>
  | (PanelCalls[C]['settings'] extends false ? never : SettingKey);
export type ParamsOf<C extends PanelCallName> = { [K in ParamNames<C>]?: WireValue };

/** Booleans are 1 and 0; everything else as text. */
export function wireValue(v: WireValue): string {
  return typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
}

/** The user path's parameters: domain, then username (user) or ip (ip) or nothing (domain). */
export function userPathParams(key: PanelUserKey): { domain: string; username?: string; ip?: string } {
  if (key.type === 'user') return { domain: key.domain, username: key.login };
  if (key.type === 'ip') return { domain: key.domain, ip: key.login };
  return { domain: key.domain };
}

/** Settings as `{key}: value` parameters, in SETTINGS order; undefined values are left out. */
export function settingsParams(patch: SettingsPatch): Partial<Record<SettingKey, WireValue>> {
  const out: Partial<Record<SettingKey, WireValue>> = {};
  for (const key of SETTING_KEYS) {
    const value = patch[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export type PanelRequest = { method: 'GET' | 'POST'; url: string; body?: string; path: string };

/**
 * `{base}/api/{controller}/{action}/format/json/{name}/{value}/…`, each value
 * URL-encoded. The call's secrets go into an x-www-form-urlencoded POST body
 * and never into the path; a write is a POST.
 */
export function buildPanelRequest<C extends PanelCallName>(baseUrl: string, name: C, params: ParamsOf<C>): PanelRequest {
  const def: CallDef = PANEL_CALLS[name];
  const segments = ['api', def.controller, def.action, 'format', 'json'];
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params) as [string, WireValue | undefined][]) {
    if (value === undefined) continue;
    if (def.secrets.includes(key)) body.append(key, wireValue(value));
    else segments.push(key, encodeURIComponent(wireValue(value)));
  }
  const path = `/${segments.join('/')}`;
  const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
  const hasBody = [...body.keys()].length > 0;
  if (hasBody || def.write) return { method: 'POST', url, path, body: body.toString() };
  return { method: 'GET', url, path };
}

// ---- reading a request (the panel's side)

/** Setting values as text → values the settings schema can judge (anything unreadable stays text and fails there). */
export function decodeSettingValue(key: SettingKey, raw: string): unknown {
  const kind = SETTINGS[key].kind;
  if (kind === 'boolean') return raw === '1' ? true : raw === '0' ? false : raw;
  if (kind === 'integer') return /^-?\d{1,16}$/.test(raw) ? Number(raw) : raw;
  return raw;
}

export type ParsedCall<C extends PanelCallName> = {
  params: { [K in keyof PanelCalls[C]['params']]: z.output<PanelCalls[C]['params'][K]> };
  /** the settings named (null when none were, or the call takes none) */
  settings: SettingsPatch | null;
  /** the outgoing user named by the user path (calls that take one) */
  user: PanelUserKey | null;
};

function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: k, message: `Unknown parameter ${k}` }))
      : [{ field: String(i.path[0] ?? 'parameters'), message: i.message }],
  );
}

/**
 * Checks a call's parameters (names already unique, values decoded text):
 * unknown names, missing or invalid values, the settings and the user path.
 * Every error names its field; any error means nothing may change.
 */
export function parsePanelCall<C extends PanelCallName>(
  name: C,
  raw: Record<string, string>,
): { ok: true; value: ParsedCall<C> } | { ok: false; errors: FieldError[] } {
  const def: CallDef = PANEL_CALLS[name];
  const shape: Record<string, z.ZodType> = { ...def.params };
  const settingsRaw: Record<string, unknown> = {};
  if (def.settings) {
    for (const key of SETTING_KEYS) {
      shape[key] = z.string().optional();
      if (raw[key] !== undefined) settingsRaw[key] = decodeSettingValue(key, raw[key]);
    }
  }
  const errors: FieldError[] = [];
  const parsed = z.strictObject(shape).safeParse(raw);
  if (!parsed.success) errors.push(...issuesToFieldErrors(parsed.error.issues));

  let settings: SettingsPatch | null = null;
  if (def.settings && Object.keys(settingsRaw).length > 0) {
    const s = SettingsPatchSchema.safeParse(settingsRaw);
    if (s.success) settings = s.data;
    else errors.push(...issuesToFieldErrors(s.error.issues));
  } else if (def.settings === 'required') {
    errors.push({ field: 'settings', message: 'Name at least one setting to change' });
  }

  let user: PanelUserKey | null = null;
  if (def.user) {
    const domain = parsed.success ? (parsed.data as { domain: string }).domain : (raw.domain ?? '');
    const r = userKeyFromParams({ domain, username: raw.username, ip: raw.ip });
    if (r.ok) user = r.key;
    else errors.push(r.error);
  }
  // Keep only the first error per field: one clear message each.
  const seen = new Set<string>();
  const unique = errors.filter((e) => !seen.has(e.field) && seen.add(e.field));
  if (unique.length > 0) return { ok: false, errors: unique };
  return { ok: true, value: { params: parsed.data, settings, user } as ParsedCall<C> };
}

/** The inverse of userPathParams: username → user, ip → ip, neither → the domain login. */
export function userKeyFromParams(p: {
  domain: string;
  username?: string;
  ip?: string;
}): { ok: true; key: PanelUserKey } | { ok: false; error: FieldError } {
  if (p.username !== undefined && p.ip !== undefined) {
    return { ok: false, error: { field: 'ip', message: 'Give username or ip, not both' } };
  }
  const type: UserType = p.username !== undefined ? 'user' : p.ip !== undefined ? 'ip' : 'domain';
  const field = type === 'user' ? 'username' : 'ip';
  const r = normaliseLogin(type, p.username ?? p.ip ?? '');
  if (!r.ok) return { ok: false, error: { field, message: r.message } };
  return { ok: true, key: { domain: p.domain, type, login: r.login } };
}

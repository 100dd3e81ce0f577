// The thirteen settings of an outgoing user, as data. Everything else — the zod
// schemas, the form, the panel client's parameters, the audit labels — is
// derived from SETTINGS, so a setting is described in exactly one place.
// Source of truth: ../shared/settings.md.
import { z } from 'zod';

type BooleanDef = { kind: 'boolean'; label: string; default: boolean; help: string };
type IntegerDef = {
  kind: 'integer';
  label: string;
  default: number;
  min: number;
  max: number;
  unit?: string;
  help: string;
};
type EnumDef<V extends string> = {
  kind: 'enum';
  label: string;
  default: V;
  options: readonly { value: V; label: string }[];
  help: string;
};
type SelectorDef = { kind: 'selector'; label: string; default: string; help: string };
export type SettingDef = BooleanDef | IntegerDef | EnumDef<string> | SelectorDef;

export const IDENTIFICATION_METHODS = [
  { value: 'none', label: 'None' },
  { value: 'envelope_sender', label: 'Envelope sender' },
  { value: 'authentication_user', label: 'Authentication user' },
  { value: 'header', label: 'Header' },
] as const;

export const QUARANTINE_RESPONSES = [
  { value: 'reject', label: 'Reject' },
  { value: 'accept', label: 'Accept' },
] as const;

// Order is the order of the form (the panel's own page order).
export const SETTINGS = {
  automatic_lock: {
    kind: 'boolean',
    label: 'Automatic lock enabled',
    default: true,
    help: 'Lock the user automatically when it sends spam.',
  },
  identification_method: {
    kind: 'enum',
    label: 'Identification method',
    default: 'none',
    options: IDENTIFICATION_METHODS,
    help: 'How individual senders behind this user are told apart.',
  },
  lock_timeout: {
    kind: 'integer',
    label: 'User lock timeout',
    default: 30,
    min: 1,
    max: 10080,
    unit: 'minutes',
    help: 'How long an automatic lock lasts before the user is unlocked again.',
  },
  max_unlocks: {
    kind: 'integer',
    label: 'Maximum unlocks by timeout',
    default: 1,
    min: 0,
    max: 100,
    help: 'How many times a timeout may unlock the user; 0: never automatically.',
  },
  limits_enabled: {
    kind: 'boolean',
    label: 'Enable outgoing limits',
    default: true,
    help: 'Whether the two connection limits apply.',
  },
  limit_per_hour: {
    kind: 'integer',
    label: 'Outgoing limit per hour',
    default: 30,
    min: 0,
    max: 1000000,
    unit: 'connections',
    help: 'Connections that may be opened per hour; 0: no hourly limit.',
  },
  limit_per_minute: {
    kind: 'integer',
    label: 'Outgoing limit per minute',
    default: 5,
    min: 0,
    max: 100000,
    unit: 'connections',
    help: 'Connections that may be opened per minute; 0: no per-minute limit.',
  },
  valid_sender_required: {
    kind: 'boolean',
    label: 'Valid Sender address required',
    default: true,
    help: 'Reject mail whose sender address cannot be verified.',
  },
  dkim_selector: {
    kind: 'selector',
    label: 'DKIM Selector',
    default: '',
    help: "Selector used to DKIM-sign this user's mail; empty: no signing.",
  },
  max_recipients_per_day: {
    kind: 'integer',
    label: 'Maximum number of recipients per day',
    default: 0,
    min: 0,
    max: 10000000,
    help: 'Recipients a sender may address per day; 0: unlimited.',
  },
  invalid_recipient_limit: {
    kind: 'integer',
    label: 'Invalid recipient limit',
    default: 50,
    min: 0,
    max: 100000,
    help: 'Invalid recipients a sender may address per day; 0: no limit.',
  },
  max_retry_days: {
    kind: 'integer',
    label: 'Maximum days to retry',
    default: 4,
    min: 1,
    max: 30,
    unit: 'days',
    help: 'Days the automatic retry schedule keeps retrying delivery.',
  },
  quarantine_response: {
    kind: 'enum',
    label: 'Quarantine response',
    default: 'reject',
    options: QUARANTINE_RESPONSES,
    help: 'SMTP answer for blocked mail; Accept answers 250 but the message stays in quarantine.',
  },
} as const satisfies Record<string, SettingDef>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

// ---- messages (settings.md "Bad input"): always name the field by its label

export function settingMessage(key: SettingKey): string {
  const def: SettingDef = SETTINGS[key];
  switch (def.kind) {
    case 'boolean':
      return `${def.label} must be on or off (true or false)`;
    case 'integer':
      return `${def.label} must be a whole number from ${def.min} to ${def.max}`;
    case 'enum':
      return `${def.label} must be one of: ${def.options.map((o) => o.label).join(', ')}`;
    case 'selector':
      return `${def.label} must be empty, or dot-separated labels of letters, digits and hyphens (each 1–63 characters, not starting or ending with a hyphen), 63 characters at most`;
  }
}

export const CROSS_LIMIT_MESSAGE = 'Outgoing limit per minute cannot exceed Outgoing limit per hour';

// ---- schemas

const SELECTOR_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isDkimSelector(value: string): boolean {
  return value.length <= 63 && value.split('.').every((label) => SELECTOR_LABEL.test(label));
}

function settingSchema(key: SettingKey): z.ZodType {
  const def: SettingDef = SETTINGS[key];
  const error = settingMessage(key);
  switch (def.kind) {
    case 'boolean':
      return z.boolean({ error });
    case 'integer':
      return z.number({ error }).int({ error }).min(def.min, { error }).max(def.max, { error });
    case 'enum':
      return z.enum(def.options.map((o) => o.value) as [string, ...string[]], { error });
    case 'selector':
      return z
        .string({ error })
        .refine((s) => s === '' || isDkimSelector(s), { error })
        .transform((s) => s.toLowerCase());
  }
}

export type Settings = {
  automatic_lock: boolean;
  identification_method: (typeof IDENTIFICATION_METHODS)[number]['value'];
  lock_timeout: number;
  max_unlocks: number;
  limits_enabled: boolean;
  limit_per_hour: number;
  limit_per_minute: number;
  valid_sender_required: boolean;
  dkim_selector: string;
  max_recipients_per_day: number;
  invalid_recipient_limit: number;
  max_retry_days: number;
  quarantine_response: (typeof QUARANTINE_RESPONSES)[number]['value'];
};
// Compile-time proof that Settings and SETTINGS name the same keys.
type _SameKeys = [SettingKey] extends [keyof Settings] ? ([keyof Settings] extends [SettingKey] ? true : never) : never;
const _sameKeys: _SameKeys = true;
void _sameKeys;

export type SettingsPatch = Partial<Settings>;

const fieldShape = Object.fromEntries(SETTING_KEYS.map((k) => [k, settingSchema(k)])) as Record<
  SettingKey,
  z.ZodType
>;

/** Cross-field rules of settings.md; returns the issues, empty when the settings are consistent. */
export function crossFieldIssues(s: Settings): { field: SettingKey; message: string }[] {
  if (s.limits_enabled && s.limit_per_hour > 0 && s.limit_per_minute > 0 && s.limit_per_minute > s.limit_per_hour) {
    return [{ field: 'limit_per_minute', message: CROSS_LIMIT_MESSAGE }];
  }
  return [];
}

/** A whole, consistent settings object (strict: unknown keys are refused). */
export const SettingsSchema = z
  .strictObject(fieldShape)
  .superRefine((value, ctx) => {
    for (const issue of crossFieldIssues(value as Settings)) {
      ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
    }
  }) as unknown as z.ZodType<Settings>;

/** Some settings (each one valid on its own; the cross rule is checked once merged). */
export const SettingsPatchSchema = z
  .strictObject(Object.fromEntries(SETTING_KEYS.map((k) => [k, fieldShape[k].optional()])))
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message: 'Name at least one setting to change',
  }) as unknown as z.ZodType<SettingsPatch>;

export const DEFAULT_SETTINGS: Settings = Object.fromEntries(
  SETTING_KEYS.map((k) => [k, SETTINGS[k].default]),
) as Settings;

export function settingLabel(key: SettingKey): string {
  return SETTINGS[key].label;
}

/** Turns what a person typed (form, CSV cell) into a typed value, or says what is wrong. */
export function parseSettingInput(
  key: SettingKey,
  raw: string | boolean,
): { ok: true; value: Settings[SettingKey] } | { ok: false; message: string } {
  const def: SettingDef = SETTINGS[key];
  let candidate: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (def.kind === 'integer') candidate = /^[+-]?\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
    else if (def.kind === 'boolean') {
      const t = text.toLowerCase();
      candidate = ['true', '1', 'yes', 'on'].includes(t) ? true : ['false', '0', 'no', 'off'].includes(t) ? false : text;
    } else if (def.kind === 'enum') {
      // Accept the value or its shown label.
      candidate = def.options.find((o) => o.value === text || o.label.toLowerCase() === text.toLowerCase())?.value ?? text;
    } else candidate = text;
  }
  const parsed = fieldShape[key].safeParse(candidate);
  return parsed.success ? { ok: true, value: parsed.data as Settings[SettingKey] } : { ok: false, message: settingMessage(key) };
}

/** Shown text of a value, for history, diffs and conflicts. */
export function formatSettingValue(key: SettingKey, value: unknown): string {
  const def: SettingDef = SETTINGS[key];
  if (def.kind === 'boolean') return value ? 'On' : 'Off';
  if (def.kind === 'enum') return def.options.find((o) => o.value === value)?.label ?? String(value);
  if (def.kind === 'selector') return value === '' ? '(none)' : String(value);
  return String(value);
}

/** Applies a patch and checks the result as a whole; the patch itself must already be parsed. */
export function mergeSettings(
  current: Settings,
  patch: SettingsPatch,
): { ok: true; settings: Settings } | { ok: false; issues: { field: SettingKey; message: string }[] } {
  const merged = { ...current, ...stripUndefined(patch) } as Settings;
  const issues = crossFieldIssues(merged);
  return issues.length ? { ok: false, issues } : { ok: true, settings: merged };
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Keys whose values differ between two settings objects, in form order. */
export function changedKeys(a: Settings, b: Settings): SettingKey[] {
  return SETTING_KEYS.filter((k) => a[k] !== b[k]);
}

// The settings editor's logic, free of any component: what the person typed
// (raw text, ticks) against the saved settings → parsed values, per-field
// messages, the patch to send. Rules come from common/settings.ts only.
import type { Issue } from '../../../common/ipc/errors.js';
import {
  SETTING_KEYS,
  SETTINGS,
  crossFieldIssues,
  isSettingKey,
  parseSettingInput,
  type SettingKey,
  type Settings,
  type SettingsPatch,
} from '../../../common/settings.js';

export type RawValue = string | boolean;
export type Edits = Partial<Record<SettingKey, RawValue>>;
export type FieldMessages = Partial<Record<SettingKey, string>>;

export type FormState = {
  raw: Record<SettingKey, RawValue>;
  errors: FieldMessages;
  /** fields whose parsed value differs from the saved one, in form order */
  changed: SettingKey[];
  /** fields with an edit that matters: a changed value, or text that does not parse yet (text that parses to the saved value, ` 45 ` or `S1` for `s1`, is not one) */
  touched: SettingKey[];
  patch: SettingsPatch;
  /** no client-side problems (server messages do not block a retry) */
  valid: boolean;
};

/** A saved value as the control shows it. */
export function toRaw(key: SettingKey, value: Settings[SettingKey]): RawValue {
  return SETTINGS[key].kind === 'boolean' ? Boolean(value) : String(value);
}

export function evaluate(saved: Settings, edits: Edits, server: FieldMessages = {}): FormState {
  const raw = {} as Record<SettingKey, RawValue>;
  const errors: FieldMessages = {};
  const parsed: Partial<Record<SettingKey, unknown>> = {};
  const changed: SettingKey[] = [];
  const touched: SettingKey[] = [];
  const patch: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = edits[key] ?? toRaw(key, saved[key]);
    raw[key] = value;
    const r = parseSettingInput(key, value);
    if (!r.ok) {
      if (value !== toRaw(key, saved[key])) touched.push(key);
      errors[key] = r.message;
      continue;
    }
    parsed[key] = r.value;
    if (r.value !== saved[key]) {
      touched.push(key);
      changed.push(key);
      patch[key] = r.value;
    }
  }
  // Cross-field rules read the merged values (a field that does not parse keeps
  // its saved value here, and shows its own message).
  const cross = crossFieldIssues({ ...saved, ...parsed } as Settings);
  const valid = Object.keys(errors).length === 0 && cross.length === 0;
  for (const issue of cross) errors[issue.field] ??= issue.message;
  for (const key of SETTING_KEYS) if (server[key]) errors[key] ??= server[key];
  return { raw, errors, changed, touched, patch: patch as SettingsPatch, valid };
}

/**
 * Server issues → messages per setting (the path may be `limit_per_hour`,
 * `changes.limit_per_hour`, …); whatever names no setting comes back in `rest`.
 */
export function mapIssues(issues: Issue[]): { fields: FieldMessages; rest: string[] } {
  const fields: FieldMessages = {};
  const rest: string[] = [];
  for (const issue of issues) {
    const key = issue.path.split('.').find(isSettingKey);
    if (key) fields[key] ??= issue.message;
    else rest.push(issue.message);
  }
  return { fields, rest };
}

/** "1–10080 minutes" for integers; nothing for the other kinds. */
export function rangeHint(key: SettingKey): string {
  const def = SETTINGS[key];
  if (def.kind !== 'integer') return '';
  const unit = 'unit' in def ? ` ${def.unit}` : '';
  return `${def.min}–${def.max}${unit}`;
}

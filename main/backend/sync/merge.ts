// The three-way merge of one field (docs/architecture.md "Sync"): the base is
// the value both sides last agreed on (an outbox entry's `from`), local is
// this computer's value (`to`), panel is the panel's current value.
import { SETTINGS, isSettingKey, type SettingKey, type Settings } from '../../../common/settings.js';
import type { FieldError } from '../../../common/panel-api.js';

export type FieldOutcome =
  /** both sides hold the same value: nothing to send */
  | 'same'
  /** only this computer changed it: send the local value */
  | 'send'
  /** only the panel changed it: take the panel's value */
  | 'take'
  /** both changed it, to different values: a person decides */
  | 'conflict';

export function mergeField(base: unknown, local: unknown, panel: unknown): FieldOutcome {
  if (local === panel) return 'same';
  if (panel === base) return 'send';
  if (local === base) return 'take';
  return 'conflict';
}

/**
 * The fields that take part in a cross-field rule (settings.md "Rules across
 * fields"): when a merge breaks the rule, these are kept together.
 */
export const RULE_FIELDS: readonly SettingKey[] = ['limits_enabled', 'limit_per_hour', 'limit_per_minute'];

/** Settings keys in form order, for a stable result. */
export function sameSettings(a: Settings, b: Settings): boolean {
  for (const k of Object.keys(SETTINGS) as SettingKey[]) if (a[k] !== b[k]) return false;
  return true;
}

/** A panel's 400 as one sentence: each field error, named by its label when it is a setting. */
export function fieldErrorsMessage(errors: readonly FieldError[], fallback: string): string {
  const parts = errors.map((e) => {
    if (!isSettingKey(e.field)) return e.message;
    const label = SETTINGS[e.field].label;
    return e.message.includes(label) ? e.message : `${label}: ${e.message}`;
  });
  const unique = [...new Set(parts)];
  return unique.length ? unique.join('; ') : fallback;
}

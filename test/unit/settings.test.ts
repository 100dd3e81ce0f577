// The settings schemas of common/settings.ts, edge by edge, generated from SETTINGS
// so that a setting added there is tested here without editing this file.
import { describe, expect, it } from 'vitest';
import {
  CROSS_LIMIT_MESSAGE,
  DEFAULT_SETTINGS,
  SETTINGS,
  SETTING_KEYS,
  SettingsPatchSchema,
  SettingsSchema,
  isDkimSelector,
  mergeSettings,
  parseSettingInput,
  settingMessage,
  type SettingDef,
  type SettingKey,
} from '../../common/settings.js';

const defs = SETTING_KEYS.map((key) => [key, SETTINGS[key] as SettingDef] as const);
const ofKind = <K extends SettingDef['kind']>(kind: K) =>
  defs.filter((d): d is readonly [SettingKey, Extract<SettingDef, { kind: K }>] => d[1].kind === kind);

function refused(key: SettingKey, value: unknown) {
  const r = SettingsPatchSchema.safeParse({ [key]: value });
  expect(r.success, `${key} = ${JSON.stringify(value)} should be refused`).toBe(false);
  const issue = r.error!.issues.find((i) => i.path[0] === key);
  expect(issue?.message).toBe(settingMessage(key));
  // The message names the field by its label (settings.md "Bad input").
  expect(issue?.message).toContain(SETTINGS[key].label);
}

function accepted(key: SettingKey, value: unknown, expected: unknown = value) {
  const r = SettingsPatchSchema.safeParse({ [key]: value });
  expect(r.success, `${key} = ${JSON.stringify(value)} should be accepted: ${JSON.stringify(r.error?.issues)}`).toBe(true);
  expect((r.data as Record<string, unknown>)[key]).toEqual(expected);
}

describe('integer settings', () => {
  it.each(ofKind('integer'))('%s: every range edge', (key, def) => {
    accepted(key, def.min);
    accepted(key, def.max);
    refused(key, def.min - 1);
    refused(key, def.max + 1);
    refused(key, def.min + 0.5);
    refused(key, Number.NaN);
    refused(key, String(def.min)); // wrong type: the main process gets numbers, not text
    refused(key, null);
    refused(key, true);
    expect(settingMessage(key)).toBe(`${def.label} must be a whole number from ${def.min} to ${def.max}`);
  });

  it.each(ofKind('integer'))('%s: typed text is parsed and checked the same way', (key, def) => {
    expect(parseSettingInput(key, ` ${def.max} `)).toEqual({ ok: true, value: def.max });
    expect(parseSettingInput(key, String(def.max + 1))).toEqual({ ok: false, message: settingMessage(key) });
    expect(parseSettingInput(key, '1.5')).toEqual({ ok: false, message: settingMessage(key) });
    expect(parseSettingInput(key, 'ten')).toEqual({ ok: false, message: settingMessage(key) });
  });
});

describe('boolean settings', () => {
  it.each(ofKind('boolean'))('%s', (key) => {
    accepted(key, true);
    accepted(key, false);
    for (const bad of ['true', 1, 0, null, {}]) refused(key, bad);
    expect(parseSettingInput(key, 'off')).toEqual({ ok: true, value: false });
    expect(parseSettingInput(key, 'maybe').ok).toBe(false);
  });
});

describe('enum settings', () => {
  it.each(ofKind('enum'))('%s', (key, def) => {
    for (const o of def.options) accepted(key, o.value);
    refused(key, 'bogus');
    refused(key, def.options[0]!.value.toUpperCase());
    refused(key, 1);
    // A shown label is accepted where people type (forms, CSV), not in the typed contract.
    const labelled = def.options.find((o) => o.label !== o.value)!;
    refused(key, labelled.label);
    expect(parseSettingInput(key, labelled.label)).toEqual({ ok: true, value: labelled.value });
  });
});

describe('DKIM selector', () => {
  const key = 'dkim_selector';
  it('accepts empty, single and dotted selectors, stored in lower case', () => {
    accepted(key, '');
    accepted(key, 'default');
    accepted(key, 'S2026', 's2026');
    accepted(key, 'Mail-1.Example', 'mail-1.example');
    accepted(key, 'a');
    accepted(key, 'a'.repeat(63));
    accepted(key, `${'a'.repeat(31)}.${'b'.repeat(31)}`);
  });

  it.each(['-a', 'a-', 'a..b', '.a', 'a.', 'a_b', 'a b', 'ä', 'a'.repeat(64), `${'a'.repeat(32)}.${'b'.repeat(31)}`])('refuses %j', (bad) => {
    refused(key, bad);
    expect(isDkimSelector(bad)).toBe(false);
  });

  it('refuses the wrong type', () => {
    refused(key, 5);
    refused(key, null);
  });
});

describe('the cross-field rule', () => {
  const base = { ...DEFAULT_SETTINGS, limits_enabled: true, limit_per_hour: 10 };
  const minuteIssue = (s: unknown) => SettingsSchema.safeParse(s).error?.issues.find((i) => i.path[0] === 'limit_per_minute')?.message;

  it('refuses a per-minute limit above the hourly one, naming limit_per_minute', () => {
    expect(minuteIssue({ ...base, limit_per_minute: 11 })).toBe(CROSS_LIMIT_MESSAGE);
    expect(mergeSettings(base, { limit_per_minute: 11 })).toEqual({ ok: false, issues: [{ field: 'limit_per_minute', message: CROSS_LIMIT_MESSAGE }] });
  });

  it('allows equal limits', () => {
    expect(SettingsSchema.safeParse({ ...base, limit_per_minute: 10 }).success).toBe(true);
  });

  it('does not apply when limits are disabled', () => {
    expect(SettingsSchema.safeParse({ ...base, limits_enabled: false, limit_per_minute: 11 }).success).toBe(true);
    expect(mergeSettings({ ...base, limits_enabled: false }, { limit_per_minute: 500 }).ok).toBe(true);
  });

  it('does not apply when either limit is 0 (no limit)', () => {
    expect(SettingsSchema.safeParse({ ...base, limit_per_hour: 0, limit_per_minute: 11 }).success).toBe(true);
    expect(SettingsSchema.safeParse({ ...base, limit_per_minute: 0 }).success).toBe(true);
  });

  it('is checked on the merged result, so enabling limits can be refused', () => {
    const off = { ...base, limits_enabled: false, limit_per_minute: 50 };
    expect(mergeSettings(off, { limits_enabled: true }).ok).toBe(false);
  });
});

describe('whole settings and patches', () => {
  it('the defaults are a valid settings object', () => {
    expect(SettingsSchema.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
  });

  it('refuses unknown keys and an empty patch', () => {
    expect(SettingsPatchSchema.safeParse({ colour: 'blue' }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({}).success).toBe(false);
    const { lock_timeout: _, ...missing } = DEFAULT_SETTINGS;
    expect(SettingsSchema.safeParse(missing).success).toBe(false);
  });
});

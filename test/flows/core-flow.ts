// The UI steps both end-to-end suites take, on a Playwright Page: browser mode
// in Chromium (test/e2e/foundation.spec.ts) and the Electron shell
// (test/electron/app.spec.ts, which cannot run everywhere — the e2e suite
// runs these same steps wherever it runs). Roles and accessible names only;
// field labels and values come from common/, never written out here.
import { expect, type Locator, type Page } from '@playwright/test';
import { USER_TYPE_LABELS } from '../../common/model.js';
import { SETTINGS, SETTING_KEYS, type SettingDef, type SettingKey } from '../../common/settings.js';

/** What to type into a setting's field, and what it is stored (and shown after the save) as. */
export type SettingTarget = { typed: string; stored: unknown };

/** A value for each setting that differs from its default and keeps the settings consistent. */
function targetFor(key: SettingKey): SettingTarget {
  const def: SettingDef = SETTINGS[key];
  switch (def.kind) {
    case 'boolean':
      return { typed: String(!def.default), stored: !def.default };
    case 'integer': {
      // default + 7 keeps limit_per_minute (12) under limit_per_hour (37).
      const n = def.default + 7 <= def.max ? def.default + 7 : def.max - 1;
      return { typed: String(n), stored: n };
    }
    case 'enum': {
      const option = def.options.find((o) => o.value !== def.default)!;
      return { typed: option.label, stored: option.value };
    }
    case 'selector':
      // Typed in mixed case, stored (and shown after the save) in lower case.
      return { typed: 'S2026.Mail', stored: 's2026.mail' };
  }
}

export const SETTING_TARGETS = Object.fromEntries(SETTING_KEYS.map((k) => [k, targetFor(k)])) as Record<SettingKey, SettingTarget>;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The field is marked invalid and described by the message. */
export async function expectFieldMessage(field: Locator, message: string): Promise<void> {
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(new RegExp(escape(message)));
}

/** A value typed once that must be refused with its message before the good one is typed. */
export type Refusal = { bad: string; message: string };

/** Add domain → the dialog, the name (refused once first, if asked), the panel if any, added and closed. */
export async function addDomain(page: Page, name: string, options: { panel?: string; refuse?: Refusal } = {}): Promise<void> {
  await page.getByRole('button', { name: 'Add domain' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add domain' });
  const field = dialog.getByLabel('Domain name');
  if (options.refuse) {
    await field.fill(options.refuse.bad);
    await dialog.getByRole('button', { name: 'Add domain' }).click();
    await expectFieldMessage(field, options.refuse.message);
  }
  await field.fill(name);
  if (options.panel !== undefined) await dialog.getByLabel('Panel').selectOption({ label: options.panel });
  await dialog.getByRole('button', { name: 'Add domain' }).click();
  await expect(dialog).toBeHidden();
}

/** The password addUser gives a user of this type (a test that no password is shown looks for it). */
export const passwordFor = (type: keyof typeof USER_TYPE_LABELS) => `pw-${type}-0123456789`;

/** The login field of a user type: its label, the value, and a refusal to see first. */
export type LoginStep = { label: string; value: string; refuse?: Refusal };

/**
 * Add outgoing user → the dialog for `domain`, the type, a password (none for
 * an IP network: the field is not there), the login (none for a whole domain:
 * no Username field), added and closed.
 */
export async function addUser(page: Page, domain: string, type: keyof typeof USER_TYPE_LABELS, login: LoginStep | null): Promise<void> {
  await page.getByRole('button', { name: 'Add outgoing user' }).click();
  const dialog = page.getByRole('dialog', { name: `Add outgoing user to ${domain}` });
  await dialog.getByLabel('Type').selectOption({ label: USER_TYPE_LABELS[type] });
  if (type === 'ip') await expect(dialog.getByLabel('Password')).toHaveCount(0);
  else await dialog.getByLabel('Password').fill(passwordFor(type));
  if (login) {
    const field = dialog.getByLabel(login.label, { exact: true });
    if (login.refuse) {
      await field.fill(login.refuse.bad);
      await dialog.getByRole('button', { name: 'Add outgoing user' }).click();
      await expectFieldMessage(field, login.refuse.message);
    }
    await field.fill(login.value);
  } else {
    await expect(dialog.getByLabel('Username')).toHaveCount(0);
  }
  await dialog.getByRole('button', { name: 'Add outgoing user' }).click();
  await expect(dialog).toBeHidden();
}

/** The settings form of a user, by the name the list shows. */
export const settingsForm = (page: Page, display: string) => page.getByRole('form', { name: `Settings of ${display}` });

/** A setting's field, by its label. */
export const settingField = (form: Locator, key: SettingKey) => form.getByLabel(SETTINGS[key].label, { exact: true });

/** Sets one setting by its label, as its kind of field takes it. */
export async function setSetting(form: Locator, key: SettingKey, target: SettingTarget): Promise<void> {
  const def: SettingDef = SETTINGS[key];
  const field = settingField(form, key);
  if (def.kind === 'boolean') await field.setChecked(target.stored as boolean);
  else if (def.kind === 'enum') await field.selectOption({ label: target.typed });
  else await field.fill(target.typed);
}

/** The setting's field shows the stored value. */
export async function expectSetting(form: Locator, key: SettingKey, stored: unknown): Promise<void> {
  const def: SettingDef = SETTINGS[key];
  const field = settingField(form, key);
  if (def.kind === 'boolean') await expect(field, def.label).toBeChecked({ checked: stored as boolean });
  else await expect(field, def.label).toHaveValue(String(stored));
}

/** Every one of the thirteen settings set to its target, by its label (not saved). */
export async function setEverySetting(form: Locator): Promise<void> {
  for (const key of SETTING_KEYS) await setSetting(form, key, SETTING_TARGETS[key]);
}

/** Every one of the thirteen settings shows its target's stored value. */
export async function expectEverySetting(form: Locator): Promise<void> {
  for (const key of SETTING_KEYS) await expectSetting(form, key, SETTING_TARGETS[key].stored);
}

/** Panels view → the Add panel form with the panel's address and login → added; waits for the first sync to end Online. */
export async function addPanel(page: Page, panel: { url: string; username: string; password: string }): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Panels', exact: true }).click();
  const form = page.getByRole('form', { name: 'Add panel' });
  await form.getByLabel('Panel URL').fill(panel.url);
  await form.getByLabel('Admin username').fill(panel.username);
  await form.getByLabel('Password', { exact: true }).fill(panel.password);
  await form.getByRole('button', { name: 'Add panel' }).click();
  const status = page.getByRole('status', { name: 'Sync status' });
  await expect(status).toContainText('Online', { timeout: 20_000 });
  await expect(status).not.toContainText('Last sync: never');
}

// The foundation end to end, through the UI only: a panel connection (that is
// never reachable, so every change stays pending), a domain, outgoing users of
// all three types, every one of the thirteen settings set by its label, each
// kind of validation message, a save, a restart of browser mode on the same
// data folder, every value found again, the History tab and the pending count.
// Field lists and messages come from common/, never written out here.
import type { Page } from '@playwright/test';
import { HTTP_INVOKE_PREFIX, HTTP_TOKEN_HEADER } from '../../common/ipc/bridge.js';
import { DOMAIN_MESSAGE, IP_MESSAGE, USERNAME_MESSAGE } from '../../common/model.js';
import { CROSS_LIMIT_MESSAGE, SETTINGS, SETTING_KEYS, formatSettingValue, settingMessage, type SettingKey } from '../../common/settings.js';
import {
  SETTING_TARGETS as TARGETS,
  addDomain,
  addUser,
  expectEverySetting,
  expectFieldMessage,
  setEverySetting,
  settingField,
  settingsForm,
} from '../flows/core-flow.js';
import { expect, test } from './fixtures.js';

test.use({ viewport: { width: 1440, height: 1000 } });

const DOMAIN = 'example.com';
const ALICE = `alice@${DOMAIN}`;
/** Port 9 (discard) on loopback: refused at once, so the panel is simply offline. */
const UNREACHABLE_PANEL = 'http://127.0.0.1:9';

/** The backend's own count of pending changes, over the same HTTP bridge the page uses. */
async function pendingOnServer(page: Page, appUrl: string): Promise<number> {
  const url = new URL(appUrl);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
  const response = await page.request.post(`${url.origin}${HTTP_INVOKE_PREFIX}outbox.list`, {
    headers: { [HTTP_TOKEN_HEADER]: token },
    data: { status: 'pending', offset: 0, limit: 1 },
  });
  const body = (await response.json()) as { ok: boolean; value: { total: number } };
  expect(body.ok).toBe(true);
  return body.value.total;
}

test('domain, users of every type, all thirteen settings with validation, kept across a restart', async ({ page, app }) => {
  test.setTimeout(90_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(app.url);

  // First run → a panel connection that is never reachable.
  await expect(page.getByRole('heading', { name: 'Welcome to Outpost' })).toBeVisible();
  await page.getByRole('button', { name: 'Add panel' }).click();
  const panelForm = page.getByRole('form', { name: 'Add panel' });
  await panelForm.getByLabel('Panel name').fill('Test panel');
  await panelForm.getByLabel('Panel URL').fill(UNREACHABLE_PANEL);
  await panelForm.getByLabel('Admin username').fill('admin');
  await panelForm.getByLabel('Password').fill('panel-admin-password');
  await panelForm.getByRole('button', { name: 'Add panel' }).click();
  await expect(page.getByRole('listitem', { name: 'Test panel' })).toBeVisible();
  await expect(panelForm.getByLabel('Password')).toHaveValue('');

  // A domain: first a bad name, then a good one under the panel.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Users' }).click();
  await addDomain(page, DOMAIN, { panel: 'Test panel', refuse: { bad: 'not a domain', message: DOMAIN_MESSAGE } });
  await expect(page.getByRole('list', { name: 'Domains' }).getByRole('button', { name: DOMAIN })).toHaveAttribute('aria-current', 'true');

  // Outgoing users of the three types, each login refused once.
  await addUser(page, DOMAIN, 'user', { label: 'Username', value: 'alice', refuse: { bad: 'not valid!', message: USERNAME_MESSAGE } });
  await addUser(page, DOMAIN, 'ip', { label: 'IP address or network', value: '203.0.113.0/24', refuse: { bad: '203.0.113.300', message: IP_MESSAGE } });
  await addUser(page, DOMAIN, 'domain', null);
  const users = page.getByRole('list', { name: 'Outgoing users' });
  for (const name of [ALICE, `203.0.113.0/24 @ ${DOMAIN}`, DOMAIN]) await expect(users.getByRole('button', { name, exact: true })).toBeVisible();

  // Alice's settings: each kind of message, tied to its field.
  await users.getByRole('button', { name: ALICE, exact: true }).click();
  const form = settingsForm(page, ALICE);
  const save = form.getByRole('button', { name: 'Save changes' });
  await expect(save).toBeDisabled();
  const field = (key: SettingKey) => settingField(form, key);

  const lockTimeout = SETTINGS.lock_timeout;
  await field('lock_timeout').fill(String(lockTimeout.max + 1));
  await expectFieldMessage(field('lock_timeout'), settingMessage('lock_timeout'));
  await field('max_retry_days').fill('2.5');
  await expectFieldMessage(field('max_retry_days'), settingMessage('max_retry_days'));
  await field('dkim_selector').fill('-bad-');
  await expectFieldMessage(field('dkim_selector'), settingMessage('dkim_selector'));
  await field('limit_per_hour').fill('10');
  await field('limit_per_minute').fill('20');
  await expectFieldMessage(field('limit_per_minute'), CROSS_LIMIT_MESSAGE);
  await expect(save).toBeDisabled();

  // Moving away from unsaved edits asks first; "Keep editing" keeps them.
  await users.getByRole('button', { name: DOMAIN, exact: true }).click();
  const leave = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
  await leave.getByRole('button', { name: 'Keep editing' }).click();
  await expect(leave).toBeHidden();
  await expect(field('limit_per_minute')).toHaveValue('20');

  await form.getByRole('button', { name: 'Discard changes' }).click();
  for (const key of ['lock_timeout', 'max_retry_days', 'dkim_selector', 'limit_per_minute'] as const) {
    await expect(field(key)).not.toHaveAttribute('aria-invalid', 'true');
  }

  // Every one of the thirteen, by its label; then save.
  await setEverySetting(form);
  await expect(save).toBeEnabled();
  await save.click();
  await expect(form.getByText('No unsaved changes')).toBeVisible();
  await expectEverySetting(form);

  // Pending: the domain and its three users wait for the (offline) panel; the settings ride on alice's add.
  const status = page.getByRole('status');
  const expectedPending = await pendingOnServer(page, app.url);
  expect(expectedPending).toBe(4);
  await expect(status).toContainText(`Pending: ${expectedPending}`);

  // Restart browser mode on the same data folder: everything is still there.
  const url = await app.restart();
  await page.goto(url);
  await page.getByLabel('Search users').fill('alice');
  await expect(users.getByRole('button')).toHaveCount(1);
  await users.getByRole('button', { name: ALICE, exact: true }).click();
  await expectEverySetting(form);
  await expect(status).toContainText(`Pending: ${await pendingOnServer(page, url)}`);
  await expect(status).toContainText(`Pending: ${expectedPending}`);

  // History: one entry per setting, old → new, and never a password.
  await page.getByRole('tab', { name: 'History' }).click();
  const history = page.getByRole('list', { name: 'History' });
  for (const key of SETTING_KEYS) {
    const entry = history.getByRole('listitem').filter({ hasText: SETTINGS[key].label });
    await expect(entry, SETTINGS[key].label).toHaveCount(1);
    await expect(entry).toContainText(formatSettingValue(key, SETTINGS[key].default));
    await expect(entry).toContainText(formatSettingValue(key, TARGETS[key].stored));
    await expect(entry).toContainText('Local');
  }
  await expect(history).toContainText('Outgoing user added');
  await expect(page.getByText(/pw-user-/)).toHaveCount(0); // addUser's passwords (passwordFor) start so

  // Lock state: the badge in the list, and the button flips.
  await page.getByRole('button', { name: 'Lock user' }).click();
  await expect(page.getByRole('button', { name: 'Unlock user' })).toBeVisible();
  await expect(users.getByRole('listitem').filter({ hasText: ALICE })).toContainText('Locked');
  await expect(history).toContainText('Locked');

  expect(pageErrors).toEqual([]);
});

// Sync end to end: browser mode (`app`) and the panel simulator as its own
// process (`panel`). A person adds the panel through the form, syncs, edits a
// setting while the panel is down (Offline, the pending count in the status
// bar), brings it back and syncs; then the same field changes on the panel
// and here, the Conflicts view shows it, and "Keep mine" / "Take panel's"
// converge. What arrived on the panel is checked through the panel's own API.
import { displayLogin } from '../../common/model.js';
import type { PanelUser } from '../../common/panel-api.js';
import { addPanel } from '../flows/core-flow.js';
import { expect, test, type PanelProcess } from './fixtures.js';
import type { Page } from '@playwright/test';

/** The user path of panel-api.md, for checks through the panel API. */
function userPath(u: Pick<PanelUser, 'domain' | 'type' | 'login'>): string {
  const tail = u.type === 'user' ? `/username/${encodeURIComponent(u.login)}` : u.type === 'ip' ? `/ip/${encodeURIComponent(u.login)}` : '';
  return `domain/${encodeURIComponent(u.domain)}${tail}`;
}

async function firstUser(panel: PanelProcess): Promise<PanelUser> {
  const [domain] = await panel.api<string[]>('domainslist/get/format/json');
  const list = await panel.api<{ users: PanelUser[] }>(`outgoingusers/list/format/json/domain/${encodeURIComponent(domain!)}`);
  return list.users.find((u) => u.type === 'user') ?? list.users[0]!;
}

const panelUser = (panel: PanelProcess, u: PanelUser) => panel.api<PanelUser>(`outgoingusers/get/format/json/${userPath(u)}`);

async function openUser(page: Page, u: PanelUser): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Users', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Search users' }).fill(u.login || u.domain);
  await page.getByRole('button', { name: displayLogin(u), exact: true }).click();
}

async function saveSetting(page: Page, label: string, value: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(value);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeDisabled();
}

test('add a panel, sync, work offline, come back, and resolve conflicts', async ({ page, app, panel }) => {
  test.setTimeout(120_000);
  const status = page.getByRole('status', { name: 'Sync status' });
  const syncNow = page.getByRole('button', { name: 'Sync now' });

  await page.goto(app.url);
  await addPanel(page, panel);
  await expect(status).toContainText('Pending: 0');

  // Offline: the panel stops; an edit waits, counted in the status bar.
  const u = await firstUser(panel);
  await panel.stop();
  await openUser(page, u);
  const days = u.settings.max_retry_days === 21 ? '22' : '21';
  await saveSetting(page, 'Maximum days to retry', days);
  await expect(status).toContainText('Pending: 1');
  await syncNow.click();
  await expect(status).toContainText('Offline', { timeout: 45_000 });
  await expect(status).toContainText('Pending: 1');

  // Back: "Sync now" sends it.
  await panel.start();
  await expect(syncNow).toBeEnabled({ timeout: 20_000 });
  await syncNow.click();
  await expect(status).toContainText('Pending: 0', { timeout: 20_000 });
  await expect(status).toContainText('Online');
  expect((await panelUser(panel, u)).settings.max_retry_days).toBe(Number(days));

  // A conflict: the same field changed on the panel and here.
  for (const [choice, panelValue, mine] of [
    ['Keep mine', 111, 222],
    ["Take panel's", 333, 444],
  ] as const) {
    await panel.api(`outgoingusers/setsettings/format/json/${userPath(u)}/lock_timeout/${panelValue}`, {});
    await openUser(page, u);
    await saveSetting(page, 'User lock timeout', String(mine));
    await expect(syncNow).toBeEnabled({ timeout: 20_000 });
    await syncNow.click();
    await expect(status).toContainText('Conflicts: 1', { timeout: 20_000 });

    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Conflicts', exact: true }).click();
    const conflict = page.getByRole('article', { name: `${displayLogin(u)} — User lock timeout` });
    await expect(conflict).toContainText(String(mine));
    await expect(conflict).toContainText(String(panelValue));
    await conflict.getByRole('button', { name: choice }).click();
    await expect(conflict).toHaveCount(0);
    await expect(status).toContainText('Conflicts: 0');

    await expect(syncNow).toBeEnabled({ timeout: 20_000 });
    await syncNow.click();
    await expect(status).toContainText('Pending: 0', { timeout: 20_000 });
    const expected = choice === 'Keep mine' ? mine : panelValue;
    await expect.poll(async () => (await panelUser(panel, u)).settings.lock_timeout, { timeout: 10_000 }).toBe(expected);
    await openUser(page, u);
    await expect(page.getByLabel('User lock timeout', { exact: true })).toHaveValue(String(expected));
  }
});

test('a local-only domain attached to a panel takes its waiting changes there', async ({ page, app, panel }) => {
  test.setTimeout(90_000);
  const status = page.getByRole('status', { name: 'Sync status' });
  await page.goto(app.url);
  // Offline work first: a domain of this computer only, and a user with an edited setting.
  await page.getByRole('button', { name: 'Add domain' }).first().click();
  const addDomain = page.getByRole('dialog', { name: 'Add domain' });
  await addDomain.getByLabel('Domain name').fill('offline-first.example');
  await addDomain.getByRole('button', { name: 'Add domain' }).click();
  await page.getByRole('button', { name: 'Add outgoing user' }).click();
  const addUser = page.getByRole('dialog', { name: 'Add outgoing user to offline-first.example' });
  await addUser.getByLabel('Username', { exact: true }).fill('ann');
  await addUser.getByLabel('Password').fill('ann-password-123');
  await addUser.getByRole('button', { name: 'Add outgoing user' }).click();
  await saveSetting(page, 'Maximum days to retry', '12');
  await expect(status).toContainText('Pending: 2');

  // Then a panel; the domain stays local until it is attached.
  await addPanel(page, panel);
  await expect(status).toContainText('Pending: 2');

  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Users', exact: true }).click();
  await page.getByRole('list', { name: 'Domains' }).getByRole('button', { name: /offline-first\.example/ }).click();
  await page.getByRole('button', { name: 'Attach to panel' }).click();
  await expect(status).toContainText('Pending: 0', { timeout: 20_000 });
  const ann = await panel.api<PanelUser>('outgoingusers/get/format/json/domain/offline-first.example/username/ann');
  expect(ann.settings.max_retry_days).toBe(12);
});

// Small editing behaviours found by trying the app: what a person ticked or
// typed survives the refreshes that follow a change, and "Test connection"
// while editing a panel never answers for a connection other than the one on
// screen.
import { addDomain, addPanel, addUser, settingsForm } from '../flows/core-flow.js';
import { expect, test } from './fixtures.js';

test.use({ viewport: { width: 1440, height: 1000 } });

const DOMAIN = 'example.com';

test('the users ticked in a domain stay ticked when a change refreshes the domain', async ({ page, app }) => {
  await page.goto(app.url);
  await addDomain(page, DOMAIN);
  for (const login of ['alice', 'bob', 'carol']) await addUser(page, DOMAIN, 'user', { label: 'Username', value: login });

  await page.getByLabel(`Select alice@${DOMAIN}`).check();
  await page.getByLabel(`Select bob@${DOMAIN}`).check();
  await expect(page.getByText('2 selected')).toBeVisible();

  // A save refreshes the selected domain's counts: the list behind it must not start over.
  await page.getByRole('button', { name: `carol@${DOMAIN}`, exact: true }).click();
  const form = settingsForm(page, `carol@${DOMAIN}`);
  await form.getByLabel('Maximum days to retry', { exact: true }).fill('9');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(`Saved 1 change to carol@${DOMAIN}`)).toBeVisible();
  await expect(page.getByText('2 selected')).toBeVisible();
  await expect(page.getByLabel(`Select alice@${DOMAIN}`)).toBeChecked();
});

test('text that reads as the saved value is no unsaved change', async ({ page, app }) => {
  await page.goto(app.url);
  await addDomain(page, DOMAIN);
  await addUser(page, DOMAIN, 'user', { label: 'Username', value: 'alice' });
  const form = settingsForm(page, `alice@${DOMAIN}`);
  await form.getByLabel('DKIM Selector', { exact: true }).fill('s1');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByText('No unsaved changes')).toBeVisible();

  await form.getByLabel('DKIM Selector', { exact: true }).fill('S1');
  await form.getByLabel('User lock timeout', { exact: true }).fill(' 30 ');
  await expect(form.getByText('No unsaved changes')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Discard changes' })).toBeDisabled();
  // Nothing to lose, so nothing to ask.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Panels', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Discard unsaved changes?' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Panels', exact: true })).toBeVisible();
});

test('Edit panel: a changed address is not tested with the saved one', async ({ page, app }) => {
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Add panel' }).click();
  const addForm = page.getByRole('form', { name: 'Add panel' });
  await addForm.getByLabel('Panel name').fill('Test panel');
  await addForm.getByLabel('Panel URL').fill('http://127.0.0.1:9');
  await addForm.getByLabel('Admin username').fill('admin');
  await addForm.getByLabel('Password').fill('panel-admin-password');
  await addForm.getByRole('button', { name: 'Add panel' }).click();

  const item = page.getByRole('listitem', { name: 'Test panel' });
  await item.getByRole('button', { name: 'Edit panel' }).click();
  const editForm = page.getByRole('form', { name: 'Edit panel Test panel' });
  await editForm.getByLabel('Panel URL').fill('http://127.0.0.1:10');
  await editForm.getByRole('button', { name: 'Test connection' }).click();
  await expect(editForm.getByRole('alert')).toHaveText('Type the password to test a changed Panel URL or Admin username.');
});

test('a value typed for one conflict stays when another conflict is resolved', async ({ page, app, panel }) => {
  test.setTimeout(60_000);
  const status = page.getByRole('status', { name: 'Sync status' });
  const syncNow = page.getByRole('button', { name: 'Sync now' });
  await page.goto(app.url);
  await addPanel(page, panel);

  // Two fields of one user changed here and, differently, on the panel.
  const [domain] = await panel.api<string[]>('domainslist/get/format/json');
  const { users } = await panel.api<{ users: { type: string; login: string }[] }>(`outgoingusers/list/format/json/domain/${domain}`);
  const login = users.find((u) => u.type === 'user')!.login;
  const who = `${login}@${domain}`;
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Users', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Search users' }).fill(login);
  await page.getByRole('button', { name: who, exact: true }).click();
  await page.getByLabel('User lock timeout', { exact: true }).fill('111');
  await page.getByLabel('Maximum days to retry', { exact: true }).fill('11');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeDisabled();
  await panel.api(`outgoingusers/setsettings/format/json/domain/${domain}/username/${encodeURIComponent(login)}/lock_timeout/222/max_retry_days/22`, {});
  await expect(syncNow).toBeEnabled({ timeout: 20_000 });
  await syncNow.click();
  await expect(status).toContainText('Conflicts: 2', { timeout: 20_000 });

  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Conflicts', exact: true }).click();
  const first = page.getByRole('article', { name: `${who} — User lock timeout` });
  const second = page.getByRole('article', { name: `${who} — Maximum days to retry` });
  await second.getByLabel('Value for Maximum days to retry').fill('15');
  await first.getByRole('button', { name: 'Keep mine' }).click();
  await expect(first).toHaveCount(0);
  await expect(second.getByLabel('Value for Maximum days to retry')).toHaveValue('15');
});

test('Pending changes: the arrow keys reach every row, those without a user too', async ({ page, app }) => {
  await page.goto(app.url);
  await addDomain(page, 'one.example');
  await addDomain(page, 'two.example');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /^Pending changes/ }).click();
  const rows = page.getByRole('list', { name: 'Pending changes' }).getByRole('article');
  await expect(rows).toHaveCount(2);
  await page.getByLabel('Show').focus();
  await page.keyboard.press('Tab');
  await expect(rows.nth(0).getByRole('button', { name: 'Discard change' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1).getByRole('button', { name: 'Discard change' })).toBeFocused();
});

test('adding a user that exists names it on the login field and keeps the dialog open', async ({ page, app }) => {
  await page.goto(app.url);
  await addDomain(page, DOMAIN);
  await addUser(page, DOMAIN, 'user', { label: 'Username', value: 'alice' });
  // The refusal comes from the backend (the form cannot know), on the Username field.
  await addUser(page, DOMAIN, 'user', { label: 'Username', value: 'bob', refuse: { bad: 'alice', message: `alice@${DOMAIN} already exists` } });
  await expect(page.getByRole('list', { name: 'Outgoing users' }).getByRole('button', { name: `bob@${DOMAIN}`, exact: true })).toBeVisible();
});

// Browser mode opens at all: the page's title, no console errors, the token
// taken out of the address bar but still there after a reload; and the `app`
// fixture's restart keeps the data folder.
import { HTTP_INVOKE_PREFIX, HTTP_TOKEN_HEADER } from '../../common/ipc/bridge.js';
import { TOKEN_STORAGE_KEY } from '../../renderer/src/bridge/http.js';
import { expect, test } from './fixtures.js';

test('browser mode opens the Outpost page without console errors', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));

  const firstCall = page.waitForResponse((r) => r.url().includes('/api/invoke/'), { timeout: 10_000 }).catch(() => null);
  await page.goto(app.url);
  await expect(page).toHaveTitle('Outpost');
  await expect.poll(() => page.url()).not.toContain('token=');
  const response = await firstCall;
  expect(response?.status(), 'the page made no bridge call within 10 s').toBe(200);

  await page.reload();
  await expect(page).toHaveTitle('Outpost');
  expect(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_STORAGE_KEY)).toBe(new URL(app.url).hash.replace('#token=', ''));
  expect(errors).toEqual([]);
});

test('the app fixture restarts browser mode on the same data folder, with a new address', async ({ app, page }) => {
  const call = async (url: string, method: string, input: unknown) => {
    const { origin, hash } = new URL(url);
    const response = await fetch(`${origin}${HTTP_INVOKE_PREFIX}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: hash.replace('#token=', '') },
      body: JSON.stringify(input),
    });
    return response.json() as Promise<{ ok: boolean; value?: { items?: { name: string }[] } }>;
  };
  expect(await call(app.url, 'domains.add', { name: 'restart.example' })).toMatchObject({ ok: true });
  const before = app.url;

  const after = await app.restart();
  expect(after).not.toBe(before);
  expect(app.url).toBe(after);
  expect((await call(after, 'domains.list', {})).value?.items?.map((d) => d.name)).toContain('restart.example');
  await page.goto(after);
  await expect(page).toHaveTitle('Outpost');
});

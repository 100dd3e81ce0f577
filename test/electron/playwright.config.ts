// The _electron suite: the real Electron runtime driving the unpackaged app
// (out/, `electron .`), never a packaged build — its fuses turn off the
// --inspect flag Playwright's launcher needs (docs/electron.md "Fuses").
// Run through `npm run test:electron` (test/electron/run.ts), which skips
// with a printed reason where there is no runtime and builds out/ first.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../../test-results/electron',
  // One Electron at a time: each test owns a window and a data folder.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
});

/**
 * Playwright: the `chromium` project drives Debian's Chromium against browser mode (the harness
 * starts `dist/web.cjs` per test, so run `npm run build` first); the `electron` project runs the
 * same flow in the Electron app where its binary exists and is skipped, saying why, elsewhere.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/harness/chromium';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  outputDir: 'test-results',
  timeout: 120_000,
  expect: { timeout: 10_000 },
  // Two workers: each starts its own servers (Dovecot, Samba) on free ports; the specs mostly wait on
  // the app, the servers and countdowns, so two at once finish sooner even on two cores.
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'playwright-report' }],
    ['json', { outputFile: '.tmp/reports/e2e.json' }],
  ],
  use: {
    viewport: { width: 1280, height: 860 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: /electron\.spec\.ts$/,
      use: { browserName: 'chromium', launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } },
    },
    { name: 'electron', testMatch: /electron\.spec\.ts$/ },
  ],
});

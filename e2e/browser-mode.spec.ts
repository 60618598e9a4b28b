/** The issue-6 flow in Chromium against browser mode, with a real Dovecot and a real Samba share. */
import { test } from './harness/fixtures';
import { mainFlow } from './harness/main-flow';
import { screenshotter } from './harness/screenshots';

test('admin configures MDaemon sync and IMAP; a synchronized user logs on to My Archive', async ({
  page,
  app,
  servers,
}, testInfo) => {
  // Eleven steps against real servers: on a loaded machine the flow takes over the default 120 s
  // (every step slows down, not one), so it gets Playwright's slow budget.
  test.slow(true, 'the whole issue-6 flow in one test');
  await page.goto(app.url);
  await mainFlow(page, servers, screenshotter(page, testInfo));
});

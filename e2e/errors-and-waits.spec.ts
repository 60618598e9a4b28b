/**
 * Issue 18, points 2 and 3: an error goes when the values it came from change or its action
 * succeeds; every wait says what is going on (Test Logon busy, a throttled logon's countdown, the
 * phases of a long Test Settings with "Preparing the results…" for its tail).
 */
import path from 'node:path';
import { expect, test } from './harness/fixtures';
import { generatedAppDir } from './harness/app-dir';
import { SAMPLE_APP_DIR, SAMPLE_PASSWORD } from './harness/sample';
import { VIEWPORTS, expectNoHorizontalScroll } from './harness/viewports';
import { startSilentServer } from '../electron/testing/servers/silent-server';
import { DirectoryServicesPage } from './pages/directory-services-page';
import { LogonPage } from './pages/logon-page';

const ADMIN_PASSWORD = 'Keeper-e2e-Pass 1';

for (const vp of VIEWPORTS) {
  test.describe(`at ${vp.name}`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });

    test('errors go when their values change or their action succeeds', async ({ page, app, servers }) => {
      await page.goto(app.url);
      await new LogonPage(page).setAdminPassword(ADMIN_PASSWORD);
      const ds = new DirectoryServicesPage(page);
      const notFound = page.getByRole('alert').filter({ hasText: 'not found' });

      // Test Settings on a missing directory: its error shows under the buttons...
      await ds.appDir.fill(path.join(SAMPLE_APP_DIR, 'missing'));
      await expect(notFound.first()).toBeVisible({ timeout: 20_000 });
      await ds.testSettingsButton.click();
      await expect(notFound).toHaveCount(2, { timeout: 20_000 });
      // ...and goes once the path is corrected.
      await ds.setAppDir(SAMPLE_APP_DIR, 'Sales');
      await expect(notFound).toHaveCount(0);

      // Test Logon refused for an untrusted certificate: the refusal goes once it is trusted.
      await ds.setImap(`127.0.0.1:${servers.dovecot.imapPort}`, 'IMAP-TLS');
      const box = page.getByRole('group', { name: 'Test Logon' });
      expect(await ds.testLogon('anna@company.test', SAMPLE_PASSWORD)).not.toContain('Logon succeeded');
      await expectNoHorizontalScroll(page);
      await box.getByRole('button', { name: 'Trust this certificate' }).click();
      await expect(box.getByRole('status')).toBeHidden();
      expect(await ds.testLogon('anna@company.test', SAMPLE_PASSWORD)).toContain('Logon succeeded');
      // A result belongs to the user name it was tried with.
      await box.getByRole('textbox', { name: 'User name' }).fill('frank@company.test');
      await expect(box.getByRole('status')).toBeHidden();
    });

    test('Test Logon shows that it is busy', async ({ page, app }) => {
      const silent = await startSilentServer();
      try {
        await page.goto(app.url);
        await new LogonPage(page).setAdminPassword(ADMIN_PASSWORD);
        const ds = new DirectoryServicesPage(page);
        await ds.setImap(`127.0.0.1:${silent.port}`, 'Unencrypted');
        const box = page.getByRole('group', { name: 'Test Logon' });
        await box.getByRole('textbox', { name: 'User name' }).fill('anna@company.test');
        await box.getByLabel('Password', { exact: true }).fill(SAMPLE_PASSWORD);
        await box.getByRole('button', { name: 'Test Logon' }).click();
        await expect(box.getByRole('progressbar', { name: 'Testing the logon' })).toBeVisible();
        await expect(box.getByText(`Logging on to 127.0.0.1…`)).toBeVisible();
        await expect(box.getByRole('button', { name: 'Test Logon' })).toHaveAttribute('aria-busy', 'true');
        await expectNoHorizontalScroll(page);
        await expect(box.getByRole('status')).toBeVisible({ timeout: 30_000 });
        await expect(box.getByRole('progressbar', { name: 'Testing the logon' })).toBeHidden();
      } finally {
        await silent.stop();
      }
    });

    test('a throttled logon says how long to wait and counts down', async ({ page, app }) => {
      await page.goto(app.url);
      const logon = new LogonPage(page);
      await logon.setAdminPassword(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Log off' }).click();
      // The server's throttle takes a minute of failures to lock out; its answer is stood in for here,
      // in both forms a server may give: a retryAfterSeconds field, or the wait in the message.
      const answers = [
        { ok: false, reason: 'lockedOut', message: 'Too many failed attempts.', retryAfterSeconds: 3 },
        { ok: false, reason: 'lockedOut', message: 'Too many failed attempts. Try again in 5 minutes.' },
      ];
      await page.route(/\/api\/call/, async (route) => {
        const call = route.request().postDataJSON() as { id: number; channel: string };
        if (call.channel !== 'auth:logon') return route.continue();
        await route.fulfill({ json: { id: call.id, result: { ok: true, value: answers.shift() } } });
      });
      await logon.logOn('admin', 'wrong password');
      const throttled = page.getByRole('alert').filter({ hasText: 'Too many failed logons' });
      await expect(throttled).toContainText(/try again in [23] s/);
      await expect(logon.logOnButton).toBeDisabled();
      await expectNoHorizontalScroll(page);
      await expect(throttled).toContainText('try again in 1 s', { timeout: 5000 });
      await expect(throttled).toBeHidden({ timeout: 5000 });
      await expect(logon.logOnButton).toBeEnabled();
      await logon.password.fill('wrong again');
      await logon.logOnButton.click();
      await expect(throttled).toContainText(/try again in (5 min|4 min 5\d s)/);
    });

    test('a long Test Settings names each phase and never shows a count that has not moved', async ({ page, app }) => {
      const generated = await generatedAppDir(
        Array.from({ length: 100_000 }, (_, i) => ({
          domain: `d${i % 10}.example`,
          mailbox: `user${String(i).padStart(6, '0')}`,
          fullName: `User ${i}`,
        })),
      );
      try {
        await page.goto(app.url);
        await new LogonPage(page).setAdminPassword(ADMIN_PASSWORD);
        const ds = new DirectoryServicesPage(page);
        await ds.appDir.fill(generated.dir);
        await expect(ds.domain('d0.example')).toBeVisible({ timeout: 30_000 });
        // Every text the run's status line shows, recorded in the page as it changes.
        await page.evaluate(() => {
          const seen: string[] = [];
          (window as unknown as { statusSeen: string[] }).statusSeen = seen;
          new MutationObserver(() => {
            for (const el of Array.from(document.querySelectorAll('[role="status"]'))) {
              const text = el.textContent ?? '';
              if (text && seen[seen.length - 1] !== text) seen.push(text);
            }
          }).observe(document.body, { childList: true, subtree: true, characterData: true });
        });
        await ds.testSettings();
        const seen = await page.evaluate(() => (window as unknown as { statusSeen: string[] }).statusSeen);
        // Each phase is named, and a count is shown only once it moves; the tail is now a page of rows, too
        // short to be seen at all (ProgressLine labels it "Preparing the results…" while it lasts).
        expect(seen).toContain('Reading the App directory…');
        expect(seen.some((t) => /^Comparing (100,000 accounts with|with) the user database…/.test(t))).toBe(true);
        expect(seen.filter((t) => /\b0 of 100,000/.test(t))).toEqual([]);
        await expectNoHorizontalScroll(page);
      } finally {
        await generated.remove();
      }
    });
  });
}

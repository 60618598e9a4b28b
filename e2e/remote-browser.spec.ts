/**
 * Issue 18, points 5 and 8 (browser side): before logon the footer names no mode and no data
 * directory (an administrator sees them after logon); the App directory help says the path is the
 * server's; Browse… and Detect say why they are not here; a Directory Services user's refused
 * password is told without the administrator's MDaemon settings.
 */
import { expect, test } from './harness/fixtures';
import { SAMPLE_APP_DIR, SAMPLE_PASSWORD } from './harness/sample';
import { VIEWPORTS, expectNoHorizontalScroll } from './harness/viewports';
import { AppShell } from './pages/app-shell';
import { DirectoryServicesPage } from './pages/directory-services-page';
import { LogonPage } from './pages/logon-page';

const ADMIN_PASSWORD = 'Keeper-e2e-Pass 1';

for (const vp of VIEWPORTS) {
  test.describe(`at ${vp.name}`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });

    test('what a browser is told before and after logon', async ({ page, app, servers }) => {
      const footer = page.getByRole('contentinfo', { name: 'About' });
      await page.goto(app.url);
      const logon = new LogonPage(page);
      await logon.setAdminPassword(ADMIN_PASSWORD);
      const ds = new DirectoryServicesPage(page);
      await expect(footer).toContainText('Browser mode');
      await expect(footer).toContainText(`Data directory: ${app.dataDir}`);
      await expect(page.getByText(/as the computer running mdsync sees it \(the server/)).toBeVisible();
      await expect(page.getByRole('button', { name: 'Browse…' })).toHaveCount(0);
      await expect(page.getByText(/Browse… and Detect are only in the desktop app/)).toBeVisible();
      await expectNoHorizontalScroll(page);

      await ds.setAppDir(SAMPLE_APP_DIR, 'Sales');
      await ds.synchronizeNow();
      await ds.closeResults();
      await ds.setImap(`127.0.0.1:${servers.dovecot.imapPort}`, 'Unencrypted');
      await ds.save();
      await new AppShell(page).logOff();
      await expect(footer).not.toContainText('Desktop app');
      await expect(footer).not.toContainText('Browser mode');
      await expect(footer).not.toContainText('Data directory');

      await logon.logOn('anna@company.test', `not ${SAMPLE_PASSWORD}`);
      await expect(logon.refusal()).toContainText('Wrong user name or password');
      await expect(logon.refusal()).not.toContainText(/APOP|CRAM-MD5/);
      await expectNoHorizontalScroll(page);

      await logon.logOn('admin', ADMIN_PASSWORD);
      await expect(footer).toContainText(`Data directory: ${app.dataDir}`);
    });
  });
}

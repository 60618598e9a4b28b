/**
 * Issue 18, point 1: Synchronize now saves what it ran with, Test Settings is a trial of the draft
 * and says so, and leaving with unsaved changes asks (reload, closing the tab, Log off).
 */
import { expect, test } from './harness/fixtures';
import { SAMPLE_APP_DIR } from './harness/sample';
import { VIEWPORTS, expectNoHorizontalScroll } from './harness/viewports';
import { DirectoryServicesPage } from './pages/directory-services-page';
import { LogonPage } from './pages/logon-page';

const ADMIN_PASSWORD = 'Keeper-e2e-Pass 1';

for (const vp of VIEWPORTS) {
  test.describe(`at ${vp.name}`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });

    test('Synchronize now saves the settings it ran with', async ({ page, app }) => {
      await page.goto(app.url);
      await new LogonPage(page).setAdminPassword(ADMIN_PASSWORD);
      const ds = new DirectoryServicesPage(page);
      await ds.setAppDir(SAMPLE_APP_DIR, 'Sales');
      await ds.group('Sales').check();
      await ds.testSettingsButton.click();
      await expect(ds.resultsDialog.getByText(/A trial of the settings on screen, which are not saved/)).toBeVisible({
        timeout: 60_000,
      });
      await expectNoHorizontalScroll(page);
      // Synchronize now from the results of the trial.
      await ds.resultsDialog.getByRole('button', { name: 'Synchronize now' }).click();
      await expect(ds.resultsDialog.getByRole('heading', { name: /^Synchronize now/ })).toBeVisible({
        timeout: 60_000,
      });
      await ds.closeResults();
      await expect(page.getByText('Unsaved changes')).toBeHidden();
      await page.reload();
      await expect(ds.appDir).toHaveValue(SAMPLE_APP_DIR);
      await expect(ds.group('Sales')).toBeChecked({ timeout: 20_000 });
      await expectNoHorizontalScroll(page);
    });

    test('leaving with unsaved changes asks first', async ({ page, app }) => {
      await page.goto(app.url);
      await new LogonPage(page).setAdminPassword(ADMIN_PASSWORD);
      const ds = new DirectoryServicesPage(page);
      await ds.appDir.click();
      await ds.setAppDir(SAMPLE_APP_DIR, 'Sales');
      await expect(page.getByText('Unsaved changes')).toBeVisible();

      // Reloading: the browser asks; staying keeps what was typed.
      const asked = page.waitForEvent('dialog');
      void page.reload({ timeout: 5000 }).catch(() => undefined);
      const dialog = await asked;
      expect(dialog.type()).toBe('beforeunload');
      await dialog.dismiss();
      await expect(ds.appDir).toHaveValue(SAMPLE_APP_DIR);

      // Log off: the app asks; Cancel stays, Log off discards.
      await page.getByRole('button', { name: 'Log off' }).click();
      const confirm = page.getByRole('dialog', { name: 'Log off without saving?' });
      await expect(confirm).toContainText('Directory Services has unsaved changes');
      await expectNoHorizontalScroll(page);
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await expect(ds.appDir).toHaveValue(SAMPLE_APP_DIR);
      await page.getByRole('button', { name: 'Log off' }).click();
      await confirm.getByRole('button', { name: 'Log off' }).click();
      await expect(page.getByRole('heading', { name: 'Log on' })).toBeVisible();

      // Saved: no question any more.
      await new LogonPage(page).logOn('admin', ADMIN_PASSWORD);
      await ds.setAppDir(SAMPLE_APP_DIR, 'Sales');
      await ds.save();
      page.on(
        'dialog',
        (d) => void d.dismiss().then(() => expect.soft(d.type(), 'no question after Save').toBe('none')),
      );
      await page.reload();
      await expect(ds.appDir).toHaveValue(SAMPLE_APP_DIR);
    });
  });
}

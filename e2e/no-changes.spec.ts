/**
 * Issue 18, point 4: a run with nothing to change says so in one line ("No changes: N users are up
 * to date") rather than listing every unchanged user, and can still show them.
 */
import { expect, test } from './harness/fixtures';
import { SAMPLE_APP_DIR } from './harness/sample';
import { VIEWPORTS, expectNoHorizontalScroll } from './harness/viewports';
import { DirectoryServicesPage } from './pages/directory-services-page';
import { LogonPage } from './pages/logon-page';

for (const vp of VIEWPORTS) {
  test.describe(`at ${vp.name}`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });

    test('a run with nothing to change says so in one line', async ({ page, app }) => {
      await page.goto(app.url);
      await new LogonPage(page).setAdminPassword('Keeper-e2e-Pass 1');
      const ds = new DirectoryServicesPage(page);
      await ds.setAppDir(SAMPLE_APP_DIR, 'Sales');
      await ds.synchronizeNow();
      const created = await ds.count('Create');
      await ds.closeResults();
      await ds.testSettings();
      const table = ds.results.getByRole('table', { name: 'Changes' });
      await expect(ds.results.getByText(`No changes: ${created} users are up to date.`)).toBeVisible();
      await expect(table).toBeHidden();
      await expectNoHorizontalScroll(page);
      await ds.results.getByRole('button', { name: 'Show them' }).click();
      await expect(table).toHaveAttribute('aria-rowcount', String(created + 1));
      await expect(table.getByRole('row').nth(1)).toContainText('Unchanged');
    });
  });
}

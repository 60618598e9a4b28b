/**
 * Issue 18, points 4, 7 and 8 (Users): the list comes a page at a time from the server, sorted,
 * searched and filtered there, with the total; it says who is an administrator or may log on, and
 * shows the user name once (not again among the addresses); a synchronized user's properties say
 * what the next synchronization overwrites.
 */
import { expect, test } from './harness/fixtures';
import { SAMPLE_APP_DIR } from './harness/sample';
import { VIEWPORTS, expectNoHorizontalScroll } from './harness/viewports';
import { AppShell } from './pages/app-shell';
import { DirectoryServicesPage } from './pages/directory-services-page';
import { LogonPage } from './pages/logon-page';
import { UsersPage } from './pages/users-page';

for (const vp of VIEWPORTS) {
  test.describe(`at ${vp.name}`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });

    test('the Users list pages, sorts and filters on the server', async ({ page, app }) => {
      const channels: string[] = [];
      await page.routeWebSocket(/\/api(\?|$)/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((m) => {
          if (typeof m === 'string') channels.push((JSON.parse(m) as { channel?: string }).channel ?? '');
          server.send(m);
        });
      });
      await page.goto(app.url);
      await new LogonPage(page).setAdminPassword('Keeper-e2e-Pass 1');
      const ds = new DirectoryServicesPage(page);
      await ds.setAppDir(SAMPLE_APP_DIR, 'Sales');
      await ds.synchronizeNow();
      await ds.closeResults();
      await new AppShell(page).open('Users');
      const users = new UsersPage(page);
      const status = page.getByRole('status').filter({ hasText: /users?\b/ });
      await expect(status).toHaveText('16 users');
      expect(channels).toContain('users:page');
      expect(channels).not.toContain('users:list');

      // Who is an administrator, who may log on; the name once, other addresses beside it.
      await expect(users.row('admin')).toContainText('Administrator');
      await expect(users.row('anna@company.test')).toContainText('May log on');
      const anna = users.row('anna@company.test').getByRole('gridcell');
      await expect(anna.nth(2)).not.toContainText('anna@company.test');
      await expectNoHorizontalScroll(page);
      // A synchronized user's name and addresses say that the next synchronization overwrites them.
      const props = await users.openProperties('anna@company.test');
      await expect(props.getByText(/Taken from MDaemon: the next synchronization overwrites/)).toHaveCount(2);
      await expectNoHorizontalScroll(page);
      await props.getByRole('button', { name: 'Cancel' }).click();
      await expect(props).toBeHidden();

      // Filters and search go to the server; the total says how many of all.
      await page.getByRole('combobox', { name: 'Logon' }).click();
      await page.getByRole('option', { name: 'Administrators' }).click();
      await expect(status).toHaveText('1 user of 16');
      await expect(users.grid.getByRole('row')).toHaveCount(2);
      await page.getByRole('combobox', { name: 'Logon' }).click();
      await page.getByRole('option', { name: 'All' }).click();
      await page.getByRole('combobox', { name: 'Authentication' }).click();
      await page.getByRole('option', { name: 'Directory Services' }).click();
      await expect(status).toHaveText('15 users of 16');
      await expect(users.row('admin')).toHaveCount(0);
      await page.getByRole('searchbox', { name: 'Search users' }).fill('ANNA');
      await expect(status).toHaveText('1 user of 16');
      await expect(users.row('anna@company.test')).toBeVisible();

      // Sorting by user name, descending: admin is no longer first.
      await page.getByRole('searchbox', { name: 'Search users' }).fill('');
      await page.getByRole('combobox', { name: 'Authentication' }).click();
      await page.getByRole('option', { name: 'All' }).click();
      await expect(status).toHaveText('16 users');
      await users.grid.getByRole('columnheader', { name: 'User name' }).getByRole('button').click();
      await expect(users.grid.getByRole('columnheader', { name: 'User name' })).toHaveAttribute(
        'aria-sort',
        'descending',
      );
      await expect(users.grid.getByRole('row').nth(1)).not.toContainText('admin');
      await expectNoHorizontalScroll(page);
    });
  });
}

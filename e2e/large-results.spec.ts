/**
 * The results table with 100,000 changes: Test Settings against a generated App directory shows
 * its first rows, keeps only a window of rows in the DOM, scrolls to the last one, a second
 * run can be cancelled, and the tested run opened from the history is paged and searched.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeUserlist } from '../electron/core/mdaemon/testing/make-userlist';
import { expect, test } from './harness/fixtures';
import { AppShell } from './pages/app-shell';
import { LogonPage } from './pages/logon-page';
import { DirectoryServicesPage } from './pages/directory-services-page';

const ACCOUNTS = 100_000;

test('Test Settings with 100,000 accounts: a virtualized, filterable table', async ({ page, app }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mdsync-100k-'));
  try {
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({
      domain: `d${i % 10}.example`,
      mailbox: `user${String(i).padStart(6, '0')}`,
      fullName: `User ${i}`,
    }));
    await writeFile(path.join(dir, 'USERLIST.DAT'), makeUserlist(accounts, 'cp1252'));
    await writeFile(path.join(dir, 'Groups.dat'), '');

    await page.goto(app.url);
    await new LogonPage(page).setAdminPassword('Keeper-e2e-Pass 1');
    const ds = new DirectoryServicesPage(page);
    await ds.appDir.fill(dir);
    await expect(ds.domain('d0.example')).toBeVisible({ timeout: 30_000 });

    const started = Date.now();
    await ds.testSettings();
    const table = ds.results.getByRole('table', { name: 'Changes' });
    await expect(table.getByRole('row').nth(1)).toBeVisible();
    test.info().annotations.push({ type: 'first rows after', description: `${Date.now() - started} ms` });
    expect(await ds.count('Create')).toBe(ACCOUNTS);
    await expect(table).toHaveAttribute('aria-rowcount', String(ACCOUNTS + 1));
    expect(await table.getByRole('row').count()).toBeLessThan(80);

    // Scroll to the end: the last row is rendered, the DOM stays small.
    await table.getByLabel(/scroll with the arrow keys/).evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(table.locator(`[aria-rowindex="${ACCOUNTS + 1}"]`)).toBeVisible();
    expect(await table.getByRole('row').count()).toBeLessThan(80);

    // Filtering 100,000 rows answers at once.
    await page.getByRole('combobox', { name: 'Filter by action' }).click();
    await page.getByRole('option', { name: /^Update/ }).click();
    await expect(ds.results.getByText('0 of 100,000 shown')).toBeVisible();

    await ds.closeResults();
    // Cancel while Test Settings reads the 100,000 accounts: the UI says so, nothing is applied.
    await ds.testSettingsAndCancel();
    await expect(page.getByText('The run was cancelled. Nothing was changed.')).toBeVisible({ timeout: 30_000 });
    await expect(ds.testSettingsButton).toBeEnabled();
    await new AppShell(page).open('Synchronization History');
    const runs = page.getByRole('table', { name: 'Synchronization runs' });
    await expect(runs.getByRole('row').filter({ hasText: 'Cancelled' })).toHaveCount(1);
    await expect(runs.getByRole('row').filter({ hasText: 'Applied' })).toHaveCount(0);

    // The tested run, opened from the history: its kept changes are paged from the main side.
    await runs.getByRole('row').filter({ hasText: 'Tested' }).click();
    const results = page.getByRole('region', { name: 'Results' });
    await expect(results.getByText('1,000 of 1,000 shown')).toBeVisible();
    const past = results.getByRole('table', { name: 'Changes' });
    await expect(past).toHaveAttribute('aria-rowcount', '1001');
    await results.getByRole('searchbox', { name: 'Search' }).fill('user000999');
    await expect(results.getByText('1 of 1,000 shown')).toBeVisible();
    await expect(past.getByRole('row').filter({ hasText: 'user000999@d9.example' })).toBeVisible();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

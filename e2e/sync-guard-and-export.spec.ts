/**
 * Held deletes and CSV export in the browser, on a generated App directory: the deletion guard
 * holds deletes beyond the Delete limit and "Delete anyway" releases them in a new run; the
 * exported CSV has the header and RFC 4180 quoting.
 */
import { readFile } from 'node:fs/promises';
import { generatedAppDir } from './harness/app-dir';
import { expect, test } from './harness/fixtures';
import { DirectoryServicesPage } from './pages/directory-services-page';
import { LogonPage } from './pages/logon-page';

const ACCOUNTS = [
  { domain: 'guard.test', mailbox: 'amy', fullName: 'Amy Adams' },
  { domain: 'guard.test', mailbox: 'ben', fullName: 'Smith, "Ben"' },
  { domain: 'guard.test', mailbox: 'cat', fullName: 'Cat Cole' },
];

test('held deletes: "Delete anyway" deletes them in a new run', async ({ page, app }) => {
  const appDir = await generatedAppDir(ACCOUNTS);
  try {
    await page.goto(app.url);
    await new LogonPage(page).setAdminPassword('Keeper-e2e-Pass 1');
    const ds = new DirectoryServicesPage(page);
    await ds.appDir.fill(appDir.dir);
    await expect(ds.domain('guard.test')).toBeVisible({ timeout: 20_000 });
    await ds.synchronizeNow();
    expect(await ds.count('Create')).toBe(3);
    await ds.closeResults();

    // Two of three leave MDaemon; with a Delete limit of 1 both deletes are held.
    await appDir.write(ACCOUNTS.slice(0, 1));
    await page.getByRole('checkbox', { name: 'Automatically delete users' }).check();
    await page.getByRole('textbox', { name: 'Delete limit' }).fill('1');
    await ds.synchronizeNow();
    expect(await ds.count('Held')).toBe(2);
    expect(await ds.count('Delete')).toBe(0);
    const held = page.getByRole('alert').filter({ hasText: 'held by the deletion guard' });
    await expect(held).toContainText('2 deletions were held');

    await held.getByRole('button', { name: 'Delete anyway' }).click();
    await expect.poll(() => ds.count('Delete')).toBe(2);
    expect(await ds.count('Held')).toBe(0);
    const table = ds.results.getByRole('table', { name: 'Changes' });
    await expect(table.getByRole('row').filter({ hasText: 'cat@guard.test' })).toContainText('Delete');
  } finally {
    await appDir.remove();
  }
});

test('CSV export: header, one line per change, fields quoted where needed', async ({ page, app }) => {
  const appDir = await generatedAppDir(ACCOUNTS);
  try {
    await page.goto(app.url);
    await new LogonPage(page).setAdminPassword('Keeper-e2e-Pass 1');
    const ds = new DirectoryServicesPage(page);
    await ds.appDir.fill(appDir.dir);
    await expect(ds.domain('guard.test')).toBeVisible({ timeout: 20_000 });
    await ds.testSettings();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      ds.results.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^mdsync-changes-\d{4}-\d{2}-\d{2}-\d{4}\.csv$/);
    const text = await readFile(await download.path(), 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe('Action,User name,Full name,Email addresses,Reason');
    expect(lines).toContain('Create,ben@guard.test,"Smith, ""Ben""",ben@guard.test,new MDaemon account');
    expect(lines).toContain('Create,amy@guard.test,Amy Adams,amy@guard.test,new MDaemon account');
    expect(lines.filter((l) => l !== '')).toHaveLength(1 + ACCOUNTS.length);
  } finally {
    await appDir.remove();
  }
});

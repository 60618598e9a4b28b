/**
 * The end-to-end flow of issue 6, shared by the browser-mode and Electron projects: first start,
 * Directory Services against the sample App directory (locally and over the Samba share),
 * groups, default privileges, Synchronize now, Users, IMAP against Dovecot, Save, and a
 * synchronized user's logon with the MDaemon password into My Archive.
 */
import { expect, test, type Page } from '@playwright/test';
import { AppShell } from '../pages/app-shell';
import { DirectoryServicesPage } from '../pages/directory-services-page';
import { LogonPage } from '../pages/logon-page';
import { MyArchivePage } from '../pages/my-archive-page';
import { UsersPage } from '../pages/users-page';
import type { Servers } from './fixtures';
import { SAMPLE_APP_DIR, SAMPLE_EMAILS, SAMPLE_PASSWORD } from './sample';
import type { Shot } from './screenshots';

const ADMIN_PASSWORD = 'Keeper-e2e-Pass 1';
/** Members of Sales and Helpdesk in the sample's Groups.dat. */
const IN_SCOPE = [
  'frank@company.test',
  'anna@company.test',
  'francois@partner.example',
  'info@company.test',
  'helpdesk@branch.company.test',
];

/** Runs the whole flow on a page showing the app's first start. */
export async function mainFlow(page: Page, servers: Servers, shot: Shot): Promise<void> {
  const logon = new LogonPage(page);
  const shell = new AppShell(page);
  const ds = new DirectoryServicesPage(page);
  const users = new UsersPage(page);

  await test.step('first start: set the admin password', async () => {
    await shot('first-start');
    await logon.setAdminPassword(ADMIN_PASSWORD);
    await expect(page.getByRole('heading', { level: 1, name: 'Directory Services' })).toBeVisible();
  });

  await test.step('log off and on again as admin', async () => {
    await shell.logOff();
    await logon.logOn('admin', 'wrong password');
    await expect(logon.refusal()).toContainText('Wrong user name or password');
    await logon.logOn('admin', ADMIN_PASSWORD);
    await expect(page.getByRole('heading', { level: 1, name: 'Directory Services' })).toBeVisible();
  });

  await test.step('configure the local App directory and test the settings', async () => {
    await expect(page.getByRole('combobox', { name: 'Directory service type' })).toHaveText('MDaemon USERLIST.DAT');
    await expect(ds.syncNowButton).toBeDisabled();
    // A newcomer is offered the bundled sample App directory.
    await page.getByRole('button', { name: 'Use sample data' }).click();
    await expect(ds.appDir).toHaveValue(SAMPLE_APP_DIR);
    await expect(ds.group('Sales')).toBeVisible({ timeout: 20_000 });
    await expect(ds.domain('company.test')).toBeVisible();
    await shot('directory-services');
    await ds.testSettings();
    expect(await ds.count('Create')).toBe(SAMPLE_EMAILS.length);
    expect(await ds.count('Delete')).toBe(0);
    await expect(
      ds.results.getByRole('table', { name: 'Changes' }).getByRole('row').filter({ hasText: 'Anna Schmidt' }),
    ).toBeVisible();
    // The sample's wildcard alias is read as MDaemon does and told about as a note, not a warning.
    await expect(ds.resultsDialog.getByRole('region', { name: 'Notes' })).toContainText('has wildcards');
    await expect(ds.resultsDialog.getByRole('region', { name: 'Warnings' })).toHaveCount(0);
    await shot('test-settings');
    await ds.closeResults();
  });

  await test.step('test the settings through the Samba share (UNC path)', async () => {
    await ds.appDir.fill(servers.samba.uncPath('MDaemon/App'));
    await ds.setShareCredentials(servers.samba.user, servers.samba.password);
    await expect(ds.group('Sales')).toBeVisible({ timeout: 20_000 });
    await ds.testSettings();
    expect(await ds.count('Create')).toBe(SAMPLE_EMAILS.length);
    await shot('unc-share');
    await ds.closeResults();
    await ds.setAppDir(SAMPLE_APP_DIR, 'Sales');
  });

  await test.step('tick groups and set default privileges', async () => {
    await ds.group('Sales').check();
    await ds.group('Helpdesk').check();
    await expect(ds.groups).toContainText('2 of 4 selected');
    await ds.addDefaultPrivileges(['Archive E-mail']);
    await ds.testSettings();
    expect(await ds.count('Create')).toBe(IN_SCOPE.length);
    await ds.closeResults();
  });

  await test.step('synchronize now', async () => {
    await ds.synchronizeNow();
    expect(await ds.count('Create')).toBe(IN_SCOPE.length);
    await shot('synchronized');
    await ds.closeResults();
  });

  await test.step('see the users', async () => {
    await shell.open('Users');
    for (const email of IN_SCOPE) await expect(users.row(email)).toBeVisible();
    await expect(users.row('zoe@company.test')).toHaveCount(0);
    const dialog = await users.openProperties('anna@company.test');
    await expect(dialog.getByRole('radio', { name: 'Directory Services' })).toBeChecked();
    await dialog.getByRole('tab', { name: 'Privileges' }).click();
    await expect(dialog.getByRole('checkbox', { name: 'Archive E-mail' })).toBeChecked();
    await expect(dialog.getByRole('checkbox', { name: 'Log on' })).toBeChecked();
    await shot('user-properties');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await shot('users');
  });

  await test.step('synchronize with deletions: asks first', async () => {
    await shell.open('Directory Services');
    await page.getByRole('checkbox', { name: 'Automatically delete users' }).check();
    await ds.group('Helpdesk').uncheck();
    await ds.syncNowButton.click();
    const confirm = page.getByRole('dialog', { name: 'Delete users?' });
    await expect(confirm).toContainText('delete 2 users');
    await shot('confirm-deletes');
    await confirm.getByRole('button', { name: 'Synchronize and delete' }).click();
    await expect(ds.results.getByRole('heading', { name: /^Synchronize now/ })).toBeVisible();
    await expect.poll(() => ds.count('Delete')).toBe(2);
    await ds.closeResults();
  });

  await test.step('set up IMAP against Dovecot, test a logon, save', async () => {
    await ds.setImap(`127.0.0.1:${servers.dovecot.imapPort}`, 'Unencrypted');
    await expect(page.getByRole('checkbox', { name: 'Ignore SSL Security Warnings' })).toBeDisabled();
    expect(await ds.testLogon('anna@company.test', SAMPLE_PASSWORD)).toContain('Logon succeeded');
    await shot('imap-test-logon');
    await ds.save();
  });

  await test.step('history lists the runs', async () => {
    await shell.open('Synchronization History');
    const runs = page.getByRole('table', { name: 'Synchronization runs' });
    await expect(runs.getByRole('row').filter({ hasText: 'Sync' })).toHaveCount(2);
    await runs.getByRole('row').filter({ hasText: 'Sync' }).last().click();
    await expect(
      page.getByRole('table', { name: 'Changes' }).getByRole('row').filter({ hasText: 'Anna Schmidt' }),
    ).toBeVisible();
    await shot('history');
  });

  await test.step('log on as a synchronized user with the MDaemon password', async () => {
    await shell.logOff();
    await logon.logOn('anna@company.test', 'not her password');
    await expect(logon.refusal()).toContainText('Wrong user name or password');
    await logon.logOn('anna@company.test', SAMPLE_PASSWORD);
    await new MyArchivePage(page).expectLoaded('anna@company.test');
    await expect(page.getByRole('button', { name: 'Change Password' })).toHaveCount(0);
    await shot('my-archive');
    await shell.logOff();
  });
}

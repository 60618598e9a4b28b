/**
 * An integrated user (created from the command line while the app runs) logs on, changes the
 * password in My Archive, and from then on only the new password works.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from './harness/fixtures';
import { ROOT } from './harness/web-app';
import { AppShell } from './pages/app-shell';
import { LogonPage } from './pages/logon-page';
import { MyArchivePage } from './pages/my-archive-page';

const cli = (dataDir: string, args: string[], input: string) =>
  execFileSync(process.execPath, [path.join(ROOT, 'dist/cli.cjs'), ...args, '--data-dir', dataDir], { input });

test('Change Password: an integrated user changes it; the old one stops working', async ({ app, page }) => {
  cli(app.dataDir, ['users', 'passwd', 'admin', '--password-stdin'], 'Adm1n pass\n');
  cli(
    app.dataDir,
    [
      'users',
      'add',
      'clerk',
      '--full-name',
      'Clara Clerk',
      '--auth',
      'integrated',
      '--privilege',
      'login',
      '--privilege',
      'changePassword',
      '--password-stdin',
    ],
    'old pass 1\n',
  );
  const logon = new LogonPage(page);
  const archive = new MyArchivePage(page);
  await page.goto(app.url);
  await logon.logOn('clerk', 'old pass 1');
  await archive.expectLoaded('clerk');

  await page.getByRole('button', { name: 'Change Password' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change Password' });
  await dialog.getByLabel('Current password').fill('wrong');
  await dialog.getByLabel('New password', { exact: true }).fill('a new pass 22');
  await dialog.getByLabel('Confirm new password').fill('a new pass 33');
  await expect(dialog.getByText('The passwords do not match.')).toBeVisible();
  await dialog.getByLabel('Confirm new password').fill('a new pass 22');
  await dialog.getByRole('button', { name: 'Change Password' }).click();
  await expect(dialog.getByRole('alert')).toContainText('current password is not correct');
  await dialog.getByLabel('Current password').fill('old pass 1');
  await dialog.getByRole('button', { name: 'Change Password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your password was changed.' })).toBeVisible();

  await new AppShell(page).logOff();
  await logon.logOn('clerk', 'old pass 1');
  await expect(logon.refusal()).toBeVisible();
  await logon.logOn('clerk', 'a new pass 22');
  await archive.expectLoaded('clerk');
});

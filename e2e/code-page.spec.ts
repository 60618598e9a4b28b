/**
 * Issue 18, point 8: the Code Page help says what the field preselects when no code page is saved.
 * Here (Linux, browser mode) that is Windows-1252, and the help no longer claims it follows the computer.
 */
import { expect, test } from './harness/fixtures';
import { LogonPage } from './pages/logon-page';

test('the Code Page preselects Windows-1252 off Windows, and its help says why', async ({ page, app }) => {
  test.skip(process.platform === 'win32', 'on Windows the default is the computer’s own code page');
  await page.goto(app.url);
  await new LogonPage(page).setAdminPassword('Keeper-e2e-Pass 1');
  const field = page.getByRole('combobox', { name: 'Code Page' });
  await expect(field).toHaveText('Windows-1252 (Western European)');
  await expect(
    page.getByText(/^Default: Windows-1252 \(Western European\), as the server is not Windows/),
  ).toBeVisible();
});

/**
 * Issue 18, points 7 and 8 (Directory Services): the untrusted-certificate box fits a small window
 * with its buttons on one line; the trusted-certificate line goes with Unencrypted access; the
 * Delete limit waits for automatic deletion; a filter's effect on deletion is said at the checkbox;
 * the groups list is one Tab stop with arrow keys.
 */
import { expect, test } from './harness/fixtures';
import { SAMPLE_APP_DIR, SAMPLE_PASSWORD } from './harness/sample';
import { VIEWPORTS, expectNoHorizontalScroll } from './harness/viewports';
import { DirectoryServicesPage } from './pages/directory-services-page';
import { LogonPage } from './pages/logon-page';

for (const vp of VIEWPORTS) {
  test.describe(`at ${vp.name}`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });

    test('certificate box, deletion options and the filter note', async ({ page, app, servers }) => {
      await page.goto(app.url);
      await new LogonPage(page).setAdminPassword('Keeper-e2e-Pass 1');
      const ds = new DirectoryServicesPage(page);
      await ds.setAppDir(SAMPLE_APP_DIR, 'Sales');

      // The groups are one Tab stop; the arrow keys, Home and End move inside the list.
      const boxes = ds.groups.getByRole('checkbox');
      await expect(ds.groups.locator('input[type="checkbox"][tabindex="0"]')).toHaveCount(1);
      await boxes.nth(0).focus();
      await page.keyboard.press('ArrowDown');
      await expect(boxes.nth(1)).toBeFocused();
      await page.keyboard.press('End');
      await expect(boxes.last()).toBeFocused();
      await page.keyboard.press('Tab');
      expect(await boxes.evaluateAll((els) => els.some((el) => el === document.activeElement))).toBe(false);

      const deleteUsers = page.getByRole('checkbox', { name: 'Automatically delete users' });
      await expect(page.getByRole('textbox', { name: 'Delete limit' })).toBeDisabled();
      await deleteUsers.check();
      await expect(page.getByRole('textbox', { name: 'Delete limit' })).toBeEnabled();
      const note = page.getByRole('note').filter({ hasText: 'users outside the filter are deleted too' });
      await expect(note).toBeHidden();
      await ds.group('Sales').check();
      await expect(note).toBeVisible();

      await ds.setImap(`127.0.0.1:${servers.dovecot.imapPort}`, 'IMAP-TLS');
      const box = page.getByRole('group', { name: 'Test Logon' });
      expect(await ds.testLogon('anna@company.test', SAMPLE_PASSWORD)).not.toContain('Logon succeeded');
      const trust = box.getByRole('button', { name: 'Trust this certificate' });
      await trust.scrollIntoViewIfNeeded();
      await expectNoHorizontalScroll(page);
      // One line: a label broken mid-word makes the button two lines high.
      expect((await trust.boundingBox())?.height ?? 0).toBeLessThan(40);
      await trust.click();
      const pinned = page.getByRole('alert').filter({ hasText: 'Trusted certificate (SHA-256)' });
      await expect(pinned).toBeVisible();
      await ds.setImap(`127.0.0.1:${servers.dovecot.imapPort}`, 'Unencrypted');
      await expect(pinned).toBeHidden();
      await expectNoHorizontalScroll(page);
    });
  });
}

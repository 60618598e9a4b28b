/**
 * Issue 18, point 8: light and dark themes. The page follows the OS's colour scheme
 * (prefers-color-scheme) until the user picks Light or Dark in the title bar's theme menu; the
 * choice survives a reload and "System" follows the OS again. Screenshots of both schemes at
 * 1280×800 and 1024×700, with nothing scrolling sideways.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './harness/fixtures';
import { screenshotter } from './harness/screenshots';
import { VIEWPORTS, expectNoHorizontalScroll } from './harness/viewports';
import { LogonPage } from './pages/logon-page';

/** The page backgrounds of the two schemes (theme.ts, background.default). */
const LIGHT = 'rgb(236, 239, 242)';
const DARK = 'rgb(22, 25, 29)';

function background(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

async function expectBackground(page: Page, color: string): Promise<void> {
  await expect.poll(() => background(page)).toBe(color);
}

test.use({ colorScheme: 'dark' });

test('the theme follows the OS, and the user’s choice wins and persists', async ({ page, app }, testInfo) => {
  const shot = screenshotter(page, testInfo);
  await page.goto(app.url);
  await new LogonPage(page).setAdminPassword('Keeper-e2e-Pass 1');
  await expect(page.getByRole('heading', { name: 'Directory Services' })).toBeVisible();
  const themeButton = page.getByRole('banner').getByRole('button', { name: /^Theme: / });
  await expect(themeButton).toHaveAccessibleName('Theme: System');

  await test.step('System follows the OS: dark, then light', async () => {
    await expectBackground(page, DARK);
    for (const vp of VIEWPORTS) {
      await page.setViewportSize({ width: vp.width, height: vp.height });
      await expectNoHorizontalScroll(page);
      await shot(`${vp.name}-dark`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await expectBackground(page, LIGHT);
    for (const vp of VIEWPORTS) {
      await page.setViewportSize({ width: vp.width, height: vp.height });
      await expectNoHorizontalScroll(page);
      await shot(`${vp.name}-light`);
    }
  });

  await test.step('Dark chosen under a light OS: flips, and persists over a reload', async () => {
    await themeButton.click();
    await page.getByRole('menuitemradio', { name: 'Dark' }).click();
    await expectBackground(page, DARK);
    await expect(themeButton).toHaveAccessibleName('Theme: Dark');
    await page.reload();
    await expect(themeButton).toHaveAccessibleName('Theme: Dark');
    await expectBackground(page, DARK);
    expect(await page.evaluate(() => localStorage.getItem('mdsync-theme'))).toBe('dark');
  });

  await test.step('Light chosen under a dark OS, then System follows the OS again', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await themeButton.click();
    await page.getByRole('menuitemradio', { name: 'Light' }).click();
    await expectBackground(page, LIGHT);
    await page.reload();
    await expect(themeButton).toHaveAccessibleName('Theme: Light');
    await expectBackground(page, LIGHT);
    await themeButton.click();
    await expect(page.getByRole('menuitemradio', { name: 'Light' })).toHaveAttribute('aria-checked', 'true');
    await page.getByRole('menuitemradio', { name: 'System' }).click();
    await expectBackground(page, DARK);
  });
});

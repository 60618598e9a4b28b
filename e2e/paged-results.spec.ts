/**
 * A run's results at 100,000 accounts (issue 18): Test Settings answers the counts and the first
 * rows, not 100,000 change rows; the table pages through the rest as it scrolls, searches and
 * sorts on the main side. And the comparison's counter moves while the plan is made (progress
 * events between 0 and the end reach the page), at 1280×800 and 1024×700.
 */
import type { Page, WebSocket } from '@playwright/test';
import { expect, test } from './harness/fixtures';
import { generatedAppDir, type GeneratedAppDir } from './harness/app-dir';
import { VIEWPORTS, expectNoHorizontalScroll } from './harness/viewports';
import { DirectoryServicesPage } from './pages/directory-services-page';
import { LogonPage } from './pages/logon-page';

const ACCOUNTS = 100_000;
const ADMIN_PASSWORD = 'Keeper-e2e-Pass 1';
/** The first page of 100 changes is some 15 KB; the whole list was over 4 MB. */
const ANSWER_MAX_BYTES = 200_000;

let appDir: GeneratedAppDir;
test.beforeAll(async () => {
  appDir = await generatedAppDir(
    Array.from({ length: ACCOUNTS }, (_, i) => ({
      domain: `d${i % 10}.example`,
      mailbox: `user${String(i).padStart(6, '0')}`,
      fullName: `User ${i}`,
    })),
  );
});
test.afterAll(async () => appDir?.remove());

/** Every text frame the page's bridge socket sends and receives. */
function recordFrames(page: Page): { sent: string[]; received: string[] } {
  const frames = { sent: [] as string[], received: [] as string[] };
  page.on('websocket', (ws: WebSocket) => {
    ws.on('framesent', (f) => typeof f.payload === 'string' && frames.sent.push(f.payload));
    ws.on('framereceived', (f) => typeof f.payload === 'string' && frames.received.push(f.payload));
  });
  return frames;
}

async function ready(page: Page, url: string): Promise<DirectoryServicesPage> {
  await page.goto(url);
  await new LogonPage(page).setAdminPassword(ADMIN_PASSWORD);
  const ds = new DirectoryServicesPage(page);
  await ds.appDir.fill(appDir.dir);
  await expect(ds.domain('d0.example')).toBeVisible({ timeout: 30_000 });
  return ds;
}

for (const vp of VIEWPORTS) {
  test.describe(`at ${vp.name}`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });

    test('Test Settings answers the counts and first rows; the table pages, searches and sorts', async ({
      page,
      app,
    }) => {
      const frames = recordFrames(page);
      const ds = await ready(page, app.url);
      await ds.testSettings();

      const answer = frames.received.find((f) => f.startsWith('{"id"') && f.includes('"dryRun":true'));
      expect(answer, 'the answer of Test Settings').toBeDefined();
      expect(answer!.length, 'the answer carries a page, not every change').toBeLessThan(ANSWER_MAX_BYTES);
      expect(await ds.count('Create')).toBe(ACCOUNTS);

      const table = ds.results.getByRole('table', { name: 'Changes' });
      await expect(table).toHaveAttribute('aria-rowcount', String(ACCOUNTS + 1));
      await expect(table.locator('[aria-rowindex="2"]')).toContainText('user000000@d0.example');
      await expect(ds.results.getByText(`100,000 of 100,000 shown`)).toBeVisible();

      // The end of the list is asked for when scrolled to.
      await table.getByLabel(/scroll with the arrow keys/).evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await expect(table.locator(`[aria-rowindex="${ACCOUNTS + 1}"]`)).toContainText('user099999@d9.example');
      expect(frames.sent.some((f) => f.includes('"sync:results-page"'))).toBe(true);
      expect(await table.getByRole('row').count()).toBeLessThan(80);

      // Searched on the main side.
      await ds.results.getByRole('searchbox', { name: 'Search' }).fill('USER012345');
      await expect(ds.results.getByText('1 of 100,000 shown')).toBeVisible();
      await expect(table.locator('[aria-rowindex="2"]')).toContainText('user012345@d5.example');
      await ds.results.getByRole('searchbox', { name: 'Search' }).fill('');

      // Sorted by user name, last first.
      await table.getByRole('columnheader', { name: 'User name' }).getByRole('button').click();
      await table.getByRole('columnheader', { name: 'User name' }).getByRole('button').click();
      await expect(table.getByRole('columnheader', { name: 'User name' })).toHaveAttribute('aria-sort', 'descending');
      await expect(table.locator('[aria-rowindex="2"]')).toContainText('user099999@d9.example');

      // Filtered by action.
      await page.getByRole('combobox', { name: 'Filter by action' }).click();
      await page.getByRole('option', { name: /^Update/ }).click();
      await expect(ds.results.getByText('0 of 100,000 shown')).toBeVisible();
      await expectNoHorizontalScroll(page);
    });

    test('the comparison counts up while the plan is made', async ({ page, app }) => {
      const frames = recordFrames(page);
      const ds = await ready(page, app.url);
      await ds.testSettings();
      const planCounts = frames.received
        .map((f) => /^\{"event":"sync:progress","payload":\{"phase":"plan","done":(\d+),"total":(\d+)/.exec(f))
        .filter((m) => m !== null)
        .map((m) => ({ done: Number(m[1]), total: Number(m[2]) }));
      const between = planCounts.filter((p) => p.done > 0 && p.done < p.total);
      expect(between.length, `plan progress events: ${JSON.stringify(planCounts)}`).toBeGreaterThan(0);
      expect(between.every((p) => p.total === ACCOUNTS)).toBe(true);
      await expectNoHorizontalScroll(page);
    });
  });
}

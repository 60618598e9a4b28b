/**
 * Issue 12, item 1: Test Settings and Synchronize now show their progress and their results where
 * the administrator looks. With the form scrolled to its top (where the App directory is typed),
 * the progress bar is in the viewport while a run reads 100,000 accounts, and the results heading
 * and first change rows are in the viewport when it ends, at the default and at a small window size.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeUserlist } from '../electron/core/mdaemon/testing/make-userlist';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './harness/fixtures';
import { LogonPage } from './pages/logon-page';
import { DirectoryServicesPage } from './pages/directory-services-page';

/** Enough accounts for a run to last long enough to see its progress bar (about a second). */
const ACCOUNTS = 50_000;
let appDir = '';

test.beforeAll(async () => {
  appDir = await mkdtemp(path.join(os.tmpdir(), 'mdsync-in-view-'));
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({
    domain: `d${i % 10}.example`,
    mailbox: `user${String(i).padStart(6, '0')}`,
    fullName: `User ${i}`,
  }));
  await writeFile(path.join(appDir, 'USERLIST.DAT'), makeUserlist(accounts, 'cp1252'));
  await writeFile(path.join(appDir, 'Groups.dat'), '');
});

test.afterAll(async () => {
  if (appDir) await rm(appDir, { recursive: true, force: true });
});

/**
 * Holds the answers of the app's WebSocket (not its pushed events) while held, so a run stays running
 * until the test has looked at its progress bar, however fast the machine is.
 */
async function answerGate(page: Page): Promise<{ hold(): void; release(): void }> {
  let open: Promise<void> = Promise.resolve();
  let release = () => undefined as void;
  await page.routeWebSocket(/\/api(\?|$)/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      const isAnswer = typeof m === 'string' && m.startsWith('{"id":');
      if (!isAnswer) return ws.send(m);
      void open.then(() => ws.send(m));
    });
  });
  return {
    hold() {
      open = new Promise<void>((r) => (release = r));
    },
    release: () => release(),
  };
}

/** A screenshot attached to the report, to look at the layout at each window size. */
async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

for (const viewport of [
  { width: 1280, height: 860 },
  { width: 1024, height: 700 },
]) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });

    test('progress and results of Test Settings and Synchronize now are in view', async ({ page, app }, testInfo) => {
      const gate = await answerGate(page);
      await page.goto(app.url);
      await new LogonPage(page).setAdminPassword('Keeper-e2e-Pass 1');
      const ds = new DirectoryServicesPage(page);
      await ds.appDir.fill(appDir);
      await expect(ds.domain('d0.example')).toBeVisible({ timeout: 30_000 });
      // The administrator is at the top of the form, where the App directory was typed.
      await expect(ds.appDir).toBeInViewport();
      const progress = page.getByRole('progressbar', { name: 'Synchronization progress' });

      await test.step('Test Settings', async () => {
        gate.hold();
        await ds.testSettingsButton.click();
        await expect(progress).toBeInViewport({ timeout: 5_000 });
        await shot(page, testInfo, 'test-settings-progress');
        gate.release();
        const heading = ds.results.getByRole('heading', { name: /^Test Settings/ });
        await expect(heading).toBeInViewport({ timeout: 60_000 });
        const table = ds.results.getByRole('table', { name: 'Changes' });
        await expect(table.getByRole('row').nth(1)).toBeInViewport();
        await expect(table.getByRole('row').nth(3)).toBeInViewport();
        await expect(ds.results.getByRole('button', { name: /^Create: / })).toBeInViewport();
        await expect(ds.results.getByRole('button', { name: 'Export CSV' })).toBeInViewport();
        // The keyboard is in the results too: Tab and the arrow keys work there at once.
        await expect.poll(() => ds.resultsDialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
        await shot(page, testInfo, 'test-settings-results');
        await ds.closeResults();
        // Closing returns to the form where it was; the results can be opened again.
        await expect(ds.appDir).toBeInViewport();
        await shot(page, testInfo, 'results-closed');
        await ds.showResults();
        await expect(heading).toBeInViewport();
        await page.keyboard.press('Escape');
        await expect(ds.resultsDialog).toBeHidden();
      });

      await test.step('Synchronize now', async () => {
        gate.hold();
        await ds.syncNowButton.click();
        await expect(progress).toBeInViewport({ timeout: 5_000 });
        await shot(page, testInfo, 'synchronize-progress');
        gate.release();
        const heading = ds.results.getByRole('heading', { name: /^Synchronize now/ });
        await expect(heading).toBeInViewport({ timeout: 60_000 });
        const table = ds.results.getByRole('table', { name: 'Changes' });
        await expect(table.getByRole('row').nth(1)).toBeInViewport();
        expect(await ds.count('Create')).toBe(ACCOUNTS);
        await shot(page, testInfo, 'synchronize-results');
        await ds.closeResults();
      });
    });
  });
}

/**
 * A data directory whose archive.sqlite header is damaged while archive.sqlite.bak is sound:
 * browser mode starts on it (moving the damaged file aside, using the backup), and the
 * administrator sees a banner with what happened, the users each copy holds, the damaged copy's
 * name and what to do; a writer lock left by a process that is gone (a crash) is taken over and
 * told on the same banner.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT, startWebApp } from './harness/web-app';
import { LogonPage } from './pages/logon-page';

const ADMIN_PASSWORD = 'Banner admin 12';

const cli = (dataDir: string, args: string[], input = '') =>
  execFileSync(process.execPath, [path.join(ROOT, 'dist/cli.cjs'), ...args, '--data-dir', dataDir], { input });

test('a damaged database replaced by its backup is told to the administrator, with both counts', async ({ page }) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-e2e-banner-'));
  try {
    // Every commit rotates the previous file into the backup: the backup ends with admin and
    // three clerks (4 users), the file with a fourth clerk too (5 users).
    cli(dataDir, ['users', 'passwd', 'admin', '--password-stdin'], `${ADMIN_PASSWORD}\n`);
    for (const n of [1, 2, 3, 4]) cli(dataDir, ['users', 'add', `clerk${n}`, '--auth', 'directoryServices']);
    const file = path.join(dataDir, 'archive.sqlite');
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(16, 0x41), 0, 16, 0); // no SQLite header any more
    fs.closeSync(fd);
    // The lock of a process that ended without releasing it (a crash): a pid that is gone.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const lock = { pid: gone, startedAt: '2026-12-05T07:00:00.000Z', token: 'crashed' };
    fs.writeFileSync(path.join(dataDir, 'archive.lock'), JSON.stringify(lock));

    let aside: string | undefined;
    const app = await startWebApp({ dataDir });
    try {
      await page.goto(app.url);
      await new LogonPage(page).logOn('admin', ADMIN_PASSWORD);
      await expect(page.getByRole('heading', { level: 1, name: 'Directory Services' })).toBeVisible();
      aside = fs.readdirSync(dataDir).find((n) => n.startsWith('archive.sqlite.damaged-'));
      expect(aside).toBeDefined();
      const banner = page.getByRole('alert', { name: 'User database restored from its backup' });
      await expect(banner).toContainText('The user database was damaged: its backup is in use');
      await expect(banner).toContainText('its header is not a SQLite header');
      await expect(banner).toContainText(`moved aside to ${aside!} in the data directory (5 users)`);
      await expect(banner).toContainText('Its backup archive.sqlite.bak (4 users) is used from now on');
      await expect(banner).toContainText('mdsync db check');
      await expect(banner).toContainText(`mdsync db restore --from ${aside!}`);
      // Writing the backup back took the lock over from the crashed process.
      const takeover = page.getByRole('alert', { name: 'Writer lock taken over' });
      await expect(takeover).toContainText(`took over the stale lock ${path.join(dataDir, 'archive.lock')}`);
      await expect(takeover).toContainText(`process ${gone} is gone`);
    } finally {
      await app.stop();
    }

    // Started again: the backup was written back as the database, and the copy kept aside is still named.
    const again = await startWebApp({ dataDir });
    try {
      await page.goto(again.url);
      await new LogonPage(page).logOn('admin', ADMIN_PASSWORD);
      await expect(page.getByRole('heading', { level: 1, name: 'Directory Services' })).toBeVisible();
      const kept = page.getByRole('alert', { name: 'Damaged copies of the user database' });
      await expect(kept).toContainText(`kept in the data directory: ${aside}`);
      await expect(page.getByRole('alert', { name: 'User database restored from its backup' })).toHaveCount(0);
      await expect(page.getByRole('alert', { name: 'Writer lock taken over' })).toHaveCount(0);
    } finally {
      await again.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

/**
 * The same flow in the Electron app, where an Electron binary is installed, and the app as a
 * client of `mdsync server`. Where no binary is installed (it cannot be downloaded on the build
 * machines), the tests are skipped and say why; electron/app-wiring.test.ts and
 * electron/core/remote/*.test.ts cover the wiring and the remote path in plain Node.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, type ElectronApplication } from '@playwright/test';
import { realServiceMissing, setAdminPassword, startRealService } from '../electron/core/remote/testing/real-service';
import { test } from './harness/fixtures';
import { mainFlow } from './harness/main-flow';
import { screenshotter } from './harness/screenshots';
import { ROOT } from './harness/web-app';
import { AppShell } from './pages/app-shell';
import { LogonPage } from './pages/logon-page';

/**
 * The Electron binary, found as `require('electron')` finds it but without its side effect:
 * requiring the package when the binary is missing starts a download, which fails (and hangs
 * for a while) on machines without access to GitHub's releases.
 */
function electronBinary(): { path: string | null; reason: string } {
  const pkgDir = path.join(ROOT, 'node_modules/electron');
  const pathFile = path.join(pkgDir, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!existsSync(pkgDir)) return { path: null, reason: 'the electron package is not installed' };
  const exe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const full = override ? path.join(override, exe || 'electron') : exe ? path.join(pkgDir, 'dist', exe) : '';
  if (!full || !existsSync(full)) {
    return {
      path: null,
      reason:
        'no Electron binary is installed (ELECTRON_SKIP_BINARY_DOWNLOAD); the browser-mode project covers the same flow',
    };
  }
  if (!existsSync(path.join(ROOT, 'dist/electron')))
    return { path: null, reason: 'the Electron main process is not built: run `npm run build`' };
  return { path: full, reason: '' };
}

const binary = electronBinary();

// Skipped before any fixture starts (no Dovecot or Samba just to skip), with the reason in the report.
test.skip(binary.path === null, binary.reason);
if (binary.path === null) {
  process.stderr.write(`electron project skipped: ${binary.reason}\n`);
}

function launch(dataDir: string): Promise<ElectronApplication> {
  return electron.launch({
    executablePath: binary.path!,
    args: [ROOT, `--data-dir=${dataDir}`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    cwd: ROOT,
  });
}

test('Electron: admin configures MDaemon sync and IMAP; a synchronized user logs on to My Archive', async ({
  servers,
}, testInfo) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mdsync-electron-'));
  const app = await launch(dataDir);
  try {
    const page = await app.firstWindow();
    await mainFlow(page, servers, screenshotter(page, testInfo));
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('Electron: the app as a client of mdsync server: trust its certificate by fingerprint, log on there, choice remembered', async () => {
  const missing = realServiceMissing('dist');
  test.skip(missing !== null, missing ?? '');
  const root = await mkdtemp(path.join(os.tmpdir(), 'mdsync-electron-remote-'));
  const serverDir = path.join(root, 'server');
  const desktopDir = path.join(root, 'desktop');
  const SERVER_PASSWORD = 'Server-Admin-Pass-1';
  const LOCAL_PASSWORD = 'Local-Admin-Pass-1';
  // Both have an admin password, so the desktop app opens on its logon screen (not first start).
  setAdminPassword('dist', serverDir, SERVER_PASSWORD);
  setAdminPassword('dist', desktopDir, LOCAL_PASSWORD);
  const service = await startRealService('dist', serverDir);
  let app = await launch(desktopDir);
  try {
    let page = await app.firstWindow();
    const logon = new LogonPage(page);
    await expect(page.getByRole('heading', { name: 'Log on' })).toBeVisible();
    await page.getByRole('combobox', { name: 'Server' }).click();
    await page.getByRole('option', { name: 'An mdsync server…' }).click();
    await page.getByRole('textbox', { name: 'Server address' }).fill(service.address);
    await page.getByRole('button', { name: 'Connect' }).click();
    const untrusted = page.locator('[data-state="untrusted"]');
    await expect(untrusted).toContainText(service.fingerprint256);
    await expect(logon.logOnButton).toBeDisabled();
    await untrusted.getByRole('button', { name: 'Trust this certificate' }).click();
    await expect(page.getByRole('status')).toContainText(`Connected to ${service.address}`);

    await logon.logOn('admin', SERVER_PASSWORD);
    await expect(page.getByRole('navigation', { name: 'Administrative Tools' })).toBeVisible();
    await new AppShell(page).logOff();
    await app.close();

    // The choice and the pin are remembered: the next start connects without asking.
    app = await launch(desktopDir);
    page = await app.firstWindow();
    await expect(page.getByRole('status')).toContainText(`Connected to ${service.address}`);
    await page.getByRole('combobox', { name: 'Server' }).click();
    await page.getByRole('option', { name: 'This computer' }).click();
    await expect(page.getByRole('status')).toHaveCount(0);
    await new LogonPage(page).logOn('admin', LOCAL_PASSWORD);
    await expect(page.getByRole('navigation', { name: 'Administrative Tools' })).toBeVisible();
  } finally {
    await app.close();
    await service.stop();
    await rm(root, { recursive: true, force: true });
  }
});

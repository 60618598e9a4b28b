/**
 * The same flow in the Electron app, where an Electron binary is installed, and the app as a
 * client of `mdsync server`. Where no binary is installed (it cannot be downloaded on the build
 * machines), the tests are skipped and say why; electron/desktop/wiring.test.ts and
 * electron/core/remote/*.test.ts cover the wiring and the remote path in plain Node.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, chromium, expect, type ElectronApplication, type Page } from '@playwright/test';
import * as esbuild from 'esbuild';
import type * as Wiring from '../electron/desktop/wiring';
import type * as StandIn from '../electron/desktop/testing/stand-in';
import type * as SecretStore from '../electron/core/secret-store';
import type * as SettingsStore from '../electron/core/settings-store';
import { realServiceMissing, setAdminPassword, startRealService } from '../electron/core/remote/testing/real-service';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './harness/chromium';
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

if (binary.path === null) {
  process.stderr.write(
    `Electron app tests skipped: ${binary.reason}; the desktop client flow runs in Chromium instead\n`,
  );
}

function launch(dataDir: string): Promise<ElectronApplication> {
  return electron.launch({
    executablePath: binary.path!,
    args: [ROOT, `--data-dir=${dataDir}`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    cwd: ROOT,
  });
}

test.describe('Electron app', () => {
  // Skipped before any fixture starts (no Dovecot or Samba just to skip), with the reason in the report.
  test.skip(binary.path === null, binary.reason);

  test('Electron: admin configures MDaemon sync and IMAP; a synchronized user logs on to My Archive', async ({
    servers,
  }, testInfo) => {
    test.slow(true, 'the whole issue-6 flow in one test');
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
    if (missing) console.log(`Electron remote-server test skipped: ${missing}`);
    test.skip(missing !== null, missing ?? '');
    const root = await mkdtemp(path.join(os.tmpdir(), 'mdsync-electron-remote-'));
    const serverDir = path.join(root, 'server');
    const desktopDir = path.join(root, 'desktop');
    const SERVER_PASSWORD = 'Server-Keeper-Pass-1';
    const LOCAL_PASSWORD = 'Local-Keeper-Pass-1';
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
});

/**
 * Where there is no Electron binary, the desktop client's flow still runs end to end: the main
 * process's real wiring in this Node process (a stand-in only for Electron's API), the real renderer
 * in Chromium with `window.api` carried to the wiring's ipcMain handlers, and the real service.
 */
async function bridgeToWiring(
  page: Page,
  handlers: Map<string, (event: unknown, input?: unknown) => Promise<unknown>>,
) {
  const frame = { url: 'app://mdsync/' };
  const event = {
    senderFrame: frame,
    sender: {
      id: 1,
      mainFrame: frame,
      isDestroyed: () => page.isClosed(),
      send: (name: string, payload: unknown) =>
        void page
          .evaluate(
            ([n, p]) => (window as unknown as { __mdsyncEmit(n: string, p: unknown): void }).__mdsyncEmit(n, p),
            [name, payload] as const,
          )
          .catch(() => undefined),
      once: () => undefined,
    },
  };
  await page.exposeFunction('__mdsyncInvoke', (channel: string, input: unknown) =>
    handlers.get(channel)?.(event, input),
  );
  await page.addInitScript(() => {
    const listeners = new Map<string, Set<(p: unknown) => void>>();
    const w = window as unknown as Record<string, unknown> & {
      __mdsyncInvoke(c: string, i: unknown): Promise<unknown>;
    };
    w.__mdsyncEmit = (n: string, p: unknown) => listeners.get(n)?.forEach((l) => l(p));
    w.api = {
      invoke: (c: string, i: unknown) => w.__mdsyncInvoke(c, i),
      on: (n: string, l: (p: unknown) => void) => {
        const set = listeners.get(n) ?? new Set();
        set.add(l);
        listeners.set(n, set);
        return () => set.delete(l);
      },
    };
  });
}

type WiringModules = typeof Wiring & typeof StandIn & typeof SecretStore & typeof SettingsStore;

/**
 * The wiring, bundled as CommonJS the way the build bundles main (Playwright's own loader cannot
 * load the core's ESM-only bits), then required into this process.
 */
async function loadWiring(): Promise<WiringModules> {
  // Inside the repository, so that the bundle finds node_modules.
  const outfile = path.join(ROOT, '.tmp', `e2e-wiring-${process.pid}.cjs`);
  await esbuild.build({
    absWorkingDir: ROOT,
    stdin: {
      contents: [
        "export * from './electron/desktop/wiring';",
        "export * from './electron/desktop/testing/stand-in';",
        "export { createMemorySecretStore } from './electron/core/secret-store';",
        "export { createFileSettingsStore } from './electron/core/settings-store';",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'silent',
  });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(outfile) as WiringModules;
  } finally {
    await rm(outfile, { force: true });
  }
}

test('Desktop client in Chromium (main wiring in Node): untrusted, trusted, log on there, This computer, changed certificate', async () => {
  const missing = realServiceMissing('dist');
  if (missing) console.log(`Desktop client flow skipped: ${missing}`);
  test.skip(missing !== null, missing ?? '');
  const root = await mkdtemp(path.join(os.tmpdir(), 'mdsync-client-flow-'));
  const SERVER_PASSWORD = 'Server-Keeper-Pass-1';
  const LOCAL_PASSWORD = 'Local-Keeper-Pass-1';
  setAdminPassword('dist', path.join(root, 'server'), SERVER_PASSWORD);
  setAdminPassword('dist', path.join(root, 'desktop'), LOCAL_PASSWORD);
  let service = await startRealService('dist', path.join(root, 'server'));
  const { startApp, standIn, serveAppProtocol, createFileSettingsStore, createMemorySecretStore } = await loadWiring();
  const { e, rec } = standIn();
  const running = (await startApp(e, {
    here: path.join(ROOT, 'dist/electron'),
    argv: [`--data-dir=${path.join(root, 'desktop')}`],
    platform: process.platform,
    version: 'e2e',
    settingsStore: createFileSettingsStore,
    secretStore: () => createMemorySecretStore('the Chromium flow keeps no secrets'),
  }))!;
  const site = await serveAppProtocol(rec);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await bridgeToWiring(page, rec.ipc);
    await page.goto(`${site.origin}/`);
    const logon = new LogonPage(page);
    const serverSelect = page.getByRole('combobox', { name: 'Server' });
    await expect(serverSelect).toHaveText('This computer');
    await serverSelect.click();
    await page.getByRole('option', { name: 'An mdsync server…' }).click();
    await page.getByRole('textbox', { name: 'Server address' }).fill(service.address);
    await page.getByRole('button', { name: 'Connect' }).click();
    const untrusted = page.locator('[data-state="untrusted"]');
    await expect(untrusted).toContainText(service.fingerprint256);
    await logon.userName.fill('admin');
    await expect(logon.logOnButton).toBeDisabled();
    await untrusted.getByRole('button', { name: 'Trust this certificate' }).click();
    await expect(page.getByRole('status')).toHaveText(`Connected to ${service.address}.`);

    await logon.logOn('admin', SERVER_PASSWORD); // the desktop's own admin has another password
    await expect(page.getByRole('navigation', { name: 'Administrative Tools' })).toBeVisible();
    await new AppShell(page).logOff();

    await serverSelect.click();
    await page.getByRole('option', { name: 'This computer' }).click();
    await expect(page.getByRole('status')).toHaveCount(0);
    await logon.logOn('admin', LOCAL_PASSWORD);
    await expect(page.getByRole('navigation', { name: 'Administrative Tools' })).toBeVisible();
    await new AppShell(page).logOff();

    // Another service (another certificate) on the same address: refused, saying so.
    const port = service.port;
    await service.stop();
    await mkdir(path.join(root, 'other'));
    service = await startRealService('dist', path.join(root, 'other'), port);
    await serverSelect.click();
    await page.getByRole('option', { name: 'An mdsync server…' }).click();
    await page.getByRole('textbox', { name: 'Server address' }).fill(service.address);
    await page.getByRole('button', { name: 'Connect' }).click();
    const changed = page.locator('[data-state="changed"]');
    await expect(changed).toContainText(`the certificate of ${service.address} changed since you trusted it`);
    await expect(changed).toContainText(service.fingerprint256);
    await expect(logon.logOnButton).toBeDisabled();
  } finally {
    await browser.close();
    await site.close();
    running.connection.close();
    await running.services.close();
    await service.stop();
    await rm(root, { recursive: true, force: true });
  }
});

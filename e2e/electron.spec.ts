/**
 * The same flow in the Electron app, where an Electron binary is installed. Where it is not (it
 * cannot be downloaded on the build machines), the test is skipped and says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from '@playwright/test';
import { test } from './harness/fixtures';
import { mainFlow } from './harness/main-flow';
import { screenshotter } from './harness/screenshots';
import { ROOT } from './harness/web-app';

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

test('Electron: admin configures MDaemon sync and IMAP; a synchronized user logs on to My Archive', async ({
  servers,
}, testInfo) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mdsync-electron-'));
  const app = await electron.launch({
    executablePath: binary.path!,
    args: [ROOT, `--data-dir=${dataDir}`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    cwd: ROOT,
  });
  try {
    const page = await app.firstWindow();
    await mainFlow(page, servers, screenshotter(page, testInfo));
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

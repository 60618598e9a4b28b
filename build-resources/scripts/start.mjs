#!/usr/bin/env node
// `npm start`: the Electron app, or, where no Electron binary is installed, browser mode.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

if (!fs.existsSync(path.join(root, 'dist/web.cjs'))) {
  const built = spawn(process.execPath, [path.join(root, 'build-resources/scripts/build.mjs')], { stdio: 'inherit' });
  await new Promise((resolve) => built.on('exit', resolve));
}

/** The installed Electron binary, found without require('electron') (which would try to download it). */
function installedElectron() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = path.join(
      process.env.ELECTRON_OVERRIDE_DIST_PATH,
      process.platform === 'win32' ? 'electron.exe' : 'electron',
    );
    return fs.existsSync(p) ? p : null;
  }
  try {
    const dir = path.dirname(require.resolve('electron/package.json'));
    const rel = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const p = path.join(dir, 'dist', rel);
    return fs.existsSync(p) ? p : null;
  } catch {
    return null;
  }
}
const electronPath = installedElectron();
const run = (cmd, argv) => {
  const child = spawn(cmd, argv, { stdio: 'inherit', cwd: root });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
};

if (electronPath) {
  const dataDir = args.indexOf('--data-dir');
  const extra = dataDir >= 0 && args[dataDir + 1] ? [`--data-dir=${path.resolve(args[dataDir + 1])}`] : [];
  run(electronPath, [root, ...extra]);
} else {
  console.log('mdsync: no Electron binary is installed here, so the app starts in browser mode; open the URL below.');
  run(process.execPath, [path.join(root, 'dist/web.cjs'), ...args]);
}

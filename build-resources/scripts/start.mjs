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

let electronPath = null;
try {
  electronPath = require('electron');
} catch {
  electronPath = null;
}
const run = (cmd, argv) => {
  const child = spawn(cmd, argv, { stdio: 'inherit', cwd: root });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
};

if (typeof electronPath === 'string' && fs.existsSync(electronPath)) {
  const dataDir = args.indexOf('--data-dir');
  const extra = dataDir >= 0 && args[dataDir + 1] ? [`--data-dir=${path.resolve(args[dataDir + 1])}`] : [];
  run(electronPath, [root, ...extra]);
} else {
  console.log('mdsync: no Electron binary is installed here, so the app starts in browser mode; open the URL below.');
  run(process.execPath, [path.join(root, 'dist/web.cjs'), ...args]);
}

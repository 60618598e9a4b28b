#!/usr/bin/env node
// `npm run mutation [-- NAME...]`: StrykerJS mutation testing of the rule-dense core modules, each against its
// own unit tests only (a generated Vitest config per module), printing each module's score next to the goal.
// Slow (minutes per module), so not part of `npm test`: run it before a change to one of these modules lands.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ltsNode } from './lts-node.mjs';

const GOAL = 85;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const work = path.join(root, '.tmp', 'mutation');

/** Each module: the files mutated and the unit tests that must kill the mutants. */
const MODULES = {
  plan: {
    mutate: ['electron/core/sync/plan.ts', 'electron/core/sync/guard.ts'],
    tests: ['electron/core/sync/plan.test.ts'],
  },
  userlist: { mutate: ['electron/core/mdaemon/userlist.ts'], tests: ['electron/core/mdaemon/userlist.test.ts'] },
  throttle: { mutate: ['electron/core/auth/logon-throttle.ts'], tests: ['electron/core/auth/logon-throttle.test.ts'] },
  'writer-lock': {
    mutate: ['electron/core/db/sqlite/writer-lock.ts'],
    tests: ['electron/core/db/sqlite/writer-lock.test.ts'],
  },
  sessions: { mutate: ['electron/web/sessions.ts'], tests: ['electron/web/sessions.test.ts'] },
  'user-rules': { mutate: ['electron/core/users/user-rules.ts'], tests: ['electron/core/users/user-rules.test.ts'] },
};

const asked = process.argv.slice(2);
const unknown = asked.filter((n) => !(n in MODULES));
if (unknown.length > 0) {
  console.error(`mutation: no module named ${unknown.join(', ')} (modules: ${Object.keys(MODULES).join(', ')})`);
  process.exit(2);
}
const names = asked.length > 0 ? asked : Object.keys(MODULES);
fs.mkdirSync(work, { recursive: true });

// StrykerJS 10 needs Node 22 or later: on an older Node it runs on the LTS node (lts-node.mjs).
const major = Number(process.versions.node.split('.')[0]);
const node = major >= 22 ? process.execPath : ltsNode((line) => console.log(`mutation: ${line}`));
if (node === null) process.exit(1);
const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` };
const strykerBin = path.join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');

const results = [];
for (const name of names) {
  const mod = MODULES[name];
  const missing = [...mod.mutate, ...mod.tests].filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length > 0) {
    results.push({ name, line: `not run: ${missing.join(', ')} missing` });
    continue;
  }
  const vitestConfig = path.join(work, `vitest.${name}.mts`);
  fs.writeFileSync(
    vitestConfig,
    `export default { test: { include: ${JSON.stringify(mod.tests)}, environment: 'node', pool: 'forks' } };\n`,
  );
  const report = path.join(work, `${name}.json`);
  const strykerConfig = path.join(work, `stryker.${name}.json`);
  fs.writeFileSync(
    strykerConfig,
    JSON.stringify(
      {
        testRunner: 'vitest',
        plugins: ['@stryker-mutator/vitest-runner'],
        vitest: { configFile: vitestConfig, related: false },
        mutate: mod.mutate,
        concurrency: 2,
        coverageAnalysis: 'perTest',
        reporters: ['json', 'clear-text'],
        jsonReporter: { fileName: report },
        tempDirName: path.join('.tmp', 'mutation', `sandbox-${name}`),
        cleanTempDir: 'always',
        ignorePatterns: ['dist', 'e2e/artifacts', 'bench-data', 'test-results', 'playwright-report', '.tmp'],
      },
      null,
      2,
    ),
  );
  console.log(`mutation: ${name} (${mod.mutate.join(', ')})`);
  const run = spawnSync(node, [strykerBin, 'run', strykerConfig], { cwd: root, env, stdio: 'inherit' });
  if (run.status !== 0 || !fs.existsSync(report)) {
    results.push({ name, line: `Stryker failed (exit ${run.status})` });
    continue;
  }
  const files = JSON.parse(fs.readFileSync(report, 'utf8')).files;
  let killed = 0;
  let counted = 0;
  for (const file of Object.values(files)) {
    for (const m of file.mutants) {
      if (m.status === 'Ignored' || m.status === 'CompileError' || m.status === 'RuntimeError') continue;
      counted += 1;
      if (m.status === 'Killed' || m.status === 'Timeout') killed += 1;
    }
  }
  const score = counted === 0 ? 0 : (100 * killed) / counted;
  results.push({
    name,
    line: `${score.toFixed(1)} % (${killed} of ${counted} mutants killed; goal ≥ ${GOAL} %)`,
    score,
  });
}

console.log('\nmutation scores:');
for (const r of results) console.log(`  ${r.name.padEnd(12)} ${r.line}`);
process.exit(results.every((r) => r.score !== undefined && r.score >= GOAL) ? 0 : 1);

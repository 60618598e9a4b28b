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

/**
 * Each module: the files mutated and the unit tests that must kill the mutants. A path may be a list of
 * places the file has lived (the first that exists is used), so a move (core/db/ into core/db/sqlite/) does
 * not stop the run. Mutants no test can kill (equivalent ones) are marked in the module itself with
 * `// Stryker disable next-line MUTATOR: reason`; Stryker reports them as ignored, outside the score.
 */
//
// Equivalent mutants left standing (no test can tell them from the module; they count as survivors):
// - writer-lock: `if (released) return` → `if (false)` (a second release finds the file gone or another token's,
//   and does nothing either way).
// - sessions: `'here'` → `''` in end()'s scope (four places: only `'everywhere'` is ever compared); the default
//   idle source `() => undefined` (falls back to limits.idleMs all the same); `if (release)` → `if (true)` (an
//   undefined release is never called: `release?.()`); `if (!id) return null` → `if (false)` (no session has an
//   empty id); a user-less session's own-list `[]` → `["Stryker was here"]` (never reaches maxPerUser).
// - throttle (the 5 left at 95.5 %): the user-name-alone key is never locked and its limit is Infinity, so dropping
//   `k.kind !== 'userName'` from the lock check or `k.kind === 'userName'` from failed()'s skip (or `'userName'` →
//   `''` in either) and `Number.isFinite(...)` → `true` before the in-flight check (`n > Infinity` is never true)
//   change nothing.
// - userlist (the 36 left at 88.4 %): the ASCII fast path of the email (`m <= EMAIL_AT`, the lower-casing loop, its
//   `break`/`i === m`, `EMAIL_AT`'s size) falls back to the general path with the same result; the domain cache
//   (`prevDomainAt`, `sameBytes`, `prevDomain`'s first value, `domainAscii`'s) only saves work; the EmailIndex size
//   is a hint; `c >= 0x41` → `true` (bytes 0x20–0x3F already have bit 0x20); `nl >= end`, `stop >= pos`,
//   `len <= RECORD_BYTES`, `nonBlank >= 0` and `mailbox === null` → `false` are unreachable differences;
//   `findCodePage(cp).multiByte` (the code page was resolved before); `multiByte && …` → `true` (a single-byte
//   name keeps no dangling lead byte to drop).
// - plan (the 25 left at 93.6 %): sortedPositions' tie-break `a - b` and its `x > y` (Array#sort is stable, so equal
//   keys keep their order whatever it returns); bound checks `i <= length` / `u + 1 <= length` / `… → true` in the
//   merge walks (an index past the end reads undefined, which compares false and stops the walk the same way);
//   `sameInOrder` → `false` in sameAddresses (the set comparison gives the same answer, only slower); the walk's
//   scratch `{ key: '', tie: '' }` (overwritten before it is read); the `?? ''` of a user without an address; in
//   the deletes' comparator `x < y` → `false` (the deletes come sorted by lower-case name already) and `nx > ny` →
//   `false` (V8's sort only asks whether a comparison is below zero, so 0 and 1 place alike).
const MODULES = {
  plan: {
    mutate: ['electron/core/sync/plan.ts', 'electron/core/sync/guard.ts'],
    tests: ['electron/core/sync/plan.test.ts'],
  },
  userlist: { mutate: ['electron/core/mdaemon/userlist.ts'], tests: ['electron/core/mdaemon/userlist.test.ts'] },
  throttle: { mutate: ['electron/core/auth/logon-throttle.ts'], tests: ['electron/core/auth/logon-throttle.test.ts'] },
  'writer-lock': {
    mutate: [['electron/core/db/sqlite/writer-lock.ts', 'electron/core/db/writer-lock.ts']],
    tests: [['electron/core/db/sqlite/writer-lock.test.ts', 'electron/core/db/writer-lock.test.ts']],
  },
  sessions: { mutate: ['electron/web/sessions.ts'], tests: ['electron/web/sessions.test.ts'] },
  // The user rules above the stores (issue 19, point 2).
  'user-rules': { mutate: ['electron/core/users/user-rules.ts'], tests: ['electron/core/users/user-rules.test.ts'] },
};

/** The first existing place of a file, or null (a plain path: itself, or null when missing). */
function place(entry) {
  const candidates = Array.isArray(entry) ? entry : [entry];
  return candidates.find((f) => fs.existsSync(path.join(root, f))) ?? null;
}

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
  const entry = MODULES[name];
  const found = [...entry.mutate, ...entry.tests].map(place);
  if (found.includes(null)) {
    const missing = [...entry.mutate, ...entry.tests].filter((_, i) => found[i] === null).map((e) => [e].flat()[0]);
    const why = entry.pending ? 'not in the tree yet' : 'missing';
    results.push({ name, line: `not run: ${missing.join(', ')} ${why}`, pending: entry.pending });
    continue;
  }
  const mod = { mutate: found.slice(0, entry.mutate.length), tests: found.slice(entry.mutate.length) };
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
process.exit(results.every((r) => r.pending || (r.score !== undefined && r.score >= GOAL)) ? 0 : 1);

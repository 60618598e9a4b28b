#!/usr/bin/env node
// The closing line of `npm test`: unit/integration (Vitest, on this Node and on the LTS line) and
// end-to-end (Playwright) counted together.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.tmp/reports');
const read = (name) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
  } catch {
    return null;
  }
};
const unit = read('unit.json');
const lts = read('unit-lts.json');
const e2e = read('e2e.json');
if (!unit || !e2e) {
  console.log('tests: a report is missing (run `npm test`)');
  process.exit(1);
}
const suites = [unit, lts].filter(Boolean);
const sum = (f) => suites.reduce((n, s) => n + (f(s) ?? 0), 0);
const passed = sum((s) => s.numPassedTests) + e2e.stats.expected + (e2e.stats.flaky ?? 0);
const failed = sum((s) => s.numFailedTests) + e2e.stats.unexpected;
const skipped = sum((s) => s.numPendingTests) + sum((s) => s.numTodoTests) + e2e.stats.skipped;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);

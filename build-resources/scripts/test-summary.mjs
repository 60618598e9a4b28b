#!/usr/bin/env node
// The closing line of `npm test`: unit/integration (Vitest) and end-to-end (Playwright) counted together.
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
const e2e = read('e2e.json');
if (!unit || !e2e) {
  console.log('tests: a report is missing (run `npm test`)');
  process.exit(1);
}
const passed = unit.numPassedTests + e2e.stats.expected + (e2e.stats.flaky ?? 0);
const failed = unit.numFailedTests + e2e.stats.unexpected;
const skipped = (unit.numPendingTests ?? 0) + (unit.numTodoTests ?? 0) + e2e.stats.skipped;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);

/**
 * Benchmark of the user database and sync engine on 100,000 MDaemon accounts, end to end:
 * reading USERLIST.DAT (generated under bench-data/, gitignored), planning, applying and
 * persisting the database file. Run with `npx tsx build-resources/bench/sync.ts [count]`.
 *
 * It reports the wall times against the goals (first sync ≤ 5 s, no-change test ≤ 2 s) and
 * never fails on a missed goal: machines differ, the numbers are for people to read.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SyncProgress } from '../../shared/model';
import { defaultSettings } from '../../shared/settings';
import { createLocalSource } from '../../electron/core/mdaemon/local-source';
import { readDirectory } from '../../electron/core/mdaemon/read-directory';
import { makeUserlist } from '../../electron/core/mdaemon/testing/make-userlist';
import { runSync } from '../../electron/core/sync/run';
import { dataFiles } from '../../electron/core/paths';

const COUNT = Number(process.argv[2] ?? 100_000);
const CODE_PAGE = 'windows-1252';
const ROOT = path.resolve(__dirname, '../..');
const BENCH = path.join(ROOT, 'bench-data', `sync-${COUNT}`);
const APP = path.join(BENCH, 'app');
const DATA = path.join(BENCH, 'data');
const GOALS = { first: 5000, noChange: 2000 };

function generate(): void {
  const file = path.join(APP, 'USERLIST.DAT');
  if (fs.existsSync(file)) return;
  fs.mkdirSync(APP, { recursive: true });
  const accounts = Array.from({ length: COUNT }, (_, i) => ({
    domain: `dept${i % 20}.company.test`,
    mailbox: `user${i}`,
    fullName: `Benchmark User ${i}`,
    password: 'NOT-A-REAL-PW',
    accessType: i % 50 === 0 ? 'C' : 'Y',
  }));
  fs.writeFileSync(file, makeUserlist(accounts, CODE_PAGE));
}

async function timed(label: string, dryRun: boolean): Promise<number> {
  const marks: string[] = [];
  const start = performance.now();
  let phase = '';
  const report = await runSync({
    dataDir: DATA,
    readDirectory: async () => {
      const source = createLocalSource(APP);
      try {
        return await readDirectory(source, { codePage: CODE_PAGE });
      } finally {
        await source.close();
      }
    },
    settings: defaultSettings(),
    dryRun,
    actor: 'bench',
    onProgress: (p: SyncProgress) => {
      if (p.phase === phase) return;
      phase = p.phase;
      marks.push(`${p.phase} at ${Math.round(performance.now() - start)} ms`);
    },
  });
  const ms = performance.now() - start;
  const s = report.summary;
  process.stdout.write(
    `${label}: ${(ms / 1000).toFixed(2)} s  (create ${s.create}, update ${s.update}, unchanged ${s.unchanged}, skip ${s.skip})\n` +
      `  phases: ${marks.join(', ')}\n`,
  );
  return ms;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  generate();
  process.stdout.write(
    `${COUNT} accounts in ${path.relative(ROOT, APP)} (ready in ${Math.round(performance.now() - t0)} ms)\n`,
  );
  fs.rmSync(DATA, { recursive: true, force: true });
  const first = await timed('first sync into an empty database', false);
  const size = fs.statSync(dataFiles(DATA).database).size;
  process.stdout.write(`  database file: ${(size / 1024 / 1024).toFixed(1)} MiB\n`);
  const noChange = await timed('no-change test', true);
  const verdict = (ms: number, goal: number) =>
    ms <= goal ? `ok (goal ≤ ${goal / 1000} s)` : `MISSED (goal ≤ ${goal / 1000} s)`;
  process.stdout.write(
    `\nfirst sync ${verdict(first, GOALS.first)}; no-change test ${verdict(noChange, GOALS.noChange)}\n`,
  );
  fs.rmSync(DATA, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});

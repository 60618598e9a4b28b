/**
 * Benchmark of the user database's safety checks and of listing right after a bulk load:
 * - the open-time check of the embedded file (header against size, then PRAGMA quick_check) at
 *   100,000 and 200,000 users, next to the open without it;
 * - `users --json` (open, list every user, JSON) at 100,000 users on PostgreSQL immediately after
 *   a first synchronization (no autovacuum in between), next to the same on the embedded file.
 * Run with `npx tsx build-resources/bench/db.ts [count...]` (default 100000 200000). Goal: the
 * PostgreSQL listing ≤ 3 s. Figures are printed, never asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultSettings } from '../../shared/settings';
import { postgresUnavailable, startPostgres } from '../../electron/testing/servers/postgres';
import { createLocalSource } from '../../electron/core/mdaemon/local-source';
import { readDirectory } from '../../electron/core/mdaemon/read-directory';
import { makeUserlist } from '../../electron/core/mdaemon/testing/make-userlist';
import { type RepositoryOptions } from '../../electron/core/db/port';
import { openRepository } from '../../electron/core/db/open';
import { headerProblem, quickCheckProblem } from '../../electron/core/db/sqlite/db-check';
import { loadSqlJs } from '../../electron/core/db/sqlite/sqljs';
import { dataFiles } from '../../electron/core/paths';
import { runSync } from '../../electron/core/sync/run';
import { withRepository } from '../../electron/app/open-store';

const COUNTS = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [100_000, 200_000];
const CODE_PAGE = 'cp1252';
const ROOT = path.resolve(__dirname, '../..');
const GOAL_LIST_MS = 3000;
const RUNS = 3;

function appDir(count: number): string {
  const dir = path.join(ROOT, 'bench-data', `db-${count}`, 'app');
  const file = path.join(dir, 'USERLIST.DAT');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const accounts = Array.from({ length: count }, (_, i) => ({
      domain: `dept${i % 20}.company.test`,
      mailbox: `user${i}`,
      fullName: `Benchmark User ${i}`,
      password: 'NOT-A-REAL-PW',
      accessType: 'Y',
    }));
    fs.writeFileSync(file, makeUserlist(accounts, CODE_PAGE));
  }
  return dir;
}

async function firstSync(open: RepositoryOptions, app: string): Promise<number> {
  const start = performance.now();
  await withRepository(open, (repository) =>
    runSync({
      repository,
      readDirectory: async () => {
        const source = createLocalSource(app);
        try {
          return await readDirectory(source, { codePage: CODE_PAGE });
        } finally {
          await source.close();
        }
      },
      settings: defaultSettings(),
      dryRun: false,
      actor: 'bench',
    }),
  );
  return performance.now() - start;
}

/** `users --json` in process: open, every user, the JSON text. */
async function listJson(open: RepositoryOptions): Promise<{ ms: number; users: number }> {
  const start = performance.now();
  const repo = await openRepository({ ...open, readOnly: true });
  try {
    const users = await repo.listUsers();
    JSON.stringify(users);
    return { ms: performance.now() - start, users: users.length };
  } finally {
    await repo.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (ms: number) => `${Math.round(ms)} ms`.padStart(9);

async function checkCost(count: number): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-bench-db-'));
  try {
    await firstSync({ dataDir }, appDir(count));
    const file = dataFiles(dataDir).database;
    const SQL = await loadSqlJs();
    const open: number[] = [];
    const check: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const bytes = fs.readFileSync(file);
      if (headerProblem(bytes, bytes.length)) throw new Error('the benchmark database is damaged');
      const db = new SQL.Database(bytes);
      db.exec('SELECT count(*) FROM sqlite_master');
      const t1 = performance.now();
      const problem = quickCheckProblem(db);
      const t2 = performance.now();
      db.close();
      if (problem) throw new Error(problem);
      open.push(t1 - t0);
      check.push(t2 - t1);
    }
    const mb = (fs.statSync(file).size / 1e6).toFixed(1);
    console.log(
      `  ${String(count).padStart(7)} users (${mb} MB): open ${fmt(median(open))}, quick_check ${fmt(median(check))} more`,
    );
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function listing(count: number): Promise<void> {
  const app = appDir(count);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-bench-db-'));
  const unavailable = postgresUnavailable();
  const server = unavailable ? null : await startPostgres({ durable: true });
  try {
    const sqliteSync = await firstSync({ dataDir }, app);
    const sqlite = await listJson({ dataDir });
    console.log(`  embedded:   first sync ${fmt(sqliteSync)}, users --json ${fmt(sqlite.ms)} (${sqlite.users} users)`);
    if (!server) {
      console.log(`  PostgreSQL: skipped, ${unavailable}`);
      return;
    }
    const url = await server.createDatabase();
    const pgOpen: RepositoryOptions = {
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-bench-dbpg-')),
      databaseUrl: url,
      databasePassword: server.password,
    };
    const pgSync = await firstSync(pgOpen, app);
    const pg = await listJson(pgOpen); // immediately: no autovacuum has run
    const verdict = pg.ms <= GOAL_LIST_MS ? 'goal met' : 'GOAL MISSED';
    console.log(
      `  PostgreSQL: first sync ${fmt(pgSync)}, users --json ${fmt(pg.ms)} (${pg.users} users) ` +
        `right after it; goal ≤ ${GOAL_LIST_MS} ms: ${verdict}`,
    );
    fs.rmSync(pgOpen.dataDir, { recursive: true, force: true });
  } finally {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`open-time check of the embedded file (median of ${RUNS}):`);
  for (const count of COUNTS) await checkCost(count);
  console.log(`users --json at ${COUNTS[0]} users right after a first sync:`);
  await listing(COUNTS[0]!);
}

void main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});

/**
 * Benchmark of the two stores side by side on 100,000 MDaemon accounts: the first
 * synchronization into an empty database, a no-change test, and a one-user edit at 100,000 users,
 * on a private PostgreSQL (durable: fsync on, started here on 127.0.0.1) and on the embedded
 * SQLite file, in the same run. Run with `npx tsx build-resources/bench/postgres.ts [count]`.
 *
 * Goals on PostgreSQL: first sync ≤ 8 s, no-change test ≤ 3 s, one-user edit ≤ 50 ms. The
 * figures are printed, never asserted: machines differ.
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultSettings } from '../../shared/settings';
import { postgresUnavailable, startPostgres } from '../../electron/testing/servers/postgres';
import { createLocalSource } from '../../electron/core/mdaemon/local-source';
import { readDirectory } from '../../electron/core/mdaemon/read-directory';
import { makeUserlist } from '../../electron/core/mdaemon/testing/make-userlist';
import { type RepositoryOptions } from '../../electron/core/db/port';
import { openRepository } from '../../electron/core/db/open';
import { runSync } from '../../electron/core/sync/run';
import { userRules } from '../../electron/core/users/user-rules';
import { withRepository } from '../../electron/app/open-store';

const COUNT = Number(process.argv[2] ?? 100_000);
const CODE_PAGE = 'cp1252';
const ROOT = path.resolve(__dirname, '../..');
const BENCH = path.join(ROOT, 'bench-data', `stores-${COUNT}`);
const APP = path.join(BENCH, 'app');
const GOALS = { first: 8000, noChange: 3000, edit: 50 };
const EDITS = 20;

function generate(): void {
  const file = path.join(APP, 'USERLIST.DAT');
  if (fs.existsSync(file)) return;
  fs.mkdirSync(APP, { recursive: true });
  const accounts = Array.from({ length: COUNT }, (_, i) => ({
    domain: `dept${i % 20}.company.test`,
    mailbox: `user${i}`,
    fullName: `Benchmark User ${i}`,
    password: 'NOT-A-REAL-PW',
    accessType: 'Y',
  }));
  fs.writeFileSync(file, makeUserlist(accounts, CODE_PAGE));
}

async function sync(open: RepositoryOptions, dryRun: boolean): Promise<{ ms: number; summary: string }> {
  const start = performance.now();
  const report = await withRepository(open, (repository) =>
    runSync({
      repository,
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
    }),
  );
  const s = report.summary;
  return { ms: performance.now() - start, summary: `create ${s.create}, unchanged ${s.unchanged}` };
}

/** The median time of one-user edits (full name and addresses) on the open store. */
async function edits(open: RepositoryOptions): Promise<number> {
  const repo = await openRepository(open);
  try {
    const times: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const name = `user${(i * 4999) % COUNT}@dept${((i * 4999) % COUNT) % 20}.company.test`;
      const start = performance.now();
      await userRules(repo).updateUser(name, { fullName: `Edited ${i}`, emailAddresses: [name, `alias${i}@x.test`] });
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? 0;
  } finally {
    await repo.close();
  }
}

async function measure(label: string, open: RepositoryOptions) {
  const first = await sync(open, false);
  const noChange = await sync(open, true);
  const edit = await edits(open);
  process.stdout.write(
    `${label.padEnd(10)} first sync ${(first.ms / 1000).toFixed(2)} s (${first.summary}); ` +
      `no-change test ${(noChange.ms / 1000).toFixed(2)} s (${noChange.summary}); one-user edit ${edit.toFixed(1)} ms (median of ${EDITS})\n`,
  );
  return { first: first.ms, noChange: noChange.ms, edit };
}

async function main(): Promise<void> {
  const skip = postgresUnavailable();
  if (skip) {
    process.stdout.write(`skipped: ${skip}\n`);
    return;
  }
  const t0 = performance.now();
  generate();
  process.stdout.write(`${COUNT} accounts (USERLIST.DAT ready in ${Math.round(performance.now() - t0)} ms)\n`);
  const server = await startPostgres({ durable: true });
  try {
    const url = await server.createDatabase('bench');
    const pgDir = path.join(BENCH, 'pg-data');
    const fileDir = path.join(BENCH, 'file-data');
    for (const d of [pgDir, fileDir]) fs.rmSync(d, { recursive: true, force: true });
    const pg = await measure('postgres', { dataDir: pgDir, databaseUrl: url, databasePassword: server.password });
    const file = await measure('embedded', { dataDir: fileDir });
    const verdict = (ms: number, goal: number, unit: 's' | 'ms') =>
      `${ms <= goal ? 'ok' : 'MISSED'} (goal ≤ ${unit === 's' ? `${goal / 1000} s` : `${goal} ms`})`;
    process.stdout.write(
      `\npostgres: first sync ${verdict(pg.first, GOALS.first, 's')}; no-change test ${verdict(pg.noChange, GOALS.noChange, 's')}; ` +
        `one-user edit ${verdict(pg.edit, GOALS.edit, 'ms')}\n` +
        `embedded beside it: first sync ${(file.first / 1000).toFixed(2)} s, no-change test ${(file.noChange / 1000).toFixed(2)} s, one-user edit ${file.edit.toFixed(1)} ms\n`,
    );
    for (const d of [pgDir, fileDir]) fs.rmSync(d, { recursive: true, force: true });
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});

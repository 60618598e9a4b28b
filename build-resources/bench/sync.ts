/**
 * Benchmark of the user database and sync engine, end to end, as the command line runs it: a
 * first `mdsync sync` into an empty data directory and a no-change `mdsync test`, each a whole
 * process, on 100,000 and on 200,000 MDaemon accounts (USERLIST.DAT generated under bench-data/,
 * gitignored). Run with `npx tsx build-resources/bench/sync.ts [count...]` (default 100000 200000;
 * BENCH_RUNS=n for the runs per case, default 3).
 *
 * It prints wall time, CPU time and peak RSS of every process, the 200,000 / 100,000 ratios and
 * the goals: first sync ≤ 5 s and no-change test ≤ 2 s at 100,000; at 200,000 both ≤ 2.2× the
 * 100,000 figures measured in the same run and a peak RSS ≤ 400 MB. It never fails on a missed
 * goal: machines differ, the numbers are for people to read. CPU time is printed beside the wall
 * time because it stays readable when other work shares the machine.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeUserlist } from '../../electron/core/mdaemon/testing/make-userlist';

const ROOT = path.resolve(__dirname, '../..');
const BENCH = path.join(ROOT, 'bench-data');
const CODE_PAGE = 'windows-1252';
const COUNTS = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [100_000, 200_000];
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const GOALS = { first: 5000, noChange: 2000, ratio: 2.2, rssMb: 400 };
/** Loaded with -r into each measured process: its own rusage, written at exit. */
const RUSAGE_HOOK = `process.on('exit', () => {
  const r = process.resourceUsage();
  require('node:fs').writeFileSync(process.env.MDSYNC_BENCH_RUSAGE,
    JSON.stringify({ maxRssKb: r.maxRSS, cpuUs: r.userCPUTime + r.systemCPUTime }));
});
`;

/** One measured process. */
interface Measure {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly summary: string;
}

function appDir(count: number): string {
  return path.join(BENCH, `sync-${count}`, 'app');
}

function generate(count: number): void {
  const file = path.join(appDir(count), 'USERLIST.DAT');
  if (fs.existsSync(file)) return;
  fs.mkdirSync(appDir(count), { recursive: true });
  const accounts = Array.from({ length: count }, (_, i) => ({
    domain: `dept${i % 20}.company.test`,
    mailbox: `user${i}`,
    fullName: `Benchmark User ${i}`,
    password: 'NOT-A-REAL-PW',
    accessType: i % 50 === 0 ? 'C' : 'Y',
  }));
  fs.writeFileSync(file, makeUserlist(accounts, CODE_PAGE));
}

/** The CLI from the current sources, bundled the way build.mjs bundles dist/cli.cjs. */
async function bundleCli(): Promise<string> {
  const esbuild = await import('esbuild');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const outfile = path.join(BENCH, 'cli-bench-sync.cjs');
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(ROOT, 'electron/cli/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['sql.js'],
    minify: true,
    logLevel: 'error',
    logOverride: { 'empty-import-meta': 'silent' },
    define: { __MDSYNC_VERSION__: JSON.stringify(pkg.version) },
  });
  return outfile;
}

/** Runs `node [args]` once with the rusage hook; null (and a line saying why) when it failed. */
function measure(args: string[]): Measure | null {
  const hook = path.join(BENCH, 'rusage-hook.cjs');
  const out = path.join(BENCH, 'rusage.json');
  fs.writeFileSync(hook, RUSAGE_HOOK);
  fs.rmSync(out, { force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', hook, ...args], {
    cwd: ROOT,
    env: { ...process.env, MDSYNC_BENCH_RUSAGE: out },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 || !fs.existsSync(out)) {
    process.stdout.write(`  failed (status ${r.status}): ${(r.stderr || '').trim().split('\n')[0] ?? ''}\n`);
    return null;
  }
  const usage = JSON.parse(fs.readFileSync(out, 'utf8')) as { maxRssKb: number; cpuUs: number };
  return {
    wallMs,
    cpuMs: usage.cpuUs / 1000,
    rssMb: usage.maxRssKb / 1024,
    summary: r.stdout.split('\n')[0] ?? '',
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Median wall and CPU time, and the highest peak RSS, of the runs of one case. */
interface Case {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMb: number;
}

function summarize(ms: Measure[]): Case {
  return {
    wallMs: median(ms.map((m) => m.wallMs)),
    cpuMs: median(ms.map((m) => m.cpuMs)),
    rssMb: Math.max(...ms.map((m) => m.rssMb)),
  };
}

/** RUNS pairs of (first sync into an empty data directory, no-change test) on `count` accounts. */
function runCount(cli: string, count: number): { first: Case; noChange: Case } | null {
  const data = path.join(BENCH, `sync-${count}`, 'data');
  const common = ['--data-dir', data, '--app-dir', appDir(count), '--code-page', CODE_PAGE];
  const firsts: Measure[] = [];
  const tests: Measure[] = [];
  for (let i = 0; i < RUNS; i++) {
    fs.rmSync(data, { recursive: true, force: true });
    const first = measure([cli, 'sync', ...common]);
    const test = first && measure([cli, 'test', ...common]);
    if (!first || !test) return null;
    if (i === 0) process.stdout.write(`  ${first.summary}\n  ${test.summary}\n`);
    firsts.push(first);
    tests.push(test);
  }
  const size = fs.statSync(path.join(data, 'archive.sqlite')).size;
  process.stdout.write(`  database file: ${(size / 1024 / 1024).toFixed(1)} MiB\n`);
  fs.rmSync(data, { recursive: true, force: true });
  return { first: summarize(firsts), noChange: summarize(tests) };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const cell = (c: Case) =>
  `${secs(c.wallMs).padStart(8)} ${secs(c.cpuMs).padStart(8)} ${`${c.rssMb.toFixed(0)} MB`.padStart(8)}`;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

async function main(): Promise<void> {
  const load = os.loadavg()[0] ?? 0;
  process.stdout.write(
    `machine: ${os.cpus().length} CPUs, load average ${load.toFixed(1)}` +
      `${load > os.cpus().length ? ' (busy: wall times are inflated, read the CPU times)' : ''}; ${RUNS} runs per case\n`,
  );
  const cli = await bundleCli();
  const results = new Map<number, { first: Case; noChange: Case }>();
  for (const count of COUNTS) {
    const t0 = performance.now();
    generate(count);
    process.stdout.write(`${count} accounts (USERLIST.DAT ready in ${Math.round(performance.now() - t0)} ms)\n`);
    const r = runCount(cli, count);
    if (r) results.set(count, r);
  }
  const floor = measure(['-e', '0']);
  process.stdout.write(
    `\n${'accounts'.padStart(9)} | first sync: ${'wall'.padStart(6)} ${'cpu'.padStart(8)} ${'peak RSS'.padStart(8)}` +
      ` | no-change test: wall ${'cpu'.padStart(8)} ${'peak RSS'.padStart(8)}\n`,
  );
  for (const [count, r] of results)
    process.stdout.write(`${String(count).padStart(9)} | ${cell(r.first)}     | ${cell(r.noChange)}\n`);
  if (floor)
    process.stdout.write(`floor: an empty node process, ${secs(floor.wallMs)}, ${floor.rssMb.toFixed(0)} MB\n`);

  const base = results.get(100_000);
  if (base) {
    process.stdout.write(
      `\nat 100,000: first sync ${verdict(base.first.wallMs <= GOALS.first)} (goal ≤ ${GOALS.first / 1000} s);` +
        ` no-change test ${verdict(base.noChange.wallMs <= GOALS.noChange)} (goal ≤ ${GOALS.noChange / 1000} s)\n`,
    );
  }
  const big = results.get(200_000);
  if (base && big) {
    const ratio = (k: 'first' | 'noChange', m: 'wallMs' | 'cpuMs') => big[k][m] / base[k][m];
    for (const [label, k] of [
      ['first sync', 'first'],
      ['no-change test', 'noChange'],
    ] as const) {
      const wall = ratio(k, 'wallMs');
      process.stdout.write(
        `200,000 / 100,000, ${label}: wall ${wall.toFixed(2)}x ${verdict(wall <= GOALS.ratio)} (goal ≤ ${GOALS.ratio}x),` +
          ` cpu ${ratio(k, 'cpuMs').toFixed(2)}x\n`,
      );
    }
    const rss = Math.max(big.first.rssMb, big.noChange.rssMb);
    process.stdout.write(
      `peak RSS at 200,000: first sync ${big.first.rssMb.toFixed(0)} MB, no-change test ${big.noChange.rssMb.toFixed(0)} MB,` +
        ` ${verdict(rss <= GOALS.rssMb)} (goal ≤ ${GOALS.rssMb} MB)\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});

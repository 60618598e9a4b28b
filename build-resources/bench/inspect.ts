/**
 * Benchmark of the MDaemon reader: `mdsync inspect` on 100,000 accounts, as a whole process,
 * next to `cut -b1-105` on the same file in the same run, and the in-process parse throughput.
 *
 * Run: `npx tsx build-resources/bench/inspect.ts`. Generates bench-data/mdaemon-100k/ once
 * (gitignored). Reports against the goals and never fails because a goal is missed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { makeUserlist, type UserlistFields } from '../../electron/core/mdaemon/testing/make-userlist';
import { parseUserlist } from '../../electron/core/mdaemon/userlist';

const ROOT = path.resolve(__dirname, '../..');
const DIR = path.join(ROOT, 'bench-data', 'mdaemon-100k');
const USERLIST = path.join(DIR, 'USERLIST.DAT');
const ACCOUNTS = 100_000;
const RUNS = 5;
const PARSE_RUNS = 9;

const FIRST = [
  'Frank',
  'Anna',
  'Zoë',
  'Jürgen',
  'Olaf',
  'Inés',
  'Björn',
  'François',
  'Marta',
  'Liam',
  'Noémi',
  'Søren',
];
const LAST = [
  'Müller',
  'Schmidt',
  'Lefèvre',
  'Groß',
  'Øresund',
  'Peña',
  'Åkesson',
  'Théron',
  'Sørensen',
  "O'Connor",
  'Kovács',
  'Weber',
];
const DOMAINS = ['company.test', 'branch.company.test', 'partner.example', 'sales.company.test', 'eu.company.test'];

function generate(): void {
  if (fs.existsSync(USERLIST)) return;
  fs.mkdirSync(DIR, { recursive: true });
  const accounts: UserlistFields[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length] as string;
    accounts.push({
      domain: DOMAINS[Math.floor(i / 20_000)] as string,
      mailbox: `user${i}.${i % 7 === 0 ? 'x' : 'y'}`,
      fullName: `${first} ${last} ${i}`,
      accessType: i % 50 === 0 ? 'C' : 'Y',
      password: 'bench-fake-pass',
    });
  }
  fs.writeFileSync(USERLIST, makeUserlist(accounts, 'cp1252'));
  const groups: string[] = [];
  for (let g = 0; g < 50; g++) {
    groups.push(`[Group ${g}]`, `Description=Bench group ${g}`);
    for (let m = g; m < ACCOUNTS; m += 997) groups.push(`Member=${accounts[m]?.mailbox}@${accounts[m]?.domain}`);
  }
  fs.writeFileSync(path.join(DIR, 'Groups.dat'), iconv.encode(groups.join('\r\n'), 'cp1252'));
  const aliases: string[] = [];
  for (let i = 0; i < ACCOUNTS; i += 100)
    aliases.push(`alias${i}@${accounts[i]?.domain} = ${accounts[i]?.mailbox}@${accounts[i]?.domain}`);
  fs.writeFileSync(path.join(DIR, 'Alias.dat'), aliases.join('\r\n'));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Wall time of a whole process with stdout to /dev/null, median of RUNS; null if it failed. */
function timeProcess(cmd: string, args: string[]): number | null {
  const devNull = fs.openSync('/dev/null', 'w');
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { stdio: ['ignore', devNull, 'pipe'], cwd: ROOT });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (r.status !== 0) {
        console.log(
          `  ${cmd} ${args.join(' ')} failed (status ${r.status}): ${String(r.stderr).trim().split('\n')[0] ?? ''}`,
        );
        return null;
      }
      times.push(ms);
    }
  } finally {
    fs.closeSync(devNull);
  }
  return median(times);
}

/**
 * The CLI to time: dist/cli.cjs when built; otherwise the same esbuild bundle of
 * electron/cli/main.ts built into bench-data/ (what `npm run build` ships); tsx as a last resort.
 */
async function cliCommand(inspectArgs: string[]): Promise<{ label: string; cmd: string; args: string[] }> {
  const dist = path.join(ROOT, 'dist', 'cli.cjs');
  if (fs.existsSync(dist)) return { label: 'node dist/cli.cjs', cmd: process.execPath, args: [dist, ...inspectArgs] };
  const main = path.join(ROOT, 'electron/cli/main.ts');
  const bundle = path.join(ROOT, 'bench-data', 'cli-bench.cjs');
  try {
    const esbuild = await import('esbuild');
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [main],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      logLevel: 'error',
      define: { __MDSYNC_VERSION__: JSON.stringify(pkg.version) },
    });
    return {
      label: 'node bench-data/cli-bench.cjs (no dist/cli.cjs; electron/cli/main.ts bundled like build.mjs does)',
      cmd: process.execPath,
      args: [bundle, ...inspectArgs],
    };
  } catch (err) {
    console.log(
      `  could not bundle the CLI (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); falling back to tsx`,
    );
    return {
      label: 'npx tsx electron/cli/main.ts (no dist/cli.cjs; includes tsx start-up)',
      cmd: path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      args: [main, ...inspectArgs],
    };
  }
}

async function main(): Promise<void> {
  generate();
  const size = fs.statSync(USERLIST).size;
  console.log(`data: ${path.relative(ROOT, USERLIST)}, ${ACCOUNTS} accounts, ${(size / 1e6).toFixed(1)} MB`);
  const load = os.loadavg()[0] ?? 0;
  console.log(
    `machine: ${os.cpus().length} CPUs, load average ${load.toFixed(1)}${load > os.cpus().length ? ' (busy: wall times are inflated)' : ''}`,
  );

  const cli = await cliCommand(['inspect', '--app-dir', DIR, '--code-page', 'cp1252', '--json']);
  console.log(`cli: ${cli.label}`);
  timeProcess(cli.cmd, cli.args); // warm the file cache
  const cut = timeProcess('cut', ['-b1-105', USERLIST]);
  const inspect = timeProcess(cli.cmd, cli.args);
  if (inspect !== null && cut !== null) {
    const ratio = inspect / cut;
    console.log(
      `inspect 100k: ${inspect.toFixed(0)} ms (cut: ${cut.toFixed(0)} ms, ratio ${ratio.toFixed(1)}x, goal <= 5x)${ratio <= 5 ? '' : '  MISSED'}`,
    );
    // The floor of any Node process on this machine, for reading the ratio.
    const node = timeProcess(process.execPath, ['-e', '0']);
    if (node !== null)
      console.log(`  floor: an empty node process takes ${node.toFixed(0)} ms (${(node / cut).toFixed(1)}x cut)`);
  }

  const data = fs.readFileSync(USERLIST);
  for (let i = 0; i < 2; i++) parseUserlist(data, 'cp1252');
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < PARSE_RUNS; i++) {
    const cpu = process.cpuUsage();
    const t = process.hrtime.bigint();
    const r = parseUserlist(data, 'cp1252');
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    const used = process.cpuUsage(cpu);
    cpuTimes.push(used.user / 1000);
    if (r.accounts.length !== ACCOUNTS)
      console.log(`  unexpected: ${r.accounts.length} accounts, ${r.warnings.length} warnings`);
  }
  const ms = median(times);
  const mbs = size / 1e6 / (ms / 1000);
  const best = size / 1e6 / (Math.min(...times) / 1000);
  console.log(
    `parse: ${mbs.toFixed(0)} MB/s (median of ${PARSE_RUNS}, ${ms.toFixed(0)} ms; best ${best.toFixed(0)} MB/s; goal >= 150)${mbs >= 150 ? '' : '  MISSED'}`,
  );
  const cpuMbs = size / 1e6 / (median(cpuTimes) / 1000);
  console.log(
    `parse, by user CPU time: ${cpuMbs.toFixed(0)} MB/s (median; includes GC threads, excludes waiting for a CPU)`,
  );
}

void main();

/**
 * Benchmark: logon latency of `mdsync imap-check` against curl's IMAP login, same server, same run.
 *
 * Starts a private Dovecot on 127.0.0.1, then for each mode (none, starttls, ssl) measures the
 * median of whole `mdsync imap-check` processes (dist/cli.cjs when built, else tsx on the
 * sources), of curl logging on to the same port, and of checkImapLogin in this process. It
 * reports against the goal (at most 2x curl); it does not fail on a missed goal.
 * Passwords go through standard input (mdsync) and a temporary netrc file (curl), never argv.
 *
 * Run: npx tsx build-resources/bench/imap.ts [runs]   (MDSYNC_BENCH_CLI=path/to/cli.cjs to time another build)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ImapSettings, type ImapSecurity } from '../../shared/settings';
import { startDovecot, type DovecotServer } from '../../electron/testing/servers/dovecot';
import { checkImapLogin } from '../../electron/core/imap/imap-check';

const ROOT = resolve(__dirname, '..', '..');
const USER = 'frank@bench.test';
const PASSWORD = 'bench-Pa55word';
const GOAL = 2;

interface Timed {
  ms: number;
  code: number | null;
  stderr: string;
}

function timeProcess(cmd: string, args: string[], stdin: string | null): Promise<Timed> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ ms: performance.now() - started, code, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function repeat(runs: number, once: () => Promise<number>): Promise<number> {
  await once(); // warm-up: file caches, Dovecot's first auth process
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return median(times);
}

function portOf(server: DovecotServer, security: ImapSecurity): number {
  return security === 'ssl' ? server.imapsPort : server.imapPort;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 7) || 7;
  const built = process.env.MDSYNC_BENCH_CLI ?? join(ROOT, 'dist', 'cli.cjs');
  const cli = existsSync(built)
    ? { cmd: process.execPath, args: [built], label: `node ${built}` }
    : {
        cmd: join(ROOT, 'node_modules', '.bin', 'tsx'),
        args: [join(ROOT, 'electron', 'cli', 'main.ts')],
        label: 'tsx electron/cli/main.ts (dist/cli.cjs not built)',
      };
  const work = await mkdtemp(join(tmpdir(), 'mdsync-bench-'));
  const netrc = join(work, 'netrc');
  await writeFile(netrc, `machine 127.0.0.1 login ${USER} password ${PASSWORD}\n`, { mode: 0o600 });
  const server = await startDovecot({ users: [{ email: USER, password: PASSWORD }] });
  process.stdout.write(`IMAP logon latency, median of ${runs} runs; mdsync runs as: ${cli.label}\n`);
  try {
    for (const security of ['none', 'starttls', 'ssl'] as const) {
      const port = portOf(server, security);
      const curlArgs = [
        '-s',
        '--netrc-file',
        netrc,
        ...(security === 'ssl' ? [`imaps://127.0.0.1:${port}/`, '-k'] : [`imap://127.0.0.1:${port}/`]),
        ...(security === 'starttls' ? ['--ssl-reqd', '-k'] : []),
      ];
      const mdsyncArgs = [
        ...cli.args,
        'imap-check',
        '--user',
        USER,
        '--password-stdin',
        '--json',
        '--data-dir',
        work,
        '--imap-host',
        '127.0.0.1',
        '--imap-port',
        String(port),
        '--imap-security',
        security,
        ...(security === 'none' ? [] : ['--fingerprint', server.fingerprint256]),
      ];
      const settings = ImapSettings.parse({
        host: '127.0.0.1',
        port,
        security,
        pinnedFingerprint256: security === 'none' ? null : server.fingerprint256,
      });

      const curl = await repeat(runs, async () => {
        const r = await timeProcess('curl', curlArgs, null);
        if (r.code !== 0) throw new Error(`curl ${security} failed with exit ${r.code}`);
        return r.ms;
      });
      const whole = await repeat(runs, async () => {
        const r = await timeProcess(cli.cmd, mdsyncArgs, `${PASSWORD}\n`);
        if (r.code !== 0)
          throw new Error(`mdsync imap-check ${security} failed (exit ${r.code}): ${r.stderr.trim().split('\n')[0]}`);
        return r.ms;
      });
      const inProcess = await repeat(runs, async () => {
        const started = performance.now();
        const r = await checkImapLogin(settings, USER, PASSWORD);
        if (!r.ok) throw new Error(`checkImapLogin ${security} failed: ${r.error?.message}`);
        return performance.now() - started;
      });
      const ratio = (x: number) => `${(x / curl).toFixed(1)}x`;
      process.stdout.write(
        `imap-check ${security}: ${Math.round(whole)} ms (curl ${Math.round(curl)} ms, ratio ${ratio(whole)}, goal <= ${GOAL}x${whole / curl <= GOAL ? ', met' : ', missed'})\n` +
          `  checkImapLogin in-process ${security}: ${Math.round(inProcess)} ms (ratio ${ratio(inProcess)} to curl)\n`,
      );
    }
    // The floor of any Node process on this machine, for reading the ratios above.
    const node = await repeat(runs, () => {
      const started = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      return Promise.resolve(performance.now() - started);
    });
    process.stdout.write(`floor: an empty node process takes ${Math.round(node)} ms\n`);
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});

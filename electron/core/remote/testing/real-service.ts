/**
 * The real `mdsync server` as a child process for tests: started the way an administrator starts
 * it (`mdsync server --listen 127.0.0.1:PORT --data-dir D`), read from the one line it prints, and
 * stopped by its PID. From the sources (vitest) or the built dist/cli.cjs (Playwright).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const SOURCE_CLI = path.join(ROOT, 'electron/cli/main.ts');
const DIST_CLI = path.join(ROOT, 'dist/cli.cjs');
const READY = /mdsync server: listening on https:\/\/(\S+?)\/ \(certificate SHA-256 ([0-9A-Fa-f:]+)\)/;

/** Which CLI runs: the sources through tsx, or the build. */
export type CliFlavour = 'source' | 'dist';

function cliArgs(flavour: CliFlavour): string[] {
  return flavour === 'source' ? ['--import', 'tsx', SOURCE_CLI] : [DIST_CLI];
}

/** Why the real service cannot be started from this tree, or null when it can. */
export function realServiceMissing(flavour: CliFlavour): string | null {
  if (flavour === 'dist' && !fs.existsSync(DIST_CLI)) return 'dist/cli.cjs is not built: run `npm run build`';
  const help = spawnSync(process.execPath, [...cliArgs(flavour), '--help'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const text = `${help.stdout ?? ''}${help.stderr ?? ''}`;
  return /mdsync server\b/.test(text)
    ? null
    : 'this tree has no `mdsync server` command (the service branch is not merged)';
}

/** Sets the built-in admin's password in a data directory (through standard input). */
export function setAdminPassword(flavour: CliFlavour, dataDir: string, password: string): void {
  const r = spawnSync(
    process.execPath,
    [...cliArgs(flavour), 'users', 'passwd', 'admin', '--password-stdin', '--data-dir', dataDir],
    { cwd: ROOT, input: `${password}\n`, encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`mdsync users passwd failed: ${(r.stderr ?? '').trim()}`);
}

/** A running service. */
export interface RealService {
  readonly port: number;
  /** `127.0.0.1:PORT`, as the Server field names it. */
  readonly address: string;
  readonly fingerprint256: string;
  output(): string;
  /** SIGTERM (then SIGKILL after a grace period), or SIGKILL at once: a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** Starts the service on 127.0.0.1 (port 0: a free one). */
export async function startRealService(
  flavour: CliFlavour,
  dataDir: string,
  port = 0,
  timeoutMs = 60_000,
): Promise<RealService> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...cliArgs(flavour), 'server', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const collect = (c: Buffer) => (out += c.toString('utf8'));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`mdsync server printed no ready line:\n${out}`)), timeoutMs);
    const onData = () => {
      const m = READY.exec(out);
      if (m) finish(null, m);
    };
    const onExit = (code: number | null) => finish(new Error(`mdsync server exited (${code}):\n${out}`));
    function finish(err: Error | null, m?: RegExpExecArray) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else resolve(m!);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
  const address = ready[1]!;
  const actualPort = Number(address.slice(address.lastIndexOf(':') + 1));
  return {
    port: actualPort,
    address: `127.0.0.1:${actualPort}`,
    fingerprint256: ready[2]!.toUpperCase(),
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill(signal);
      }),
  };
}

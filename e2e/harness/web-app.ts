/**
 * Browser mode as a test fixture: starts the built `dist/web.cjs` (it builds nothing) with a temp
 * data directory on a free port, reads the one URL line it prints, and stops it by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../electron/testing/servers/free-port';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '../..');
const WEB_BUNDLE = path.join(ROOT, 'dist/web.cjs');
const URL_LINE = /^(http:\/\/127\.0\.0\.1:\d+)\/\?token=\S+$/;

/** A running browser-mode server. */
export interface WebApp {
  /** The URL it printed, with its access token. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`, the tests' baseURL. */
  readonly origin: string;
  readonly dataDir: string;
  /** What it wrote so far, for failure messages. */
  output(): string;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and removes the temp data directory. */
  stop(): Promise<void>;
}

function waitForUrl(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => done(new Error(`browser mode printed no URL within ${timeoutMs} ms:\n${output()}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n')) {
        if (URL_LINE.test(line.trim())) return done(null, line.trim());
      }
    };
    const onExit = (code: number | null) =>
      done(new Error(`browser mode exited (code ${code}) before printing its URL:\n${output()}`));
    function done(err: Error | null, url?: string) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(url!);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts browser mode; retries on another port if it loses the race for the free one. */
export async function startWebApp(opts: { dataDir?: string } = {}): Promise<WebApp> {
  if (!existsSync(WEB_BUNDLE)) throw new Error(`${WEB_BUNDLE} is missing: run \`npm run build\` first`);
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'mdsync-e2e-')));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(process.execPath, [WEB_BUNDLE, '--data-dir', dataDir, '--port', String(port)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'test' },
    });
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (log += c.toString('utf8')));
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    try {
      const url = await waitForUrl(child, () => log, 20_000);
      return {
        url,
        origin: URL_LINE.exec(url)![1]!,
        dataDir,
        output: () => log,
        async stop() {
          process.off('exit', killOnExit);
          await stopChild(child);
          if (ownDir) await rm(dataDir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      lastError = err;
      process.off('exit', killOnExit);
      await stopChild(child);
      if (!/EADDRINUSE/.test(log)) break;
    }
  }
  if (ownDir) await rm(dataDir, { recursive: true, force: true });
  throw lastError;
}

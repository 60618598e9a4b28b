/**
 * The real network service as a test fixture: the built `dist/cli.cjs server` on 127.0.0.1 and a
 * free port, with a temp data directory, plus small HTTPS/WSS clients that trust its certificate
 * by the fingerprint it printed (never by switching checks off for everyone).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import WebSocket from 'ws';
import { freePort } from '../../testing/servers/free-port';

export { freePort };

/** The repository root. */
export const ROOT = path.resolve(__dirname, '../../..');
/** The built command line. */
export const CLI = path.join(ROOT, 'dist/cli.cjs');
const READY =
  /^mdsync server: listening on (https:\/\/127\.0\.0\.1:(\d+)\/) \(certificate SHA-256 ([0-9A-F:]{95})\)(?:, reached at .*)?$/m;

/** A running service. */
export interface ServiceProcess {
  readonly url: string;
  readonly port: number;
  readonly origin: string;
  /** The fingerprint it printed. */
  readonly fingerprint: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `mdsync ARGS` to completion with a password on stdin (set-up of users). */
export function cli(args: string[], stdin = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: stdin,
    encoding: 'utf8',
    timeout: 240_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temp data directory with the admin's password set and a plain user `bob` (Log on only). */
export function prepareDataDir(adminPassword: string, bobPassword: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-service-'));
  const a = cli(['users', 'passwd', 'admin', '--password-stdin', '--data-dir', dir], `${adminPassword}\n`);
  if (a.status !== 0) throw new Error(`users passwd failed: ${a.stderr}`);
  const b = cli(
    ['users', 'add', 'bob', '--auth', 'integrated', '--privilege', 'login', '--password-stdin', '--data-dir', dir],
    `${bobPassword}\n`,
  );
  if (b.status !== 0) throw new Error(`users add failed: ${b.stderr}`);
  return dir;
}

/** Starts `mdsync server` and waits for its ready line. */
export async function startService(dataDir: string, extra: string[] = []): Promise<ServiceProcess> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [CLI, 'server', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 30 s:\n${out}`)), 30_000);
    const poll = setInterval(() => {
      const m = READY.exec(out);
      if (m) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(m);
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`the service exited (${code}) before it was ready:\n${out}`));
    });
  });
  return {
    url: match[1]!,
    port: Number(match[2]),
    origin: `https://127.0.0.1:${match[2]}`,
    fingerprint: match[3]!,
    dataDir,
    child,
    output: () => out,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
      return exited.finally(() => clearTimeout(kill));
    },
  };
}

/**
 * TLS options that trust the service's self-signed certificate as the one authority (full chain
 * and host name checks), and then only the certificate with the printed fingerprint.
 */
export function pinned(
  service: Pick<ServiceProcess, 'dataDir' | 'fingerprint'>,
): https.RequestOptions & tls.ConnectionOptions {
  return {
    ca: fs.readFileSync(path.join(service.dataDir, 'tls', 'server.crt')),
    // The tests always dial 127.0.0.1, whatever Host header they send.
    checkServerIdentity: (_host, cert) =>
      tls.checkServerIdentity('127.0.0.1', cert) ??
      (cert.fingerprint256 === service.fingerprint
        ? undefined
        : new Error(`unexpected certificate ${cert.fingerprint256}`)),
  };
}

/** One HTTPS request on its own connection; resolves with status, headers and body text. */
export function request(
  service: ServiceProcess,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: service.port,
        method: opts.method ?? 'GET',
        path: opts.path ?? '/',
        headers: opts.headers,
        agent: false,
        ...pinned(service),
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** `POST /api/call` from the service's own page. */
export function callHttp(service: ServiceProcess, channel: string, input: unknown, cookie?: string) {
  return request(service, {
    method: 'POST',
    path: '/api/call',
    headers: {
      'content-type': 'application/json',
      origin: service.origin,
      ...(cookie ? { cookie } : {}),
    },
    body: JSON.stringify({ id: 1, channel, input }),
  });
}

/** Logs on over HTTP; resolves with the `name=value` cookie, or throws with the answer. */
export async function logOn(service: ServiceProcess, userName: string, password: string): Promise<string> {
  const res = await callHttp(service, 'auth:logon', { userName, password });
  const setCookie = res.headers['set-cookie']?.[0];
  if (!setCookie) throw new Error(`no session: ${res.status} ${res.body}`);
  return setCookie.split(';')[0]!;
}

/** A WebSocket client of the bridge: calls by id, collects pushed events. */
export interface BridgeClient {
  readonly ws: WebSocket;
  readonly events: { event: string; payload: unknown }[];
  call(channel: string, input?: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
  closed(): Promise<number>;
}

/** Opens the bridge as the service's page would (Origin), with a cookie or a bearer. */
export function openBridge(
  service: ServiceProcess,
  auth: { cookie?: string; bearer?: string; origin?: string | null } = {},
): Promise<BridgeClient> {
  const headers: Record<string, string> = {};
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  const origin = auth.origin === null ? undefined : (auth.origin ?? service.origin);
  const ws = new WebSocket(`wss://127.0.0.1:${service.port}/api`, {
    headers,
    origin,
    ...pinned(service),
  });
  const events: { event: string; payload: unknown }[] = [];
  const waiting = new Map<number, (r: never) => void>();
  let next = 1;
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString('utf8')) as {
      id?: number;
      result?: unknown;
      event?: string;
      payload?: unknown;
    };
    if (typeof msg.id === 'number') waiting.get(msg.id)?.(msg.result as never);
    else if (msg.event) events.push({ event: msg.event, payload: msg.payload });
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        ws,
        events,
        closed: () => closed,
        call: (channel, input = {}) =>
          new Promise((done) => {
            const id = next++;
            waiting.set(id, done);
            ws.send(JSON.stringify({ id, channel, input }));
          }),
      }),
    );
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

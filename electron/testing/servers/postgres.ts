/**
 * A private PostgreSQL server on 127.0.0.1 for the tests and the benchmark: Debian's
 * `postgresql` package, `initdb` and `postgres` run as an unprivileged user in a temp directory,
 * on a free port, with password (SCRAM) authentication only.
 *
 * PostgreSQL refuses to run as root, so under root the server runs as the `postgres` account
 * (or `nobody`) and the temp directory is handed to it. initdb runs once into a cached template
 * (the password reaches it through a 0600 file, never a command line); each server copies it. The
 * server can be stopped and started again on the same port and data (a database that goes away mid-run).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selfSignedCertificate } from './self-signed';
import { freePort } from './free-port';

/** Where Debian puts PostgreSQL's binaries (the newest major version installed). */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

/** Why the fixture cannot run here, or null when it can (for skip messages). */
export function postgresUnavailable(): string | null {
  return postgresBinDir() ? null : 'PostgreSQL is not installed (apt-get install postgresql)';
}

/** Options of {@link startPostgres}. */
export interface PostgresOptions {
  /** Keep fsync and synchronous commit on (benchmarks); tests turn them off for speed. */
  readonly durable?: boolean;
  /** Also accept TLS (a fresh self-signed certificate). */
  readonly tls?: boolean;
}

/** A running private PostgreSQL. */
export interface PostgresServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The private directory (data, socket, log). */
  readonly dir: string;
  /** A URL of database `db` with the user and no password. */
  url(db?: string): string;
  /** Creates an empty database and returns its URL (no password). */
  createDatabase(name?: string): Promise<string>;
  /** The server's log so far. */
  log(): string;
  /** Stops the server (fast shutdown) but keeps its data; `start()` brings it back on the same port. */
  halt(): Promise<void>;
  /** Starts a halted server again. */
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

const SUPERUSER = 'mdsync_test';

function runAs(): { uid: number; gid: number } | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { stdio: 'pipe' }).toString().trim());
      const gid = Number(execFileSync('id', ['-g', name], { stdio: 'pipe' }).toString().trim());
      return { uid, gid };
    } catch {
      // no such account: try the next
    }
  }
  throw new Error('running as root and there is neither a postgres nor a nobody account to run PostgreSQL as');
}

function chownTree(dir: string, owner: { uid: number; gid: number } | null): void {
  if (!owner) return;
  fs.chownSync(dir, owner.uid, owner.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, owner);
    else fs.chownSync(p, owner.uid, owner.gid);
  }
}

/**
 * Makes a fresh cluster in `data` and returns its superuser's password. initdb runs once per
 * machine into a template beside the temp directories (it costs seconds); every server copies it.
 */
function initCluster(bin: string, data: string, owner: { uid: number; gid: number } | null): string {
  const version = path.basename(path.dirname(bin));
  const template = path.join(os.tmpdir(), `mdsync-pg-template-${version}-${process.getuid?.() ?? 0}`);
  const pwOf = () => fs.readFileSync(path.join(template, 'superuser-password'), 'utf8');
  if (!fs.existsSync(path.join(template, 'data', 'PG_VERSION'))) {
    const building = fs.mkdtempSync(`${template}.building-`);
    fs.chmodSync(building, 0o700);
    const password = `pw-${crypto.randomBytes(9).toString('base64url')} "x"`;
    const pwfile = path.join(building, 'superuser-password');
    fs.writeFileSync(pwfile, password, { mode: 0o600 });
    chownTree(building, owner);
    execFileSync(
      path.join(bin, 'initdb'),
      [
        '-D',
        path.join(building, 'data'),
        '-U',
        SUPERUSER,
        '--auth=scram-sha-256',
        `--pwfile=${pwfile}`,
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ],
      { ...(owner ?? {}), env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' }, stdio: 'pipe' },
    );
    try {
      fs.renameSync(building, template);
    } catch {
      fs.rmSync(building, { recursive: true, force: true }); // another worker was first
    }
  }
  fs.cpSync(path.join(template, 'data'), data, { recursive: true });
  fs.chmodSync(data, 0o700);
  return pwOf();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a private PostgreSQL; `stop()` it in the test's teardown. */
export async function startPostgres(opts: PostgresOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const owner = runAs();
  const spawnOpts = { ...(owner ?? {}), env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' } };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-pg-'));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  fs.mkdirSync(sock);
  const password = initCluster(bin, data, owner);
  let certArgs: string[] = [];
  if (opts.tls) {
    const { cert, key } = selfSignedCertificate(dir, { cert: 'server.crt', key: 'server.key' });
    chownTree(dir, owner);
    certArgs = ['-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`];
  }
  const logFile = path.join(dir, 'postgres.log');
  fs.writeFileSync(logFile, '');
  chownTree(dir, owner);
  let port = 0;
  let child: ChildProcess | null = null;

  /** Starts `postgres` on `on`; false when the port was taken meanwhile. */
  const launchOn = async (on: number): Promise<boolean> => {
    const before = fs.statSync(logFile).size;
    const out = fs.openSync(logFile, 'a');
    const args = [
      ...['-D', data, '-h', '127.0.0.1', '-p', String(on), '-k', sock],
      ...['-c', 'max_connections=60', '-c', 'shared_buffers=128MB'],
      ...(opts.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      ...certArgs,
    ];
    const proc = spawn(path.join(bin, 'postgres'), args, { ...spawnOpts, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const since = () => fs.readFileSync(logFile, 'utf8').slice(before);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (since().includes('ready to accept connections')) {
        child = proc;
        port = on;
        return true;
      }
      if (proc.exitCode !== null || proc.signalCode !== null) break;
      await sleep(25);
    }
    proc.kill('SIGKILL');
    if (since().includes('could not bind')) return false;
    throw new Error(`PostgreSQL did not start; its log:\n${since().slice(-2000)}`);
  };

  const halt = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGINT'); // fast shutdown: clients are disconnected
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  let started = false;
  for (let attempt = 0; attempt < 5 && !started; attempt++) started = await launchOn(await freePort());
  if (!started) throw new Error('PostgreSQL found no free port');
  const psql = path.join(bin, 'psql');
  let counter = 0;
  const server: PostgresServer = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    user: SUPERUSER,
    password,
    dir,
    url: (db = 'postgres') => `postgres://${SUPERUSER}@127.0.0.1:${port}/${db}`,
    async createDatabase(name) {
      const db = name ?? `t${process.pid}_${Date.now().toString(36)}_${++counter}`;
      execFileSync(
        psql,
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          SUPERUSER,
          '-d',
          'postgres',
          '-v',
          'ON_ERROR_STOP=1',
          '-qc',
          `CREATE DATABASE "${db}"`,
        ],
        {
          env: { ...process.env, PGPASSWORD: password },
          stdio: 'pipe',
        },
      );
      return Promise.resolve(server.url(db));
    },
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    halt,
    async start() {
      if (child) return;
      if (!(await launchOn(port))) throw new Error(`port ${port} was taken while PostgreSQL was down`);
    },
    async stop() {
      await halt();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * A private HAProxy (Debian's `/usr/sbin/haproxy`) on 127.0.0.1 in front of test services, with
 * the documented configuration of build-resources/service/haproxy.cfg: its frontend's address
 * and its servers replaced by a free port on 127.0.0.1 and the services' ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

/** The Debian binary. */
export const HAPROXY = '/usr/sbin/haproxy';
const CONFIG = path.resolve(__dirname, '../../../build-resources/service/haproxy.cfg');

/** Why HAProxy cannot run here, or null. */
export function haproxyUnavailable(): string | null {
  return fs.existsSync(HAPROXY) ? null : `${HAPROXY} is not installed (apt-get install haproxy)`;
}

/** A running HAProxy. */
export interface HaproxyServer {
  readonly port: number;
  output(): string;
  /** How many of its servers the balancer's health checks have marked UP (from its stats socket). */
  serversUp(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The documented configuration for these servers: the frontend on 127.0.0.1:`port`, the health
 * checks naming `host`, faster checks for tests (`inter`), no logging to stdout.
 */
export function haproxyConfig(port: number, servers: readonly number[], host: string, inter = '300ms'): string {
  const text = fs.readFileSync(CONFIG, 'utf8');
  const lines = text
    .split('\n')
    .filter((l) => !/^\s*server /.test(l) && !/^\s*log stdout/.test(l) && !/^\s*(log global|option tcplog)/.test(l));
  const out = lines
    .join('\n')
    .replace(/bind \S+/, `bind 127.0.0.1:${port}`)
    .replace(/hdr Host \S+/, `hdr Host ${host}`)
    .replace(/inter \S+/, `inter ${inter}`);
  const backends = servers.map((p, i) => `    server mdsync${i + 1} 127.0.0.1:${p}`).join('\n');
  return `${out.trimEnd()}\n${backends}\n`;
}

/** Starts HAProxy on `port` (default a free one) in front of the services listening on `servers` (ports on 127.0.0.1). */
export async function startHaproxy(servers: readonly number[], port?: number): Promise<HaproxyServer> {
  port ??= await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-haproxy-'));
  const file = path.join(dir, 'haproxy.cfg');
  const socket = path.join(dir, 'admin.sock');
  // The test's own addition: a stats socket, so a test can wait until the checks see its servers UP.
  const config = haproxyConfig(port, servers, `127.0.0.1:${port}`).replace(
    /^global\n/m,
    `global\n    stats socket ${socket} mode 600 level user\n`,
  );
  fs.writeFileSync(file, config);
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited:\n${out}`);
    if (await listening(port)) break;
    if (Date.now() > deadline) throw new Error(`haproxy did not listen within 10 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    output: () => out,
    serversUp: () => serversUp(socket),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** Counts the backend servers `show stat` reports as UP. */
function serversUp(socket: string): Promise<number> {
  return new Promise((resolve) => {
    let text = '';
    const s = net.connect(socket, () => s.write('show stat\n'));
    s.on('data', (c: Buffer) => (text += c.toString('utf8')));
    s.on('error', () => resolve(0));
    s.on('close', () => {
      const header = text.split('\n', 1)[0]?.replace(/^# /, '').split(',') ?? [];
      const name = header.indexOf('svname');
      const status = header.indexOf('status');
      const up = text
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .filter((f) => /^mdsync\d+$/.test(f[name] ?? '') && (f[status] ?? '').startsWith('UP'));
      resolve(up.length);
    });
  });
}

/**
 * The network service's bounds and small guards, on the real built service: first start needs
 * the console's one-time code, nothing about the machine before logon, app:log off the network,
 * Mozilla intermediate TLS only, idle connections and anonymous sockets closed, an overall
 * connection limit, per-socket call limits, the data directory made 0700, a warning for a
 * readable data directory, and a share password from the environment gone from /proc/PID/environ.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callHttp,
  logOn,
  openBridge,
  pinned,
  prepareDataDir,
  startService,
  type ServiceProcess,
} from './testing/service-process';
import { itIfAvailable, linuxMissing } from '../testing/servers/suite-needs';

const ADMIN_PW = 'Keeper-Pass-1 hardening';
const BOB_PW = 'Bob-Pass-1 hardening';
const MAX_CONNECTIONS = 12;

/** Opens a TLS connection; resolves with how it ended: refused, or closed by the server after `ms`. */
function handshake(service: ServiceProcess, extra: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: service.port, ...pinned(service), ...extra }, () =>
      resolve(socket),
    );
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed during the handshake')));
  });
}

function closedWithin(socket: tls.TLSSocket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe('a fresh service (first start)', () => {
  let service: ServiceProcess;
  let root: string;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-hardening-'));
    service = await startService(path.join(root, 'new', 'data'), [
      '--max-connections',
      String(MAX_CONNECTIONS),
      '--connection-idle',
      '2s',
    ]);
  }, 120_000);
  afterAll(async () => {
    expect(await service?.stop('SIGTERM')).toBe(0);
    fs.rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('creates its data directory owner-only (0700)', () => {
    expect(fs.statSync(service.dataDir).mode & 0o777).toBe(0o700);
  });

  it('tells an anonymous caller nothing about the machine', async () => {
    const bridge = await openBridge(service);
    const info = await bridge.call('app:info');
    expect(info).toMatchObject({
      ok: true,
      value: { dataDir: '', platform: '', version: '', needsAdminPassword: true },
    });
    expect(JSON.stringify(info)).not.toContain(service.dataDir);
    bridge.ws.close();
  });

  it('sets the first admin password only with the one-time code printed on the console, which the log never has', async () => {
    // The code's line follows the ready line: wait for it.
    const codeLine = /the one-time code ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})/;
    for (let i = 0; i < 100 && !codeLine.test(service.output()); i++) await new Promise((r) => setTimeout(r, 50));
    const m = codeLine.exec(service.output());
    expect(m, service.output()).not.toBeNull();
    const code = m![1]!;
    const without = await callHttp(service, 'auth:setup-admin', { password: ADMIN_PW });
    expect(JSON.parse(without.body)).toMatchObject({ result: { ok: false, error: { code: 'setupCode' } } });
    expect(without.headers['set-cookie']).toBeUndefined();
    const wrong = await callHttp(service, 'auth:setup-admin', { password: ADMIN_PW, setupCode: 'AAAA-BBBB-CCCC' });
    expect(JSON.parse(wrong.body)).toMatchObject({ result: { ok: false, error: { code: 'setupCode' } } });
    const right = await callHttp(service, 'auth:setup-admin', { password: ADMIN_PW, setupCode: code.toLowerCase() });
    expect(JSON.parse(right.body)).toMatchObject({ result: { ok: true, value: { userName: 'admin' } } });
    const again = await callHttp(service, 'auth:setup-admin', { password: 'other', setupCode: code });
    expect(JSON.parse(again.body)).toMatchObject({ result: { ok: false } });
    expect(fs.readFileSync(path.join(service.dataDir, 'mdsync.log'), 'utf8')).not.toContain(code);

    // The administrator gets the data directory; app:log is not carried over the network.
    const admin = await openBridge(service, { cookie: await logOn(service, 'admin', ADMIN_PW) });
    expect(await admin.call('app:info')).toMatchObject({ ok: true, value: { dataDir: service.dataDir } });
    expect(await admin.call('app:log', { level: 'error', message: 'forged' })).toMatchObject({
      ok: false,
      error: { code: 'notCarried' },
    });
    // A logged-on socket outlives the idle time of anonymous ones.
    await new Promise((r) => setTimeout(r, 3500));
    expect(admin.ws.readyState).toBe(admin.ws.OPEN);
    admin.ws.close();
  }, 60_000);

  it('closes an anonymous socket that makes no call, and an idle TLS connection', async () => {
    const bridge = await openBridge(service);
    const idleTls = await handshake(service);
    const started = Date.now();
    expect(await bridge.closed()).toBe(1008);
    expect(await closedWithin(idleTls, 6000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(8000);
  }, 30_000);

  it('closes a socket whose session ended (log off) once it stays idle, like an anonymous one', async () => {
    const cookie = await logOn(service, 'admin', ADMIN_PW);
    const page = await openBridge(service, { cookie });
    // Past one idle time logged on: the socket stays.
    await new Promise((r) => setTimeout(r, 2500));
    expect(page.ws.readyState).toBe(page.ws.OPEN);
    await callHttp(service, 'auth:logoff', {}, cookie);
    const closed = await Promise.race([page.closed(), new Promise((r) => setTimeout(() => r('still open'), 6000))]);
    expect(closed).toBe(1008);
  }, 30_000);

  it('answers "busy" to an anonymous flood of calls on one socket', async () => {
    const bridge = await openBridge(service);
    const answers = await Promise.all(Array.from({ length: 60 }, () => bridge.call('app:info')));
    const busy = answers.filter((a) => !a.ok && a.error?.code === 'busy').length;
    expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(8);
    expect(busy).toBeGreaterThanOrEqual(30);
    bridge.ws.close();
  });

  it(`holds at most ${MAX_CONNECTIONS} connections at once`, async () => {
    const results = await Promise.allSettled(Array.from({ length: MAX_CONNECTIONS + 8 }, () => handshake(service)));
    const open = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    expect(open.length).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(open.length).toBeGreaterThanOrEqual(MAX_CONNECTIONS - 2);
    for (const s of open) s.destroy();
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.readFileSync(path.join(service.dataDir, 'mdsync.log'), 'utf8')).toMatch(
      new RegExp(`refused: ${MAX_CONNECTIONS} open`),
    );
    (await handshake(service)).destroy(); // and serves again once they are gone
  }, 30_000);

  it('speaks only forward-secret AEAD suites (Mozilla intermediate)', async () => {
    const tls12 = { maxVersion: 'TLSv1.2' as const };
    for (const suite of ['AES128-GCM-SHA256', 'AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA384']) {
      await expect(handshake(service, { ...tls12, ciphers: suite }), suite).rejects.toThrow();
    }
    await expect(handshake(service, { maxVersion: 'TLSv1.1', minVersion: 'TLSv1' })).rejects.toThrow();
    const good = await handshake(service, { ...tls12, ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
    expect(good.getCipher().name).toBe('ECDHE-RSA-AES128-GCM-SHA256');
    good.destroy();
    const modern = await handshake(service);
    expect(modern.getProtocol()).toBe('TLSv1.3');
    modern.destroy();
  });
});

describe('a service on an existing data directory', () => {
  let service: ServiceProcess;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = prepareDataDir(ADMIN_PW, BOB_PW);
    fs.chmodSync(dataDir, 0o755);
    process.env.MDSYNC_SHARE_PASSWORD = 'Share-Pass-1 from env';
    try {
      service = await startService(dataDir);
    } finally {
      delete process.env.MDSYNC_SHARE_PASSWORD;
    }
  }, 120_000);
  afterAll(async () => {
    expect(await service?.stop('SIGTERM')).toBe(0);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('warns that others can read the data directory', () => {
    const log = fs.readFileSync(path.join(dataDir, 'mdsync.log'), 'utf8');
    expect(log).toMatch(/can be read by other users of this machine \(mode 0755\)/);
    expect(log).not.toContain('Share-Pass-1');
    expect(service.output()).not.toMatch(/one-time code/);
  });

  itIfAvailable(
    'takes the share password out of its environment for good: /proc/PID/environ no longer holds it',
    linuxMissing(),
    () => {
      const environ = fs.readFileSync(`/proc/${service.child.pid}/environ`, 'latin1');
      expect(environ.split('\0').length).toBeGreaterThan(3);
      expect(environ).not.toContain('Share-Pass-1');
      expect(environ).not.toContain('MDSYNC_SHARE_PASSWORD=');
      expect(service.output()).not.toMatch(/MDSYNC_SHARE_PASSWORD/);
    },
  );

  it('closes an anonymous socket at its first large message, before parsing it; a logged-on one may send it', async () => {
    const large = { padding: 'x'.repeat(100_000) };
    const anonymous = await openBridge(service);
    anonymous.ws.send(JSON.stringify({ id: 1, channel: 'app:info', input: large }));
    const closed = await Promise.race([anonymous.closed(), new Promise((r) => setTimeout(() => r('open'), 5000))]);
    expect(closed).toBe(1009);
    const bob = await openBridge(service, { cookie: await logOn(service, 'bob', BOB_PW) });
    expect(await bob.call('app:info', large)).toMatchObject({ ok: false, error: { code: 'badInput' } });
    bob.ws.close();
    const log = fs.readFileSync(path.join(dataDir, 'mdsync.log'), 'utf8');
    expect(log).toMatch(/WebSocket from 127\.0\.0\.1 closed: a message of \d+ bytes before logon/);
  });

  it('tells a plain user nothing about the machine either', async () => {
    const bob = await openBridge(service, { cookie: await logOn(service, 'bob', BOB_PW) });
    const info = await bob.call('app:info');
    expect(info).toMatchObject({ ok: true, value: { dataDir: '', platform: '' } });
    // A logged-on user may see which version serves them (the About line).
    expect(info.ok && (info.value as { version: string }).version).toMatch(/^\d+\.\d+\.\d+/);
    bob.ws.close();
  });
});

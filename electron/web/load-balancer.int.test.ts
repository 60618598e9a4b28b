/**
 * Several servers behind one name: two real `mdsync server` processes on one private PostgreSQL
 * behind a real HAProxy (the documented configuration: TCP passthrough, PROXY v2, health checks
 * on /readyz), all on 127.0.0.1. Sessions are shared through the database: a session made through
 * the balancer works on either server, survives a server's kill -9 and its restart, follows a
 * demotion made on the other server within two seconds; a draining server turns unready first and
 * tells its pages to reconnect; a synchronization's progress reaches a page on the other server.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RECONNECT_CODE } from '../../shared/bridge-protocol';
import { haproxyUnavailable, startHaproxy, type HaproxyServer } from '../testing/servers/haproxy';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../testing/servers/postgres';
import { freePort } from '../testing/servers/free-port';
import { describeIfAvailable } from '../testing/servers/suite-needs';
import { parseScrape, valueOf } from '../core/testing/metrics-reader';
import {
  CLI,
  callHttp,
  cli,
  logOn,
  openBridge,
  pinned,
  prepareDataDir,
  request,
  startService,
  type ServiceProcess,
} from './testing/service-process';

const ADMIN_PW = 'Admin-Pass-1 balancer';
const BOB_PW = 'Bob-Pass-1 balancer';
const DORA_PW = 'Explorer-Key-1 balancer';
const ERIN_PW = 'Erin-Device-1 balancer';
const SAMPLE = path.resolve(__dirname, '../../build-resources/sample-app');
const missing =
  postgresUnavailable() ?? haproxyUnavailable() ?? (fs.existsSync(CLI) ? null : 'dist/cli.cjs is not built');

describeIfAvailable('two servers behind HAProxy on one PostgreSQL', missing, () => {
  let pg: PostgresServer;
  let proxy: HaproxyServer;
  let a: ServiceProcess;
  let b: ServiceProcess;
  let lb: ServiceProcess;
  let flags: string[];
  const dirs: string[] = [];

  /** The balancer as a service to the test clients (its certificate is both servers' one). */
  const through = (port: number): ServiceProcess => ({ ...a, port, origin: `https://127.0.0.1:${port}` });
  const ready = async (s: ServiceProcess) => (await request(s, { path: '/readyz' })).status;
  const sessionsOpen = async (s: ServiceProcess) =>
    valueOf(parseScrape((await request(s, { path: '/metrics' })).body), 'mdsync_sessions_open');
  /** B serves A's certificate (as servers behind one name do): the clients trust it from A's directory. */
  const startB = async () => {
    const tls = path.join(dirs[0]!, 'tls');
    const started = await startService(dirs[1]!, [
      ...flags,
      '--tls-cert',
      path.join(tls, 'server.crt'),
      '--tls-key',
      path.join(tls, 'server.key'),
    ]);
    return { ...started, dataDir: dirs[0]! };
  };
  /** A wrong logon of `userName` straight to A from another loopback address; resolves with the answer. */
  const wrongLogonFrom = (address: string, userName: string) =>
    new Promise<string>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: a.port,
          method: 'POST',
          path: '/api/call',
          localAddress: address,
          agent: false,
          headers: { 'content-type': 'application/json', origin: a.origin },
          ...pinned(a),
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString('utf8')));
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ id: 1, channel: 'auth:logon', input: { userName, password: 'Not-Her-Password 1' } }));
    });
  /** Both servers in the balancer's rotation: calls through it land on each. */
  const bothUp = async () => {
    for (let t = Date.now(); Date.now() - t < 10_000;) {
      if ((await ready(a)) === 200 && (await ready(b)) === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // The balancer's own checks (rise 2 × inter 300 ms) must have seen both, however slow the machine.
    for (let t = Date.now(); Date.now() - t < 20_000 && (await proxy.serversUp()) < 2;) {
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    pg = await startPostgres();
    process.env.MDSYNC_DATABASE_URL = await pg.createDatabase('balancer');
    process.env.PGPASSWORD = pg.password;
    const lbPort = await freePort();
    flags = [
      '--public-url',
      `https://127.0.0.1:${lbPort}/`,
      '--proxy-protocol-from',
      '127.0.0.1',
      '--drain-grace',
      '1500ms',
    ];
    dirs.push(prepareDataDir(ADMIN_PW, BOB_PW), fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-service-')));
    a = await startService(dirs[0]!, flags);
    b = await startB();
    proxy = await startHaproxy([a.port, b.port], lbPort);
    lb = through(lbPort);
    await bothUp();
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    await proxy?.stop();
    await pg?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }, 120_000);

  it('a logon through the balancer holds on a dozen fresh connections, which land on both servers', async () => {
    const cookie = await logOn(lb, 'bob', BOB_PW);
    for (let i = 0; i < 12; i++) {
      const page = await openBridge(lb, { cookie });
      expect(await page.call('auth:session')).toMatchObject({ ok: true, value: { userName: 'bob' } });
      page.ws.close();
    }
    // Each server took the session in (the one it was made on, and the other from the database).
    expect(await sessionsOpen(a)).toBeGreaterThanOrEqual(1);
    expect(await sessionsOpen(b)).toBeGreaterThanOrEqual(1);
  });

  it('an administrator on A demotes a user whose page is on B: B refuses the next admin call within 2 s', async () => {
    const admin = await openBridge(a, { cookie: await logOn(a, 'admin', ADMIN_PW) });
    const dora = {
      userName: 'dora',
      fullName: 'Dora',
      emailAddresses: [],
      authentication: 'integrated',
      privileges: ['login', 'admin'],
      folderAccess: [],
      password: DORA_PW,
    };
    expect(await admin.call('users:create', dora)).toMatchObject({ ok: true });
    const page = await openBridge(b, { cookie: await logOn(lb, 'dora', DORA_PW) });
    expect(await page.call('users:list')).toMatchObject({ ok: true });
    expect(
      await admin.call('users:update', { ...dora, originalUserName: 'dora', privileges: ['login'], password: null }),
    ).toMatchObject({ ok: true });
    const demoted = Date.now();
    await expect
      .poll(async () => (await page.call('users:list')).error?.code, { timeout: 2000, interval: 100 })
      .toBe('forbidden');
    expect(Date.now() - demoted).toBeLessThan(2000);
    expect(await page.call('auth:session')).toMatchObject({ ok: true, value: { userName: 'dora' } });
    admin.ws.close();
    page.ws.close();
  });

  it('a device cookie issued by A is good on B: a right password from that browser skips the slowdown strangers caused', async () => {
    const added = cli(
      ['users', 'add', 'erin', '--auth', 'integrated', '--privilege', 'login', '--password-stdin'],
      `${ERIN_PW}\n`,
    );
    expect(added.status, added.stderr).toBe(0);
    const first = await callHttp(a, 'auth:logon', { userName: 'erin', password: ERIN_PW });
    const device = [first.headers['set-cookie'] ?? []]
      .flat()
      .map((c) => c.split(';')[0]!)
      .find((c) => c.startsWith('__Host-mdsync_device='));
    expect(device).toBeDefined();
    // Three wrong passwords for erin from another address: the name alone is slowed down now.
    for (let i = 0; i < 3; i++) expect(await wrongLogonFrom('127.0.0.9', 'erin')).toContain('invalidCredentials');
    const log = () => fs.readFileSync(path.join(dirs[1]!, 'mdsync.log'), 'utf8');
    const delayed = () => log().match(/logon of "erin" from 127\.0\.0\.1 delayed/g)?.length ?? 0;
    // Without the cookie B slows erin down (the failures are shared)…
    await logOn(b, 'erin', ERIN_PW);
    expect(delayed()).toBe(1);
    // …with the cookie A issued, B knows the device.
    const known = await callHttp(b, 'auth:logon', { userName: 'erin', password: ERIN_PW }, device);
    expect(known.body).toContain('"ok":true');
    expect(delayed()).toBe(1);
  });

  it('a synchronization started on A shows its progress to a page on B', async () => {
    const cookie = await logOn(lb, 'admin', ADMIN_PW);
    const onA = await openBridge(a, { cookie });
    const onB = await openBridge(b, { cookie });
    const settings = (await onA.call('settings:get')) as { ok: true; value: { directory: object } };
    const probe = { settings: { ...settings.value, directory: { ...settings.value.directory, appDir: SAMPLE } } };
    expect(await onA.call('sync:test', { ...probe, sharePassword: null })).toMatchObject({ ok: true });
    await expect
      .poll(() => onB.events.filter((e) => e.event === 'sync:progress').length, { timeout: 5000 })
      .toBeGreaterThan(0);
    onA.ws.close();
    onB.ws.close();
  });

  it('logging off on A ends the session on B, whose page is told within 2 s', async () => {
    const cookie = await logOn(lb, 'bob', BOB_PW);
    const page = await openBridge(b, { cookie });
    expect(await page.call('auth:session')).toMatchObject({ ok: true, value: { userName: 'bob' } });
    const res = await request(a, {
      method: 'POST',
      path: '/api/call',
      headers: { 'content-type': 'application/json', origin: a.origin, cookie },
      body: JSON.stringify({ id: 1, channel: 'auth:logoff', input: {} }),
    });
    expect(res.status).toBe(200);
    await expect
      .poll(() => page.events, { timeout: 2000, interval: 50 })
      .toContainEqual({ event: 'session:ended', payload: { reason: 'you logged off' } });
    expect(await page.call('auth:session')).toMatchObject({ ok: true, value: null });
    page.ws.close();
  });

  it('kill -9 of one server: calls through the balancer go on with the same session; a restarted server takes it back', async () => {
    const cookie = await logOn(lb, 'bob', BOB_PW);
    expect(await b.stop('SIGKILL')).toBeNull();
    for (let i = 0; i < 6; i++) {
      const page = await openBridge(lb, { cookie });
      expect(await page.call('auth:session')).toMatchObject({ ok: true, value: { userName: 'bob' } });
      page.ws.close();
    }
    b = await startB();
    const direct = await openBridge(b, { cookie });
    expect(await direct.call('auth:session')).toMatchObject({ ok: true, value: { userName: 'bob' } });
    direct.ws.close();
  });

  it('SIGTERM drains: not ready first, open pages told to reconnect reach the other server with their session, exit 0', async () => {
    // The restarted B has a new port: a new balancer in front of both.
    await proxy.stop();
    proxy = await startHaproxy([a.port, b.port], lb.port);
    await bothUp();
    const cookie = await logOn(lb, 'bob', BOB_PW);
    const page = await openBridge(a, { cookie });
    const exit = a.stop('SIGTERM');
    await expect.poll(() => ready(a), { timeout: 1000, interval: 50 }).toBe(503);
    expect(await page.closed()).toBe(RECONNECT_CODE);
    const again = await openBridge(lb, { cookie });
    expect(await again.call('auth:session')).toMatchObject({ ok: true, value: { userName: 'bob' } });
    again.ws.close();
    expect(await exit).toBe(0);
  });
});

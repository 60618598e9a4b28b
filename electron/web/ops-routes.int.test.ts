/**
 * The operator's routes of the real service (`dist/cli.cjs server`): `/healthz`, `/readyz` and
 * `/metrics` without a logon, `/metrics` for loopback only, its counters moving with logons and a
 * test run, and a SIGTERM that drains: not ready first, pages told to reconnect, exit 0.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeIfAvailable } from '../testing/servers/suite-needs';
import { RECONNECT_CODE } from '../../shared/bridge-protocol';
import { labelValues, observations, parseScrape, valueOf } from '../core/testing/metrics-reader';
import {
  CLI,
  callHttp,
  logOn,
  openBridge,
  pinned,
  prepareDataDir,
  request,
  startService,
  type ServiceProcess,
} from './testing/service-process';

const ADMIN_PW = 'Admin-Pass-1 ops';
const BOB_PW = 'Bob-Pass-1 ops';
const SAMPLE = path.resolve(__dirname, '../../build-resources/sample-app');
let service: ServiceProcess;
let dataDir: string;

const scrape = async () => {
  const res = await request(service, { path: '/metrics' });
  expect(res.status).toBe(200);
  return parseScrape(res.body);
};

describeIfAvailable('health, readiness and metrics', fs.existsSync(CLI) ? null : 'dist/cli.cjs is not built', () => {
  beforeAll(async () => {
    dataDir = prepareDataDir(ADMIN_PW, BOB_PW);
    service = await startService(dataDir, [
      '--drain-grace',
      '1500ms',
      '--proxy-protocol-from',
      '127.0.0.1',
      '--public-url',
      'https://archive.example.test/',
    ]);
  }, 120_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /healthz and /readyz without a logon and without detail', async () => {
    const health = await request(service, { path: '/healthz' });
    expect([health.status, health.body]).toEqual([200, 'ok\n']);
    const ready = await request(service, { path: '/readyz', headers: { host: 'balancer.invalid' } });
    expect([ready.status, ready.body]).toEqual([200, 'ready\n']);
  });

  it('counts logons by method and result, sessions open and test runs, with no name or address as a label', async () => {
    const before = await scrape();
    await logOn(service, 'bob', BOB_PW);
    const admin = await logOn(service, 'admin', ADMIN_PW);
    await callHttp(service, 'auth:logon', { userName: 'bob', password: 'wrong' });
    const page = await openBridge(service, { cookie: admin });
    const settings = (await page.call('settings:get')) as { ok: true; value: { directory: object } };
    const probe = { settings: { ...settings.value, directory: { ...settings.value.directory, appDir: SAMPLE } } };
    expect(await page.call('sync:test', { ...probe, sharePassword: null })).toMatchObject({ ok: true });
    page.ws.close();
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(moved('mdsync_logons_total', { method: 'integrated', result: 'ok' })).toBe(2);
    expect(moved('mdsync_logons_total', { method: 'unknown', result: 'invalidCredentials' })).toBe(1);
    expect(moved('mdsync_sessions_open')).toBe(2);
    expect(moved('mdsync_sync_runs_total', { kind: 'test', trigger: 'user', result: 'tested' })).toBe(1);
    expect(observations(after, 'mdsync_sync_run_seconds') - observations(before, 'mdsync_sync_run_seconds')).toBe(1);
    expect(moved('mdsync_sync_changes_total', { kind: 'test', change: 'created' })).toBeGreaterThan(0);
    expect(after.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'mdsync_imap_check_seconds',
        'mdsync_password_checks_in_flight',
        'mdsync_db_pool_connections',
      ]),
    );
    const labels = labelValues(after);
    for (const personal of ['bob', 'admin', '127.0.0.1']) expect(labels).not.toContain(personal);
  });

  it('shows its public URL; takes the client address from a trusted proxy’s header: /metrics is 404 for others', async () => {
    expect(service.output()).toContain(', reached at https://archive.example.test/');
    const page = await request(service, { path: '/', headers: { host: 'archive.example.test' } });
    expect(page.status).toBe(200);
    expect((await viaProxy('192.0.2.7', '/metrics')).split('\r\n', 1)[0]).toBe('HTTP/1.1 404 Not Found');
    expect((await viaProxy('127.0.0.1', '/metrics')).split('\r\n', 1)[0]).toBe('HTTP/1.1 200 OK');
  });

  it('drains on SIGTERM: not ready first, then pages are told to reconnect, then exit 0', async () => {
    const cookie = await logOn(service, 'bob', BOB_PW);
    const page = await openBridge(service, { cookie });
    const exit = service.stop('SIGTERM');
    await expect.poll(async () => (await request(service, { path: '/readyz' })).status, { timeout: 1000 }).toBe(503);
    expect((await request(service, { path: '/healthz' })).status).toBe(200);
    expect(await page.call('auth:session')).toMatchObject({ ok: true, value: { userName: 'bob' } });
    expect(await page.closed()).toBe(RECONNECT_CODE);
    expect(page.events.map((e) => e.event)).not.toContain('session:ended');
    expect(await exit).toBe(0);
  });
});

/** One request through a pretend proxy: a PROXY v1 header naming `client`, then TLS. */
function viaProxy(client: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const raw = net.connect(service.port, '127.0.0.1', () => {
      raw.write(`PROXY TCP4 ${client} 127.0.0.1 40000 ${service.port}\r\n`);
      const t = tls.connect({ socket: raw, ...pinned(service) }, () =>
        t.write(`GET ${path} HTTP/1.1\r\nHost: archive.example.test\r\nConnection: close\r\n\r\n`),
      );
      let text = '';
      t.on('data', (d: Buffer) => (text += d.toString('utf8')));
      t.on('end', () => resolve(text));
      t.on('error', reject);
    });
    raw.on('error', reject);
  });
}

/**
 * The operator's routes of the real service (`dist/cli.cjs server`): `/healthz`, `/readyz` and
 * `/metrics` without a logon, `/metrics` for loopback only, its counters moving with logons and a
 * test run, and a SIGTERM that drains: not ready first, pages told to reconnect, exit 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeIfAvailable } from '../../e2e/servers/suite-needs';
import { RECONNECT_CODE } from '../../shared/bridge-protocol';
import { labelValues, observations, parseScrape, valueOf } from './testing/metrics-reader';
import {
  CLI,
  callHttp,
  logOn,
  openBridge,
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
    service = await startService(dataDir, ['--drain-grace', '1500ms']);
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

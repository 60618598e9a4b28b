/**
 * Taking rights away on one server bites on another sharing the PostgreSQL database: a demotion
 * and a deletion made through the first server reach an open socket of the second within a second.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../testing/servers/postgres';
import { describeIfAvailable } from '../testing/servers/suite-needs';
import { cli, logOn, openBridge, prepareDataDir, startService, type ServiceProcess } from './testing/service-process';

const ADMIN_PW = 'Admin-Pass-1 revocation pg';
const BOB_PW = 'Bob-Pass-1 revocation pg';
const unavailable = postgresUnavailable();

async function within(limitMs: number, probe: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeIfAvailable('revocation across two services on one PostgreSQL database', unavailable, () => {
  let pg: PostgresServer;
  let first: ServiceProcess;
  let second: ServiceProcess;
  const dirs: string[] = [];

  beforeAll(async () => {
    pg = await startPostgres();
    process.env.MDSYNC_DATABASE_URL = await pg.createDatabase('revocation');
    process.env.PGPASSWORD = pg.password;
    dirs.push(prepareDataDir(ADMIN_PW, BOB_PW), fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-service-')));
    const boss = cli(
      ['users', 'add', 'boss', '--privilege', 'admin', '--password-stdin', '--data-dir', dirs[0]!],
      'Boss-1 pg\n',
    );
    if (boss.status !== 0) throw new Error(boss.stderr);
    [first, second] = await Promise.all([startService(dirs[0]!), startService(dirs[1]!)]);
  }, 180_000);

  afterAll(async () => {
    const codes = await Promise.all([first?.stop('SIGTERM'), second?.stop('SIGTERM')]);
    await pg?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    expect(codes).toEqual([0, 0]);
  }, 120_000);

  it('a demotion and a deletion on the first server bite an open socket of the second within a second', async () => {
    const boss = await openBridge(second, { cookie: await logOn(second, 'boss', 'Boss-1 pg') });
    const bob = await openBridge(second, { cookie: await logOn(second, 'bob', BOB_PW) });
    expect(await boss.call('users:list')).toMatchObject({ ok: true });
    const admin = await openBridge(first, { cookie: await logOn(first, 'admin', ADMIN_PW) });
    const demote = await admin.call('users:update', {
      originalUserName: 'boss',
      userName: 'boss',
      fullName: '',
      emailAddresses: [],
      authentication: 'integrated',
      privileges: ['login'],
      folderAccess: [],
      password: null,
    });
    expect(demote).toMatchObject({ ok: true });
    await within(1000, async () => (await boss.call('users:list')).error?.code === 'forbidden');

    expect(await admin.call('users:delete', { userName: 'bob' })).toMatchObject({ ok: true });
    await within(1000, () => Promise.resolve(bob.events.some((e) => e.event === 'session:ended')));
    expect(await bob.call('archive:mine')).toMatchObject({ ok: false, error: { code: 'notLoggedOn' } });
    for (const c of [boss, bob, admin]) c.ws.close();
  }, 120_000);
});

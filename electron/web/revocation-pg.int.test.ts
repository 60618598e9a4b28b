/**
 * Taking rights away on one server bites on another sharing the PostgreSQL database: a demotion
 * and a deletion made through the first server reach an open socket of the second within a second.
 */
import { expect, it } from 'vitest';
import { postgresUnavailable } from '../testing/servers/postgres';
import { describeIfAvailable } from '../testing/servers/suite-needs';
import { logOnSocket, within } from './testing/logon';
import { cli } from './testing/service-process';
import { useTwoServices } from './testing/two-services';

const ADMIN_PW = 'Admin-Pass-1 revocation pg';
const BOB_PW = 'Bob-Pass-1 revocation pg';
const unavailable = postgresUnavailable();

describeIfAvailable('revocation across two services on one PostgreSQL database', unavailable, () => {
  const services = useTwoServices('revocation', { admin: ADMIN_PW, bob: BOB_PW }, (firstDir) => {
    const args = ['users', 'add', 'boss', '--privilege', 'admin', '--password-stdin', '--data-dir', firstDir];
    const boss = cli(args, 'Boss-1 pg\n');
    if (boss.status !== 0) throw new Error(boss.stderr);
  });

  it('a demotion and a deletion on the first server bite an open socket of the second within a second', async () => {
    const [first, second] = [services.first(), services.second()];
    const boss = await logOnSocket(second, 'boss', 'Boss-1 pg');
    const bob = await logOnSocket(second, 'bob', BOB_PW);
    expect(await boss.call('users:list')).toMatchObject({ ok: true });
    const admin = await logOnSocket(first, 'admin', ADMIN_PW);
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

/**
 * Two `mdsync server` processes on one PostgreSQL database, as two archive servers for availability:
 * each serves logons against the same users, what one changes the other sees, and a user whose
 * password is being guessed on one is throttled on the other (the failures are counted in the
 * database, not in either process).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { postgresUnavailable } from '../testing/servers/postgres';
import { describeIfAvailable } from '../testing/servers/suite-needs';
import { logOnSocket } from './testing/logon';
import { callHttp, logOn } from './testing/service-process';
import { useTwoServices } from './testing/two-services';

const ADMIN_PW = 'Admin-Pass-1 two services';
const BOB_PW = 'Bob-Pass-1 two services';
const unavailable = postgresUnavailable();

describeIfAvailable('two services on one PostgreSQL database', unavailable, () => {
  const services = useTwoServices('two_services', { admin: ADMIN_PW, bob: BOB_PW });

  it('both serve logons of the same users, and each sees what the other changed', async () => {
    const [first, second] = [services.first(), services.second()];
    await logOn(first, 'bob', BOB_PW);
    await logOn(second, 'bob', BOB_PW);
    const adminFirst = await logOnSocket(first, 'admin', ADMIN_PW);
    const created = await adminFirst.call('users:create', {
      userName: 'carol',
      fullName: 'Carol on the first server',
      emailAddresses: ['carol@example.test'],
      authentication: 'integrated',
      privileges: ['login'],
      folderAccess: [],
      password: 'Singer-Key-1 two services',
    });
    expect(created).toMatchObject({ ok: true });
    adminFirst.ws.close();
    await logOn(second, 'carol', 'Singer-Key-1 two services');
    const adminSecond = await logOnSocket(second, 'admin', ADMIN_PW);
    const users = (await adminSecond.call('users:list')) as { ok: boolean; value: { userName: string }[] };
    expect(users.value.map((u) => u.userName)).toEqual(['admin', 'bob', 'carol']);
    adminSecond.ws.close();
  }, 120_000);

  it('a user whose password is guessed on one server is throttled on the other', async () => {
    const [first, second, dirs] = [services.first(), services.second(), services.dirs()];
    // Three failures are free per user name; the next attempt anywhere waits.
    for (let i = 0; i < 4; i++) {
      const res = await callHttp(first, 'auth:logon', { userName: 'carol', password: `Wrong-${i}-guess` });
      expect(JSON.parse(res.body)).toMatchObject({ result: { ok: true, value: { ok: false } } });
    }
    const secondLog = path.join(dirs[1]!, 'mdsync.log');
    expect(fs.readFileSync(secondLog, 'utf8')).not.toMatch(/logon of "carol" .*delayed/);
    const started = Date.now();
    const res = await callHttp(second, 'auth:logon', { userName: 'carol', password: 'Wrong-again-guess' });
    expect(JSON.parse(res.body)).toMatchObject({ result: { ok: true, value: { ok: false } } });
    // The second server never saw carol fail before, yet it delays her: the count is shared.
    expect(fs.readFileSync(secondLog, 'utf8')).toMatch(/logon of "carol" from 127\.0\.0\.1 delayed \d+ ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    for (const d of dirs) expect(fs.readFileSync(path.join(d, 'mdsync.log'), 'utf8')).not.toContain('-guess');
  }, 120_000);
});

/**
 * Taking rights away bites at once, on the real service: a demotion or a deletion (in the app or
 * with the CLI, another process writing the file) reaches an open socket within a second; a
 * rename keeps the session on the same user; a reset ends the user's sessions, a change the
 * user's other sessions.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCode as code, logOnSocket, within } from './testing/logon';
import { cli, prepareDataDir, startService, type ServiceProcess } from './testing/service-process';

const ADMIN_PW = 'Admin-Pass-1 revocation';
const BOB_PW = 'Bob-Pass-1 revocation';
let service: ServiceProcess;
let dataDir: string;

function addUser(name: string, password: string, privileges: string[]): void {
  const args = ['users', 'add', name, '--auth', 'integrated', '--password-stdin', '--data-dir', dataDir];
  for (const p of privileges) args.push('--privilege', p);
  const r = cli(args, `${password}\n`);
  if (r.status !== 0) throw new Error(r.stderr);
}

const adminSocket = (name: string, password: string) => logOnSocket(service, name, password);

beforeAll(async () => {
  dataDir = prepareDataDir(ADMIN_PW, BOB_PW);
  service = await startService(dataDir);
}, 120_000);

afterAll(async () => {
  expect(await service?.stop('SIGTERM')).toBe(0);
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('taking rights away', () => {
  it('an administrator demoted with the CLI loses the administrative channels on an open socket within a second', async () => {
    addUser('boss', 'Boss-Pass-1 revocation', ['admin']);
    const boss = await adminSocket('boss', 'Boss-Pass-1 revocation');
    expect(code(await boss.call('users:list'))).toBe('ok');
    const r = cli(['users', 'set-privileges', 'boss', '--privilege', 'login', '--data-dir', dataDir]);
    expect(r.status).toBe(0);
    await within(1000, async () => code(await boss.call('users:list')) === 'forbidden');
    // Still a user: the session goes on without the administrative tools.
    expect(code(await boss.call('archive:mine'))).toBe('ok');
    expect(await boss.call('auth:session')).toMatchObject({ ok: true, value: { privileges: ['login'] } });
    boss.ws.close();
  }, 60_000);

  it('a user deleted with the CLI: its open page is told and its calls refused within a second', async () => {
    addUser('chief', 'Chief-Pass-1 revocation', ['admin']);
    const chief = await adminSocket('chief', 'Chief-Pass-1 revocation');
    expect(code(await chief.call('users:list'))).toBe('ok');
    expect(cli(['users', 'delete', 'chief', '--data-dir', dataDir]).status).toBe(0);
    await within(1000, () => Promise.resolve(chief.events.some((e) => e.event === 'session:ended')));
    expect(code(await chief.call('users:list'))).toBe('notLoggedOn');
    // The same cookie on a new socket is anonymous.
    chief.ws.close();
  }, 60_000);

  it('a user who lost the Log on privilege in the app is logged off everywhere at once', async () => {
    addUser('dora', 'Dora-Pass-1 revocation', ['login']);
    const dora = await adminSocket('dora', 'Dora-Pass-1 revocation');
    const admin = await adminSocket('admin', ADMIN_PW);
    const update = {
      originalUserName: 'dora',
      userName: 'dora',
      fullName: '',
      emailAddresses: [],
      authentication: 'integrated',
      privileges: [],
      folderAccess: [],
      password: null,
    };
    expect(code(await admin.call('users:update', update))).toBe('ok');
    expect(code(await dora.call('archive:mine'))).toBe('notLoggedOn');
    expect(dora.events).toContainEqual({ event: 'session:ended', payload: { reason: 'you may no longer log on' } });
    dora.ws.close();
    admin.ws.close();
  }, 60_000);

  it('a renamed user keeps its session under the new name; a new user of the old name is someone else', async () => {
    addUser('erin', 'Erin-Pass-1 revocation', ['login']);
    const erin = await adminSocket('erin', 'Erin-Pass-1 revocation');
    expect(cli(['users', 'show', 'erin', '--data-dir', dataDir]).status).toBe(0);
    const admin = await adminSocket('admin', ADMIN_PW);
    const renamed = await admin.call('users:update', {
      originalUserName: 'erin',
      userName: 'erina',
      fullName: '',
      emailAddresses: [],
      authentication: 'integrated',
      privileges: ['login'],
      folderAccess: [],
      password: null,
    });
    expect(code(renamed)).toBe('ok');
    addUser('erin', 'Other-Erin-1 revocation', ['login']);
    expect(await erin.call('auth:session')).toMatchObject({ ok: true, value: { userName: 'erina' } });
    expect(await erin.call('archive:mine')).toMatchObject({ ok: true, value: { folder: 'erina' } });
    erin.ws.close();
    admin.ws.close();
  }, 60_000);

  it("a reset by an administrator ends the user's sessions; a change by the user ends only the other ones", async () => {
    addUser('finn', 'Finn-Pass-1 revocation', ['login', 'changePassword']);
    const first = await adminSocket('finn', 'Finn-Pass-1 revocation');
    const second = await adminSocket('finn', 'Finn-Pass-1 revocation');
    expect(
      await first.call('auth:change-password', { current: 'Finn-Pass-1 revocation', next: 'Second-Key-2 revocation' }),
    ).toEqual({ ok: true, value: { done: true } });
    expect(code(await first.call('archive:mine'))).toBe('ok');
    expect(code(await second.call('archive:mine'))).toBe('notLoggedOn');
    expect(second.events.some((e) => e.event === 'session:ended')).toBe(true);
    second.ws.close();

    const admin = await adminSocket('admin', ADMIN_PW);
    const reset = await admin.call('users:update', {
      originalUserName: 'finn',
      userName: 'finn',
      fullName: '',
      emailAddresses: [],
      authentication: 'integrated',
      privileges: ['login', 'changePassword'],
      folderAccess: [],
      password: 'Third-Key-3 reset',
    });
    expect(code(reset)).toBe('ok');
    expect(code(await first.call('archive:mine'))).toBe('notLoggedOn');
    expect(code(await admin.call('users:list'))).toBe('ok');
    first.ws.close();
    admin.ws.close();
  }, 60_000);
});

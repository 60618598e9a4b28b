/** `mdsync login` over a real user database in a temp directory, with a fake IMAP check. */
/* eslint-disable @typescript-eslint/require-await -- the fakes implement async interfaces */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImapSettings } from '../../../shared/settings';
import { SqliteRepository } from '../../core/db/sqlite/repository';
import { createFileLogger } from '../../core/logger';
import { dataFiles } from '../../core/paths';
import { loadSettings } from '../../core/settings-store';
import { exitCodeFor, type CliIo } from '../io';
import { makeLogin } from './login';
import { userRules } from '../../core/users/user-rules';

const SECRET = 'Anna-Pa55 "x"';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mdsync-login-'));
  const db = await SqliteRepository.open({ dataDir: dir });
  await userRules(db).createUser({
    userName: 'anna',
    authentication: 'integrated',
    privileges: ['login'],
    password: SECRET,
  });
  await userRules(db).createUser({
    userName: 'frank@c.test',
    authentication: 'directoryServices',
    privileges: ['login'],
    emailAddresses: ['frank@c.test'],
  });
  await userRules(db).createUser({
    userName: 'carl',
    authentication: 'integrated',
    privileges: ['archive'],
    password: SECRET,
  });
  await db.close();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup() {
  const checks: Array<{ settings: ImapSettings; user: string }> = [];
  const cmd = makeLogin({
    openUsers: (d) => SqliteRepository.open({ dataDir: d }),
    loadSettings,
    logger: (d) => createFileLogger(dataFiles(d).log),
    check: async (settings, user, password) => {
      checks.push({ settings, user });
      return password === SECRET
        ? { ok: true, ms: 1 }
        : { ok: false, ms: 1, error: { code: 'auth', message: 'refused by MDaemon' } };
    },
  });
  return { cmd, checks };
}

async function run(argv: string[], stdin: string) {
  const { cmd, checks } = setup();
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => stdin,
    env: {},
    defaultDataDir: dir,
  };
  let code: number;
  try {
    code = await cmd(argv, io);
  } catch (e) {
    err.push((e as Error).message);
    code = exitCodeFor(e);
  }
  return { code, out: out.join(''), err: err.join(''), checks };
}

describe('login command', () => {
  it('logs an integrated user on; JSON per the contract', async () => {
    const r = await run(['--user', 'ANNA', '--password-stdin', '--json'], `${SECRET}\n`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ ok: true, userName: 'anna', authentication: 'integrated' });
  });

  it('wrong password and unknown user: exit 1, same answer; the log says which, never the password', async () => {
    const wrong = await run(['--user', 'anna', '--password-stdin', '--json'], 'nope\n');
    const unknown = await run(['--user', 'zoe', '--password-stdin', '--json'], 'nope\n');
    expect(wrong.code).toBe(1);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(wrong.out)).toMatchObject({ ok: false, reason: 'invalidCredentials' });
    expect(wrong.out).toBe(unknown.out);
    const log = await readFile(dataFiles(dir).log, 'utf8');
    expect(log).toMatch(/"anna": wrong password/);
    expect(log).toMatch(/"zoe": no such user/);
    expect(log).not.toContain('nope');
  });

  it('notPermitted only with the right password', async () => {
    expect(JSON.parse((await run(['--user', 'carl', '--password-stdin', '--json'], 'x\n')).out).reason).toBe(
      'invalidCredentials',
    );
    const r = await run(['--user', 'carl', '--password-stdin'], `${SECRET}\n`);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^notPermitted: /);
  });

  it('Directory Services users go to the IMAP server named by the flags', async () => {
    const r = await run(
      [
        '--user',
        'frank@c.test',
        '--password-stdin',
        '--imap-host',
        '127.0.0.1',
        '--imap-port',
        '1143',
        '--imap-security',
        'starttls',
        '--ignore-cert',
      ],
      `${SECRET}\n`,
    );
    expect(r.code).toBe(0);
    expect(r.out).toBe('ok: frank@c.test logged on (directoryServices)\n');
    expect(r.checks[0]).toMatchObject({
      user: 'frank@c.test',
      settings: { host: '127.0.0.1', port: 1143, security: 'starttls', ignoreCertificate: true },
    });
  });

  it('without an IMAP server configured, a Directory Services user is answered like a wrong password', async () => {
    const r = await run(['--user', 'frank@c.test', '--password-stdin', '--json'], `${SECRET}\n`);
    // The same answer as an unknown name: only the administrator's log tells them apart.
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, reason: 'invalidCredentials' });
    expect(r.checks).toHaveLength(0);
  });

  it('bad usage exits 2', async () => {
    expect((await run(['--password-stdin'], SECRET)).code).toBe(2);
    expect((await run(['--user', 'anna'], SECRET)).code).toBe(2);
    expect((await run(['--user', 'anna', '--password-stdin'], '')).code).toBe(2);
  });
});

/**
 * `db:state` over the real stack: services opened on a data directory whose archive.sqlite
 * header was damaged while archive.sqlite.bak is sound tell an administrator (and nobody else)
 * what happened, the users each copy holds and where the damaged copy is kept; and a writer lock
 * taken over from a process that was gone is on the same banner and in the log.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { createMemoryLogger } from '../../core/logger';
import { dataFiles } from '../../core/paths';
import { createMemorySecretStore } from '../../core/secret-store';
import { createFileSettingsStore } from '../../core/settings-store';
import { createServices, type Services } from '../../app/services';
import { createHandlers } from '../handlers';
import { dispatch } from '../registry';
import type { Session } from '../../app/session';

const ADMIN_PASSWORD = 'Adm1n pass 12';
let dir: string;
let services: Services | null = null;
let session: Session;
let logger = createMemoryLogger();
const logged = () => logger.lines;

async function open(): Promise<Services> {
  services = await createServices({
    mode: 'browser',
    dataDir: dir,
    version: 'test',
    platform: 'linux',
    logger: (logger = createMemoryLogger()),
    settings: createFileSettingsStore(dir),
    secrets: createMemorySecretStore('tests keep secrets in memory'),
  });
  session = { user: null };
  return services;
}

async function call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>> {
  const s = services!;
  const ctx = { session, emit: () => undefined };
  return (await dispatch(createHandlers(s), channel, input, ctx, s.logger)) as Result<ChannelOutput<C>>;
}

const clerk = (n: number) => ({
  userName: `clerk${n}`,
  fullName: `Clerk ${n}`,
  emailAddresses: [],
  authentication: 'directoryServices' as const,
  privileges: ['login' as const],
  folderAccess: [],
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-db-state-'));
});
afterEach(async () => {
  await services?.close();
  services = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

it('tells administrators that the damaged file was moved aside and the backup used, with both counts', async () => {
  await open();
  expect(await call('auth:setup-admin', { password: ADMIN_PASSWORD })).toMatchObject({ ok: true });
  // Nothing to tell on a sound database.
  expect(await call('db:state', {})).toEqual({ ok: true, value: { fallbacks: [], keptAside: [], lockTakeovers: [] } });
  // Each commit rotates the previous file into the backup: admin + 2 clerks in the backup, 3 in the file.
  for (const n of [1, 2, 3]) expect(await call('users:create', clerk(n))).toMatchObject({ ok: true });
  await services!.close();
  services = null;

  const file = dataFiles(dir).database;
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(16, 0x41), 0, 16, 0); // the SQLite header damaged
  fs.closeSync(fd);
  const damaged = fs.readFileSync(file);

  await open();
  expect(await call('db:state', {})).toMatchObject({ ok: false, error: { code: 'notLoggedOn' } });
  expect(await call('auth:logon', { userName: 'admin', password: ADMIN_PASSWORD })).toMatchObject({
    ok: true,
    value: { ok: true },
  });
  const state = await call('db:state', {});
  expect(state).toMatchObject({
    ok: true,
    value: {
      fallbacks: [
        {
          database: 'archive.sqlite',
          problem: 'its header is not a SQLite header',
          damagedUsers: 4,
          backup: 'archive.sqlite.bak',
          backupUsers: 3,
        },
      ],
    },
  });
  const copy = state.ok ? state.value.fallbacks[0]!.damagedCopy! : '';
  expect(copy).toMatch(/^archive\.sqlite\.damaged-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
  // The name is the file kept beside the database, byte for byte the damaged one.
  expect(fs.readFileSync(path.join(dir, copy)).equals(damaged)).toBe(true);
  expect(state.ok && state.value.keptAside).toEqual([copy]);

  // A logged-on user without the Administrator privilege hears nothing.
  session = {
    user: { userName: 'clerk1', fullName: 'Clerk 1', authentication: 'directoryServices', privileges: ['login'] },
  };
  expect(await call('db:state', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });

  // The backup in use was written back as the database file at once (no change needed), so the
  // next start finds a sound file: this process met no damage, but the copy kept aside is still named.
  expect(fs.existsSync(file)).toBe(true);
  await services!.close();
  await open();
  expect(await call('auth:logon', { userName: 'admin', password: ADMIN_PASSWORD })).toMatchObject({ ok: true });
  expect(await call('db:state', {})).toEqual({
    ok: true,
    value: { fallbacks: [], keptAside: [copy], lockTakeovers: [] },
  });
});

it('tells administrators, and the log, that the writer lock was taken over from a process that was gone', async () => {
  await open();
  expect(await call('auth:setup-admin', { password: ADMIN_PASSWORD })).toMatchObject({ ok: true });
  // A lock left by a run of this same process id before (a crash), which this process does not hold.
  const lockFile = dataFiles(dir).lock;
  fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, startedAt: '2026-12-05T07:00:00.000Z', token: 'old' }));
  expect(await call('users:create', clerk(1))).toMatchObject({ ok: true });
  const said = `took over the stale lock ${lockFile}: it names this process (${process.pid}) from an earlier run`;
  expect(await call('db:state', {})).toMatchObject({
    ok: true,
    value: { lockTakeovers: [{ at: expect.stringMatching(/^\d{4}-/), message: said }] },
  });
  expect(logged()).toContainEqual(expect.stringContaining(`user database: ${said}`));

  // The schedule's lock too (the automatic synchronization runs alone under it).
  const scheduleLock = `${dir}/schedule.lock`;
  fs.writeFileSync(
    scheduleLock,
    JSON.stringify({ pid: process.pid, startedAt: '2026-12-05T07:00:00.000Z', token: 's' }),
  );
  expect(await services!.db.runAlone(() => Promise.resolve())).toBe(true);
  const state = await call('db:state', {});
  expect(state.ok && state.value.lockTakeovers.map((t) => t.message)).toEqual([
    said,
    `took over the stale lock ${scheduleLock}: it names this process (${process.pid}) from an earlier run`,
  ]);
});

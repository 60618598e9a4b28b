import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyncReport } from '../../../shared/model';
import { makeUserlist, type UserlistFields } from '../../core/mdaemon/testing/make-userlist';
import { SqliteRepository } from '../../core/db/sqlite/repository';
import { dataFiles } from '../../core/paths';
import { saveSettings } from '../../core/settings-store';
import { defaultSettings } from '../../../shared/settings';
import { exitCodeFor, type CliIo, type Command } from '../io';
import { makeRunCommand } from './sync';
import type { MachineDeps } from './common-flags';
import { loadSettings } from '../../core/settings-store';
import { usersCommand } from './users';
import { foldersCommand } from './folders';
import { archiveCommand, decodeEncodedWords, messageMeta } from './archive';

/** A password no output, history or database byte may ever contain. */
const SECRET = 'Zq9xSECRETpw';
let root: string;
let appDir: string;
let dataDir: string;

const deps: MachineDeps = {
  platform: 'linux',
  readRegistry: () => Promise.resolve(null),
  dirExists: () => Promise.resolve(false),
  loadSmbSource: () => Promise.reject(new Error('no SMB in these tests')),
  loadSettings,
};
const testCommand = makeRunCommand(true, deps);
const syncCommand = makeRunCommand(false, deps);

function writeApp(accounts: UserlistFields[]): void {
  fs.writeFileSync(
    path.join(appDir, 'USERLIST.DAT'),
    makeUserlist(
      accounts.map((a) => ({ password: SECRET, ...a })),
      'windows-1252',
    ),
  );
}
const person = (mailbox: string, fullName = `Person ${mailbox}`): UserlistFields => ({
  domain: 'company.test',
  mailbox,
  fullName,
});

/** Runs a command the way main.ts does: errors become one stderr line and an exit status. */
async function cli(command: Command, argv: string[], stdin = '', env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: () => Promise.resolve(stdin),
    env,
    defaultDataDir: dataDir,
  };
  let code: number;
  try {
    code = await command(argv, io);
  } catch (err) {
    stderr += `${err instanceof Error ? err.message : String(err)}\n`;
    code = exitCodeFor(err);
  }
  return { code, stdout, stderr };
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-cli-'));
  appDir = path.join(root, 'app');
  dataDir = path.join(root, 'data');
  fs.mkdirSync(appDir);
  writeApp([person('anna', 'Anna Ärger'), person('bob')]);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('mdsync test and sync', () => {
  it('print the contract JSON and apply only on sync', async () => {
    const t = await cli(testCommand, ['--app-dir', appDir, '--code-page', 'windows-1252', '--json']);
    expect(t.code).toBe(0);
    const plan = SyncReport.parse(JSON.parse(t.stdout));
    expect(Object.keys(JSON.parse(t.stdout))).toEqual(['dryRun', 'summary', 'changes', 'warnings', 'runId']);
    expect(plan).toMatchObject({
      dryRun: true,
      summary: { create: 2, update: 0, delete: 0, unchanged: 0, skip: 0, held: 0 },
      warnings: [],
    });
    expect(plan.changes[0]).toEqual({
      action: 'create',
      userName: 'anna@company.test',
      fullName: 'Anna Ärger',
      emailAddresses: ['anna@company.test'],
      reason: 'new MDaemon account',
    });
    const s = await cli(syncCommand, ['--app-dir', appDir, '--code-page', 'windows-1252']);
    expect(s).toMatchObject({ code: 0, stderr: '' });
    expect(s.stdout).toMatch(/^Synchronized: 2 created, 0 updated, 0 deleted, 0 unchanged, 0 skipped, 0 held\n/);
    expect(s.stdout).toContain('create    anna@company.test  new MDaemon account');
    const again = await cli(testCommand, ['--app-dir', appDir, '--code-page', 'windows-1252']);
    expect(again.stdout).toBe(
      'Test (nothing written): 0 to create, 0 to update, 0 to delete, 2 unchanged, 0 skipped, 0 held\n',
    );
  });

  it('use the saved settings, and flags override them for one run without saving', async () => {
    saveSettings(dataDir, {
      ...defaultSettings(),
      directory: { ...defaultSettings().directory, appDir, codePage: 'windows-1252' },
    });
    const before = fs.readFileSync(dataFiles(dataDir).settings, 'utf8');
    const r = await cli(testCommand, ['--domain', 'other.test', '--json']);
    expect(JSON.parse(r.stdout).summary.create).toBe(0);
    expect(JSON.parse(r.stdout).warnings[0].message).toBe('the domain filter names other.test, which has no accounts');
    expect(JSON.parse((await cli(testCommand, ['--json'])).stdout).summary.create).toBe(2);
    expect(fs.readFileSync(dataFiles(dataDir).settings, 'utf8')).toBe(before);
  });

  it('exit 1 when deletes are held, saying how to release them; --confirm-deletes applies them', async () => {
    writeApp(Array.from({ length: 7 }, (_, i) => person(`p${i}`)));
    await cli(syncCommand, ['--app-dir', appDir, '--code-page', 'windows-1252']);
    writeApp([person('p0')]);
    const held = await cli(syncCommand, [
      '--app-dir',
      appDir,
      '--code-page',
      'windows-1252',
      '--delete-users',
      '--json',
    ]);
    expect(held.code).toBe(1);
    expect(JSON.parse(held.stdout).summary).toMatchObject({ held: 6, delete: 0 });
    expect(held.stderr).toBe(
      'mdsync sync: 6 deletes held by the deletion guard; run again with --confirm-deletes (or a higher --delete-limit) to apply them\n',
    );
    // Scheduled runs leave a trace in the administrator's log.
    const log = fs.readFileSync(dataFiles(dataDir).log, 'utf8');
    expect(log).toMatch(/INFO sync from the command line: create 7, /);
    expect(log).toMatch(/WARN sync from the command line: .*held 6; 6 deletes held by the deletion guard/);
    // A test that would hold deletes says so with exit 1 too (the contract: deletes held).
    const tested = await cli(testCommand, ['--app-dir', appDir, '--code-page', 'windows-1252', '--delete-users']);
    expect(tested.code).toBe(1);
    const limit = await cli(testCommand, [
      '--app-dir',
      appDir,
      '--code-page',
      'windows-1252',
      '--delete-users',
      '--delete-limit',
      '90%',
      '--json',
    ]);
    expect(JSON.parse(limit.stdout).summary).toMatchObject({ held: 0, delete: 6 });
    const done = await cli(syncCommand, [
      '--app-dir',
      appDir,
      '--code-page',
      'windows-1252',
      '--delete-users',
      '--confirm-deletes',
    ]);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/6 deleted/);
  });

  it('exit 2 for bad usage and unreadable input, with one line on stderr', async () => {
    const badLimit = await cli(syncCommand, [
      '--app-dir',
      appDir,
      '--code-page',
      'windows-1252',
      '--delete-limit',
      'many',
    ]);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toMatch(/^the delete limit "many" is not a number of users or a percentage such as 10%\n$/);
    // A negative number is the flag's value, refused by the flag's own check (not "ambiguous").
    for (const form of [['--delete-limit', '-3'], ['--delete-limit=-3']]) {
      const negative = await cli(syncCommand, ['--app-dir', appDir, '--code-page', 'windows-1252', ...form]);
      expect(negative.code).toBe(2);
      expect(negative.stderr).toBe('the delete limit "-3" is not a number of users or a percentage such as 10%\n');
    }
    const unknown = await cli(syncCommand, ['--frobnicate']);
    expect(unknown.code).toBe(2);
    const missing = await cli(syncCommand, ['--app-dir', path.join(root, 'nowhere'), '--code-page', 'windows-1252']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exit 1 with "another synchronization is running" when the lock stays taken', async () => {
    const repo = await SqliteRepository.open({ dataDir });
    await repo.exclusive(async () => {
      const r = await cli(syncCommand, ['--app-dir', appDir, '--code-page', 'windows-1252'], '', {
        MDSYNC_LOCK_WAIT_MS: '50',
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^another synchronization is running \(the lock \S+archive\.lock is held by process \d+ since \S+\)\n$/,
      );
    });
    await repo.close();
  });

  it('says on stderr and in the log that it took over a lock its dead holder left', async () => {
    // A lock naming this process's own pid, which it does not hold: a run of it before (a crash).
    const lockFile = dataFiles(dataDir).lock;
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, startedAt: '2026-12-05T07:00:00.000Z', token: 'x' }));
    const r = await cli(syncCommand, ['--app-dir', appDir, '--code-page', 'windows-1252']);
    expect(r.code).toBe(0);
    const said = `took over the stale lock ${lockFile}: it names this process (${process.pid}) from an earlier run`;
    expect(r.stderr).toContain(`mdsync sync: warning: ${said}\n`);
    expect(fs.readFileSync(dataFiles(dataDir).log, 'utf8')).toContain(said);
  });

  it('never let a USERLIST.DAT password reach the output, the history or the database files', async () => {
    const outputs = [
      await cli(testCommand, ['--app-dir', appDir, '--code-page', 'windows-1252', '--json']),
      await cli(syncCommand, ['--app-dir', appDir, '--code-page', 'windows-1252', '--json', '--progress']),
      await cli(usersCommand, ['--json']),
    ];
    for (const o of outputs) expect(`${o.stdout}${o.stderr}`).not.toContain(SECRET);
    const repo = await SqliteRepository.open({ dataDir });
    const runs = await repo.listRuns();
    const history = JSON.stringify([runs, ...(await Promise.all(runs.map((r) => repo.runChanges(r.id))))]);
    await repo.close();
    expect(history).toContain('anna@company.test');
    expect(history).not.toContain(SECRET);
    for (const name of fs.readdirSync(dataDir)) {
      expect(fs.readFileSync(path.join(dataDir, name)).includes(SECRET), name).toBe(false);
    }
  });
});

describe('mdsync users, folders and archive', () => {
  it('add, passwd, show, set-privileges, set-auth, delete', async () => {
    expect(
      (
        await cli(
          usersCommand,
          [
            'add',
            'carol',
            '--full-name',
            'Carol C',
            '--email',
            'carol@x.test',
            '--privilege',
            'login',
            '--privilege',
            'archive',
            '--password-stdin',
          ],
          'pw1\n',
        )
      ).code,
    ).toBe(0);
    const list = JSON.parse((await cli(usersCommand, ['--json'])).stdout);
    expect(list[1]).toEqual({
      userName: 'carol',
      fullName: 'Carol C',
      emailAddresses: ['carol@x.test'],
      authentication: 'integrated',
      privileges: ['login', 'archive'],
      folderAccess: [{ folder: 'carol', read: true, write: false, delete: false }],
    });
    const repo = await SqliteRepository.open({ dataDir });
    expect(await repo.verifyPassword('carol', 'pw1')).toBe(true);
    expect((await cli(usersCommand, ['passwd', 'carol', '--password-stdin'], 'pw2\n')).code).toBe(0);
    expect(await repo.verifyPassword('carol', 'pw2')).toBe(true);
    expect((await cli(usersCommand, ['passwd', 'carol'])).code).toBe(2);
    expect((await cli(usersCommand, ['set-privileges', 'carol', '--privilege', 'export'])).stdout).toBe(
      'privileges of carol: export\n',
    );
    // No privileges at all (the user can no longer log on) is said as "none", alone.
    expect((await cli(usersCommand, ['set-privileges', 'carol', '--privilege', 'none'])).stdout).toBe(
      'privileges of carol: none\n',
    );
    expect((await repo.getUser('carol'))?.privileges).toEqual([]);
    expect(
      await cli(usersCommand, ['set-privileges', 'carol', '--privilege', 'none', '--privilege', 'login']),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^--privilege none stands alone/),
    });
    expect((await cli(usersCommand, ['set-privileges', 'carol'])).code).toBe(2);
    expect((await repo.getUser('carol'))?.privileges).toEqual([]);
    await cli(usersCommand, ['set-privileges', 'carol', '--privilege', 'export']);
    expect((await cli(usersCommand, ['set-auth', 'carol', 'directoryServices'])).code).toBe(0);
    const refused = await cli(usersCommand, ['passwd', 'carol', '--password-stdin'], 'pw3\n');
    expect(refused).toMatchObject({
      code: 1,
      stderr: "carol logs on with Directory Services: its password is MDaemon's\n",
    });
    expect((await cli(usersCommand, ['show', 'CAROL'])).stdout).toContain('authentication:  directoryServices');
    expect((await cli(usersCommand, ['add', 'x', '--privilege', 'superuser'])).code).toBe(2);
    expect((await cli(usersCommand, ['delete', 'admin'])).code).toBe(1);
    expect((await cli(usersCommand, ['delete', 'carol'])).stdout).toBe(
      'deleted user carol; empty archive folder removed\n',
    );
    expect((await cli(usersCommand, ['show', 'carol'])).code).toBe(2);
    await repo.close();
  });

  it('archive import reads the headers into the user folder; folders shows it, kept after the user goes', async () => {
    await cli(usersCommand, ['add', 'dora']);
    const eml = path.join(root, 'm.eml');
    fs.writeFileSync(
      eml,
      'From: =?ISO-8859-1?Q?J=FCrgen_Gro=DF?= <j@x.test>\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n =?UTF-8?Q?_aus_K=C3=B6ln?=\r\n' +
        'Date: Tue, 1 Jul 2003 10:52:37 +0200 (CEST)\r\nMessage-ID: <abc@x.test>\r\n\r\nBody\r\n',
    );
    expect(messageMeta(fs.readFileSync(eml))).toEqual({
      subject: 'Grüße aus Köln',
      from: 'Jürgen Groß <j@x.test>',
      date: '2003-07-01T08:52:37.000Z',
      size: fs.statSync(eml).size,
      messageId: '<abc@x.test>',
    });
    expect(decodeEncodedWords('plain =?bogus-charset?Q?x?= text')).toBe('plain =?bogus-charset?Q?x?= text');
    const r = await cli(archiveCommand, ['import', '--user', 'DORA', eml, eml]);
    expect(r).toMatchObject({ code: 0, stdout: 'imported 2 messages into dora (2 in all)\n' });
    expect((await cli(archiveCommand, ['import', '--user', 'nobody', eml])).code).toBe(2);
    await cli(usersCommand, ['delete', 'dora']);
    expect(JSON.parse((await cli(foldersCommand, ['--json'])).stdout)).toEqual([
      { name: 'admin', owner: 'admin', messages: 0 },
      { name: 'dora', owner: null, messages: 2 },
    ]);
    expect((await cli(foldersCommand, [])).stdout).toContain('(no owner)');
  });
});

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../shared/result';
import { encodeUserlistRecord, makeUserlist } from '../../core/mdaemon/testing/make-userlist';
import { memorySource } from '../../core/mdaemon/testing/memory-source';
import { CliError, exitCodeFor, type CliIo } from '../io';
import { inspect, jsonChunks, makeInspect, toJson, type InspectDeps } from './inspect';

const SAMPLE = path.resolve(__dirname, '../../../build-resources/sample-app');

/** Runs a command like the dispatcher does: one line on stderr and an exit status for errors. */
async function run(
  argv: string[],
  opts: { env?: Record<string, string>; stdin?: string; deps?: Partial<InspectDeps> } = {},
) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: () => Promise.resolve(opts.stdin ?? ''),
    env: opts.env ?? {},
    defaultDataDir: '/nonexistent',
  };
  const command = opts.deps
    ? makeInspect({
        platform: 'linux',
        readRegistry: () => Promise.resolve(null),
        dirExists: () => Promise.resolve(false),
        loadSmbSource: () => Promise.reject(new Error('no SMB in this test')),
        ...opts.deps,
      })
    : inspect;
  let code: number;
  try {
    code = await command(argv, io);
  } catch (err) {
    const known = err instanceof UserError || err instanceof CliError;
    stderr += `mdsync inspect: ${known ? (err as Error).message : `internal error: ${String(err)}`}\n`;
    code = exitCodeFor(err);
  }
  return { code, stdout, stderr };
}

describe('mdsync inspect', () => {
  let dir = '';
  const MARK = 'PW-Zq81!unique';
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mdsync-inspect-'));
    const records = [
      encodeUserlistRecord(
        { domain: 'company.test', mailbox: 'frank', fullName: 'Frank Müller', password: MARK },
        'cp1252',
      ),
      encodeUserlistRecord({ domain: 'company.test', mailbox: 'frank', fullName: 'Dup', password: MARK }, 'cp1252'),
      encodeUserlistRecord({ domain: 'bad domain', mailbox: 'x', password: MARK }, 'cp1252'),
      encodeUserlistRecord({ domain: 'company.test', mailbox: 'cut', password: MARK }, 'cp1252').subarray(0, 205),
    ];
    await fs.writeFile(path.join(dir, 'USERLIST.DAT'), Buffer.concat(records.flatMap((r) => [r, Buffer.from('\r\n')])));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('prints a human summary of the sample App directory', async () => {
    const r = await run(['--app-dir', SAMPLE, '--code-page', '1252']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`App directory: ${SAMPLE} (code page cp1252)`);
    expect(r.stdout).toContain('15 accounts (1 disabled) in 3 domains');
    expect(r.stdout).toMatch(/ {2}company\.test +7\n/);
    expect(r.stdout).toMatch(/ {2}Geschäftsführung +2 members\n/);
    expect(r.stdout).toContain('USERLIST.DAT read as 235-byte records with CR LF');
    expect(r.stdout).toContain('0 warnings, 1 notes');
    expect(r.stdout).toContain('  Alias.dat:6: note: alias *@partner.example has wildcards');
  });

  it('prints the contract JSON', async () => {
    const r = await run(['--app-dir', SAMPLE, '--code-page', 'cp1252', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['accounts', 'domains', 'groups', 'warnings', 'invalidRecords', 'framing']);
    expect(json.framing).toBe('records');
    expect(json.accounts[0]).toEqual({
      email: 'frank@company.test',
      domain: 'company.test',
      mailbox: 'frank',
      fullName: 'Frank Müller',
      accessType: 'Y',
      groups: ['Sales'],
      aliases: ['sales@company.test', 'f.mueller@company.test'],
    });
    expect(json.domains).toEqual(['branch.company.test', 'company.test', 'partner.example']);
    expect(json.groups[0]).toEqual({
      name: 'Sales',
      description: 'Sales team',
      members: ['frank@company.test', 'anna@company.test', 'francois@partner.example'],
    });
    expect(json.warnings).toEqual([
      {
        file: 'Alias.dat',
        line: 6,
        level: 'note',
        message:
          'alias *@partner.example has wildcards: it matches many addresses, so it gives no archive address; ignored (later aliases it matches are ignored too, as MDaemon applies it first)',
      },
    ]);
  });

  it('lists warnings with file:line and never prints the password field', async () => {
    const human = await run(['--app-dir', dir]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('1 accounts in 1 domains');
    expect(human.stdout).toContain('2 invalid records in USERLIST.DAT (refused)');
    expect(human.stdout).toContain('1 duplicate accounts in USERLIST.DAT (the first record wins)');
    expect(human.stdout).toContain('USERLIST.DAT read line by line');
    expect(human.stdout).toContain('  USERLIST.DAT:2: duplicate account frank@company.test (first on line 1); ignored');
    expect(human.stdout).toContain('  USERLIST.DAT:4: record is 205 bytes, expected 235');
    const json = await run(['--app-dir', dir, '--json']);
    expect(JSON.parse(json.stdout).warnings).toHaveLength(4);
    expect(JSON.parse(json.stdout).invalidRecords).toBe(2);
    const notList = path.join(dir, 'not-a-list');
    await fs.mkdir(notList);
    await fs.writeFile(
      path.join(notList, 'USERLIST.DAT'),
      encodeUserlistRecord({ domain: 'a.test', mailbox: 'b', password: MARK }, 'cp1252').subarray(0, 215),
    );
    const refused = await run(['--app-dir', notList]);
    expect(refused.code).toBe(2);
    for (const out of [human, json, refused]) {
      expect(out.stdout + out.stderr).not.toContain('PW-Zq');
      expect(out.stdout + out.stderr).not.toContain('unique');
    }
  });

  it('shows the first ten warnings and how many more', async () => {
    const many = makeUserlist(
      Array.from({ length: 14 }, () => ({ domain: 'a.test', mailbox: 'same' })),
      'cp1252',
    );
    const sub = path.join(dir, 'many');
    await fs.mkdir(sub);
    await fs.writeFile(path.join(sub, 'userlist.dat'), many);
    const out = await run(['--app-dir', sub]);
    expect(out.stdout).toContain('13 warnings');
    expect(out.stdout.match(/USERLIST\.DAT:\d+:/g)).toHaveLength(10);
    expect(out.stdout).toContain('… and 3 more (see --json)');
  });

  it.each([
    [
      ['--app-dir', SAMPLE, '--code-page', 'cp9999'],
      /^mdsync inspect: unknown code page 'cp9999'; valid code pages: cp1252, /,
    ],
    [['--app-dir', '/no/such/dir'], /^mdsync inspect: App directory \/no\/such\/dir not found\n$/],
    [
      ['--app-dir', SAMPLE, '--verbose'],
      /^mdsync inspect: Unknown option '--verbose'.*; usage: mdsync inspect --app-dir DIR/,
    ],
    [['--app-dir', SAMPLE, 'extra'], /^mdsync inspect: Unexpected argument 'extra'/],
    [[], /^mdsync inspect: --app-dir is required; usage/],
    [['--app-dir', path.join(SAMPLE, '..')], /^mdsync inspect: USERLIST.DAT not found in /],
  ])('exits 2 with one line for %j', async (argv, stderr) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(stderr);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 for a file that is not a USERLIST.DAT', async () => {
    const sub = path.join(dir, 'csv');
    await fs.mkdir(sub);
    await fs.writeFile(path.join(sub, 'USERLIST.DAT'), 'domain,mailbox\ncompany.test,frank\n');
    const r = await run(['--app-dir', sub]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(
      'mdsync inspect: USERLIST.DAT is not an MDaemon account list: no valid record, and 2 of 2 lines are not 235-byte records\n',
    );
  });

  it('uses the system code page when none is given', async () => {
    const sub = path.join(dir, 'cp1251');
    await fs.mkdir(sub);
    await fs.writeFile(
      path.join(sub, 'USERLIST.DAT'),
      makeUserlist([{ domain: 'firma.test', mailbox: 'ivan', fullName: 'Иван Петров' }], 'cp1251'),
    );
    const r = await run(['--app-dir', sub, '--json'], {
      deps: { platform: 'win32', readRegistry: (_k, v) => Promise.resolve(v === 'ACP' ? '1251' : null) },
    });
    expect(JSON.parse(r.stdout).accounts[0].fullName).toBe('Иван Петров');
  });

  it('detects the App directory on Windows when --app-dir is missing', async () => {
    const r = await run(['--code-page', 'cp1252', '--json'], {
      deps: {
        platform: 'win32',
        readRegistry: (_k, v) => Promise.resolve(v === 'AppPath' ? SAMPLE : null),
        dirExists: (p) => Promise.resolve(p === SAMPLE),
      },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).accounts).toHaveLength(15);
  });

  it('reads UNC paths over SMB off Windows with the share user and the password from the environment or stdin', async () => {
    const calls: unknown[] = [];
    const smb = () =>
      Promise.resolve((o: { unc: string; domain: string; userName: string; password: string }) => {
        calls.push(o);
        return memorySource(
          { 'USERLIST.DAT': makeUserlist([{ domain: 'a.test', mailbox: 'b' }], 'cp1252') },
          { description: o.unc },
        );
      });
    const env = await run(
      ['--app-dir', '//mdaemon/app', '--share-user', 'reader', '--share-domain', 'CORP', '--code-page', 'cp1252'],
      {
        env: { MDSYNC_SHARE_PASSWORD: 'env-secret' },
        deps: { loadSmbSource: smb },
      },
    );
    expect(env.code).toBe(0);
    expect(env.stdout).toContain('App directory: \\\\mdaemon\\app');
    const stdin = await run(
      ['--app-dir', '\\\\mdaemon\\app', '--share-user', 'reader', '--share-password-stdin', '--code-page', 'cp1252'],
      {
        stdin: 'stdin-secret\n',
        deps: { loadSmbSource: smb },
      },
    );
    expect(stdin.code).toBe(0);
    expect(calls).toEqual([
      { unc: '\\\\mdaemon\\app', domain: 'CORP', userName: 'reader', password: 'env-secret' },
      { unc: '\\\\mdaemon\\app', domain: '', userName: 'reader', password: 'stdin-secret' },
    ]);
    for (const out of [env, stdin]) expect(out.stdout + out.stderr).not.toMatch(/secret/);
    const missing = await run(['--app-dir', '//mdaemon/app', '--code-page', 'cp1252'], {
      deps: { loadSmbSource: smb },
    });
    expect(missing).toMatchObject({
      code: 2,
      stderr: "mdsync inspect: reading //mdaemon/app here needs the share's user name and password\n",
    });
  });
});

describe('inspect JSON', () => {
  it.each([0, 1, 2000, 4001])('writes %i accounts in chunks that join to the whole document', (n) => {
    const read = {
      accounts: Array.from({ length: n }, (_, i) => ({
        email: `u${i}@company.test`,
        domain: 'company.test',
        mailbox: `u${i}`,
        fullName: `Frank "F" M\u00fcller \\ \u2028 \t ${i}`,
        accessType: 'Y' as const,
        groups: i % 2 ? ['Sales'] : [],
        aliases: [],
      })),
      domains: n ? ['company.test'] : [],
      groups: [{ name: 'Sales', description: 'Sales team', members: ['u1@company.test'] }],
      warnings: [{ file: 'USERLIST.DAT', line: 7, message: 'record is 120 bytes, expected 235' }],
      invalidRecords: 1,
    };
    const chunks = [...jsonChunks(read)];
    expect(chunks.length).toBe(Math.ceil(n / 2000) + 1);
    expect(JSON.parse(chunks.join(''))).toEqual(read);
    expect(toJson(read)).toBe(chunks.join(''));
  });
});

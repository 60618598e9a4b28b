import iconv from 'iconv-lite';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryRead } from '../../../shared/model';
import { UserError } from '../../../shared/result';
import { createLocalSource } from './local-source';
import { readDirectory } from './read-directory';
import { makeUserlist } from './testing/make-userlist';
import { memorySource } from './testing/memory-source';

const userlist = makeUserlist(
  [
    { domain: 'company.test', mailbox: 'frank', fullName: 'Frank Müller' },
    { domain: 'company.test', mailbox: 'anna', fullName: 'Anna Schmidt' },
    { domain: 'branch.company.test', mailbox: 'frank', fullName: 'Frank B' },
    { domain: 'another.test', mailbox: 'x', fullName: 'X' },
  ],
  'cp1252',
);
const groups = iconv.encode(
  '[Sales]\r\nMember=FRANK@company.test\r\nMember=ghost@company.test\r\n[Größe]\r\nMembers=frank@company.test,anna@company.test\r\n',
  'cp1252',
);
const aliases = Buffer.from(
  'sales@company.test = frank@company.test\r\nf@company.test = FRANK@company.test\r\nsales@company.test = frank@company.test\r\nanna@company.test = frank@company.test\r\nold@company.test = gone@company.test\r\nfrank@company.test = frank@company.test\r\n*@company.test = anna@company.test\r\n',
);

async function rejection(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('did not reject');
}

describe('readDirectory', () => {
  it('links groups and aliases to accounts and sorts domains', async () => {
    const progress: [number, number][] = [];
    const read = await readDirectory(
      memorySource({ 'Userlist.dat': userlist, 'GROUPS.DAT': groups, 'alias.dat': aliases }),
      {
        codePage: 'cp1252',
        onProgress: (d, t) => progress.push([d, t]),
      },
    );
    expect(DirectoryRead.parse(read)).toEqual(read);
    expect(read.domains).toEqual(['another.test', 'branch.company.test', 'company.test']);
    expect(read.accounts.map((a) => [a.email, a.groups, a.aliases])).toEqual([
      ['frank@company.test', ['Sales', 'Größe'], ['sales@company.test', 'f@company.test']],
      ['anna@company.test', ['Größe'], []],
      ['frank@branch.company.test', [], []],
      ['x@another.test', [], []],
    ]);
    expect(read.groups).toEqual([
      { name: 'Sales', description: '', members: ['frank@company.test', 'ghost@company.test'] },
      { name: 'Größe', description: '', members: ['frank@company.test', 'anna@company.test'] },
    ]);
    expect(read.warnings).toEqual([
      {
        file: 'Groups.dat',
        line: 3,
        message: 'group "Sales": member ghost@company.test has no account in USERLIST.DAT',
      },
      { file: 'Alias.dat', line: 4, message: 'alias anna@company.test is itself an account; ignored' },
      {
        file: 'Alias.dat',
        line: 5,
        message: 'alias old@company.test points at gone@company.test, which has no account',
      },
      {
        file: 'Alias.dat',
        line: 7,
        level: 'note',
        message:
          'alias *@company.test has wildcards: it matches many addresses, so it gives no archive address; ignored (later aliases it matches are ignored too, as MDaemon applies it first)',
      },
    ]);
    expect(read.framing).toBe('records');
    expect(read.duplicates).toEqual([]);
    expect(read.invalidRecords).toBe(0);
    expect(progress).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('reads no groups and no aliases when those files are missing', async () => {
    const read = await readDirectory(memorySource({ 'USERLIST.DAT': userlist }), { codePage: 'cp1252' });
    expect(read.groups).toEqual([]);
    expect(read.accounts.every((a) => a.groups.length === 0 && a.aliases.length === 0)).toBe(true);
  });

  it('refuses a missing USERLIST.DAT with notFound', async () => {
    const err = await rejection(
      readDirectory(memorySource({}, { description: '\\\\mdaemon\\app' }), { codePage: 'cp1252' }),
    );
    expect([err.code, err.message]).toEqual(['notFound', 'USERLIST.DAT not found in \\\\mdaemon\\app']);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      readDirectory(memorySource({ 'USERLIST.DAT': userlist }), { codePage: 'cp1252', signal: controller.signal }),
    ).rejects.toThrow(/abort/i);
  });

  it('reads the committed sample App directory', async () => {
    const dir = path.resolve(__dirname, '../../../build-resources/sample-app');
    const read = await readDirectory(createLocalSource(dir), { codePage: 'cp1252' });
    expect(read.warnings).toEqual([
      {
        file: 'Alias.dat',
        line: 6,
        level: 'note',
        message:
          'alias *@partner.example has wildcards: it matches many addresses, so it gives no archive address; ignored (later aliases it matches are ignored too, as MDaemon applies it first)',
      },
    ]);
    expect(read.accounts).toHaveLength(15);
    expect(read.domains).toEqual(['branch.company.test', 'company.test', 'partner.example']);
    expect(read.accounts.find((a) => a.email === 'zoe@company.test')).toMatchObject({
      fullName: 'Zoë Lefèvre',
      groups: ['Geschäftsführung'],
      aliases: ['zoe.lefevre@company.test'],
    });
    expect(read.accounts.find((a) => a.email === 'chantal@company.test')?.accessType).toBe('C');
    expect(read.groups.map((g) => g.name)).toEqual(['Sales', 'Field Staff', 'Geschäftsführung', 'Helpdesk']);
  });

  it('applies Alias.dat in file order: the first matching alias wins, wildcards shadow later aliases', async () => {
    const text = [
      'team@company.test = frank@company.test',
      'team@company.test = anna@company.test', // a later alias for the same address loses
      'team@company.test = frank@company.test', // the same again: nothing to say
      'any*@company.test = anna@company.test', // a wildcard: never an address
      'anyone@company.test = frank@company.test', // matched by the wildcard first: MDaemon sends it to anna
      'help@$LOCALDOMAIN$ = x@another.test', // help@ at every local domain
      'help@company.test = anna@company.test', // already taken by the line above
      'frank@$localdomain$ = x@another.test', // frank@ is an account at two domains: only frank@another.test
      'Q?@$LOCALDOMAIN$ = anna@company.test', // a wildcard over the local domains
      'qa@another.test = frank@company.test', // matched by it
      'qa@elsewhere.test = frank@company.test', // not matched
    ].join('\r\n');
    const read = await readDirectory(memorySource({ 'USERLIST.DAT': userlist, 'Alias.dat': Buffer.from(text) }), {
      codePage: 'cp1252',
    });
    expect(read.accounts.map((a) => [a.email, a.aliases])).toEqual([
      ['frank@company.test', ['team@company.test', 'qa@elsewhere.test']],
      ['anna@company.test', []],
      ['frank@branch.company.test', []],
      ['x@another.test', ['help@another.test', 'help@branch.company.test', 'help@company.test', 'frank@another.test']],
    ]);
    const all = read.accounts.flatMap((a) => a.aliases);
    expect(all.some((a) => /[*?$]/.test(a))).toBe(false);
    expect(read.warnings.filter((w) => w.level !== 'note')).toEqual([
      {
        file: 'Alias.dat',
        line: 2,
        message: 'alias team@company.test appears again (line 1 comes first and wins); ignored',
      },
      {
        file: 'Alias.dat',
        line: 5,
        message:
          'alias anyone@company.test is matched first by the wildcard alias any*@company.test on line 4; ignored',
      },
      {
        file: 'Alias.dat',
        line: 7,
        message: 'alias help@company.test appears again (line 6 comes first and wins); ignored',
      },
      {
        file: 'Alias.dat',
        line: 10,
        message: 'alias qa@another.test is matched first by the wildcard alias q?@$localdomain$ on line 9; ignored',
      },
    ]);
    expect(read.warnings.filter((w) => w.level === 'note').map((w) => w.line)).toEqual([4, 9]);
  });

  it('passes duplicates and the framing on, and does not count duplicates as invalid', async () => {
    const withDuplicate = makeUserlist(
      [
        { domain: 'company.test', mailbox: 'frank', fullName: 'Frank Müller' },
        { domain: 'Company.Test', mailbox: 'FRANK', fullName: 'Frank Again' },
      ],
      'cp1252',
      { eol: '\n' },
    );
    const read = await readDirectory(memorySource({ 'USERLIST.DAT': withDuplicate }), { codePage: 'cp1252' });
    expect(DirectoryRead.parse(read)).toEqual(read);
    expect(read.invalidRecords).toBe(0);
    expect(read.duplicates).toEqual([
      { file: 'USERLIST.DAT', line: 2, email: 'frank@company.test', firstLine: 1, fullName: 'Frank Again' },
    ]);
    expect(read.framing).toBe('lines');
  });
});

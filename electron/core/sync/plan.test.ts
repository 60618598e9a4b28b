import { describe, expect, it } from 'vitest';
import type { Change, DirectoryRead } from '../../../shared/model';
import type { Settings } from '../../../shared/settings';
import { UserError } from '../../../shared/result';
import { readDirectory } from '../mdaemon/read-directory';
import { makeUserlist } from '../mdaemon/testing/make-userlist';
import { memorySource } from '../mdaemon/testing/memory-source';
import {
  type CurrentUser,
  NEW_ACCOUNT,
  REATTACHED,
  REATTACH_PLANNED,
  appliedCreateReason,
  planSync,
  sameAddresses,
  summarize,
} from './plan';
import { type GuardInput, defaultDeleteLimit, deleteLimitOf, holdReason } from './guard';
import { account, directory, settingsWith } from './testing/fixtures';
import { referencePlan } from './testing/reference-plan';

const ds = (userName: string, extra: Partial<CurrentUser> = {}): CurrentUser => ({
  userName,
  fullName: `Name of ${userName.split('@')[0]}`,
  emailAddresses: [userName],
  authentication: 'directoryServices',
  ...extra,
});
const actions = (read: DirectoryRead, current: CurrentUser[], sync = {}, opts = {}) =>
  planSync(read, settingsWith(sync), current, opts).changes.map((c) => `${c.action} ${c.userName}`);

describe('scope', () => {
  const read = directory([
    account('a@one.test', { groups: ['Sales'] }),
    account('b@one.test', { groups: ['Staff'] }),
    account('c@two.test', { groups: ['Sales', 'Staff'] }),
    account('d@two.test', { accessType: 'C' }),
  ]);

  it('takes every account when no domain and no group is selected', () => {
    expect(actions(read, [])).toEqual([
      'create a@one.test',
      'create b@one.test',
      'create c@two.test',
      'create d@two.test',
    ]);
  });

  it('keeps only selected domains, case-insensitively', () => {
    expect(actions(read, [], { domains: ['TWO.test'] })).toEqual(['create c@two.test', 'create d@two.test']);
  });

  it('keeps members of at least one selected group', () => {
    expect(actions(read, [], { groups: ['sales'] })).toEqual(['create a@one.test', 'create c@two.test']);
    expect(actions(read, [], { groups: ['Sales'], domains: ['one.test'] })).toEqual(['create a@one.test']);
  });

  it('leaves disabled accounts (AccessType C) out when includeDisabled is off', () => {
    expect(actions(read, [], { includeDisabled: false })).not.toContain('create d@two.test');
    expect(actions(read, [], { includeDisabled: true })).toContain('create d@two.test');
  });

  it('warns about a group or domain filter that names nothing', () => {
    const plan = planSync(read, settingsWith({ groups: ['Sales', 'Nobody'], domains: ['one.test', 'three.test'] }), []);
    expect(plan.warnings).toEqual([
      { file: 'USERLIST.DAT', line: null, message: 'the domain filter names three.test, which has no accounts' },
      { file: 'Groups.dat', line: null, message: 'the group filter names Nobody, which does not exist' },
    ]);
    expect(plan.changes.map((c) => c.userName)).toEqual(['a@one.test']);
  });

  it('refuses a group filter when Groups.dat is missing, and ignores a missing Groups.dat otherwise', () => {
    const noGroups = directory([account('a@one.test')]);
    expect(() => planSync(noGroups, settingsWith({ groups: ['Sales'] }), [])).toThrow(/Groups\.dat is missing/);
    expect(planSync(noGroups, settingsWith(), []).summary.create).toBe(1);
  });
});

describe('user names and addresses', () => {
  it('uses the mailbox when asked, skipping both sides of a cross-domain collision', () => {
    const read = directory([account('frank@one.test'), account('Frank@two.test'), account('anna@two.test')]);
    const plan = planSync(read, settingsWith({ userNameFormat: 'mailbox' }), [ds('frank')], { confirmDeletes: true });
    expect(plan.changes.map((c) => `${c.action} ${c.userName}`)).toEqual(['create anna', 'skip frank', 'skip Frank']);
    expect(plan.changes[1]?.reason).toBe(
      'mailbox name frank exists in several domains (Frank@two.test, frank@one.test)',
    );
    // the colliding names' existing user is not deleted: its account still exists
    expect(plan.summary.delete).toBe(0);
  });

  it('adds exact aliases when alias import is on, and compares addresses ignoring order and case', () => {
    const read = directory([account('a@one.test', { aliases: ['alias@one.test', 'A@ONE.test', '*@wild.test'] })]);
    expect(planSync(read, settingsWith(), []).changes[0]?.emailAddresses).toEqual(['a@one.test', 'alias@one.test']);
    expect(planSync(read, settingsWith({ importAliases: false }), []).changes[0]?.emailAddresses).toEqual([
      'a@one.test',
    ]);
    const current = [ds('a@one.test', { emailAddresses: ['ALIAS@one.test', 'a@one.test'] })];
    expect(actions(read, current)).toEqual(['unchanged a@one.test']);
    expect(sameAddresses(['x@y', 'z@y'], ['Z@Y', 'X@y'])).toBe(true);
    expect(sameAddresses(['x@y'], ['x@y', 'z@y'])).toBe(false);
  });

  it('never synchronizes the built-in admin and skips invalid accounts with a reason', () => {
    const read = directory([account('admin@one.test'), account('bad', { domain: '', mailbox: 'bad' })]);
    const plan = planSync(read, settingsWith({ userNameFormat: 'mailbox' }), []);
    expect(plan.changes.map((c) => [c.action, c.userName, c.reason])).toEqual([
      ['skip', 'admin', 'the built-in admin user is never synchronized'],
      ['skip', 'bad', 'invalid email address'],
    ]);
  });
});

describe('compare', () => {
  const read = directory([
    account('a@one.test', { fullName: 'Anna New' }),
    account('b@one.test'),
    account('c@one.test'),
  ]);

  it('creates, updates full name and addresses only, and leaves equal users unchanged', () => {
    const current = [
      ds('A@one.test', { fullName: 'Anna Old', authentication: 'integrated' }),
      ds('b@one.test', { emailAddresses: ['b@one.test', 'old@one.test'] }),
    ];
    const plan = planSync(read, settingsWith(), current);
    expect(plan.changes).toEqual([
      {
        action: 'update',
        userName: 'A@one.test',
        fullName: 'Anna New',
        emailAddresses: ['a@one.test'],
        reason: 'full name was "Anna Old"',
      },
      {
        action: 'update',
        userName: 'b@one.test',
        fullName: 'Name of b',
        emailAddresses: ['b@one.test'],
        reason: 'email addresses were b@one.test, old@one.test',
      },
      {
        action: 'create',
        userName: 'c@one.test',
        fullName: 'Name of c',
        emailAddresses: ['c@one.test'],
        reason: 'new MDaemon account',
      },
    ]);
    expect(plan.summary).toEqual({ create: 1, update: 2, delete: 0, unchanged: 0, skip: 0, held: 0 });
  });

  it('is deterministic whatever the order of the accounts and users', () => {
    const many = Array.from({ length: 50 }, (_, i) => account(`u${(i * 37) % 50}@d${i % 3}.test`));
    const users = Array.from({ length: 30 }, (_, i) => ds(`old${i}@x.test`));
    const a = planSync(directory(many), settingsWith({ deleteUsers: true }), users, { confirmDeletes: true });
    const b = planSync(directory([...many].reverse()), settingsWith({ deleteUsers: true }), [...users].reverse(), {
      confirmDeletes: true,
    });
    expect(b).toEqual(a);
    const names = a.changes.filter((c) => c.action === 'create').map((c) => c.userName.toLowerCase());
    expect(names).toEqual([...names].sort());
    expect(a.changes.slice(-30).every((c) => c.action === 'delete')).toBe(true);
  });
});

describe('what makes an update', () => {
  const lineOf = (acc: ReturnType<typeof account>, user: CurrentUser) =>
    planSync(directory([acc]), settingsWith(), [user]).changes[0];

  it('replacing an address by another, the count unchanged, is an update naming the old addresses', () => {
    const acc = account('b@one.test', { aliases: ['new@one.test'] });
    expect(lineOf(acc, ds('b@one.test', { emailAddresses: ['b@one.test', 'old@one.test'] }))).toEqual({
      action: 'update',
      userName: 'b@one.test',
      fullName: 'Name of b',
      emailAddresses: ['b@one.test', 'new@one.test'],
      reason: 'email addresses were b@one.test, old@one.test',
    });
    expect(sameAddresses(['b@one.test', 'old@one.test'], ['b@one.test', 'new@one.test'])).toBe(false);
  });

  it('says "(none)" for a user who had no address, and names both a new full name and new addresses', () => {
    expect(lineOf(account('b@one.test'), ds('b@one.test', { emailAddresses: [] }))?.reason).toBe(
      'email addresses were (none)',
    );
    const both = lineOf(account('b@one.test'), ds('b@one.test', { fullName: 'Old', emailAddresses: ['x@one.test'] }));
    expect([both?.action, both?.reason]).toEqual(['update', 'full name was "Old"; email addresses were x@one.test']);
  });

  it("leaves unchanged a user whose addresses differ only in order and case, listing the account's addresses", () => {
    const acc = account('a@one.test', { aliases: ['alias@one.test'] });
    const user = ds('A@ONE.test', { fullName: 'Name of a', emailAddresses: ['ALIAS@one.test', 'a@one.test'] });
    expect(lineOf(acc, user)).toEqual({
      action: 'unchanged',
      userName: 'A@ONE.test',
      fullName: 'Name of a',
      emailAddresses: ['a@one.test', 'alias@one.test'],
      reason: 'up to date',
    });
  });

  it("keeps the user's own address list on an unchanged line when it matches to the letter", () => {
    // The plan then holds nothing of the accounts (their memory goes whole after a big read).
    const user = ds('a@one.test');
    expect(lineOf(account('a@one.test'), user)?.emailAddresses).toBe(user.emailAddresses);
    const reordered = ds('a@one.test', { emailAddresses: ['alias@one.test', 'a@one.test'] });
    const line = lineOf(account('a@one.test', { aliases: ['alias@one.test'] }), reordered);
    expect(line?.action).toBe('unchanged');
    expect(line?.emailAddresses).not.toBe(reordered.emailAddresses);
  });
});

describe('accounts that cannot be users', () => {
  it('skips an account whose mailbox is blank though its address looks valid, and deletes not its user', () => {
    const read = directory([account('x@one.test', { mailbox: '  ' }), account('y@one.test')]);
    const plan = planSync(read, settingsWith({ deleteUsers: true }), [ds('x@one.test'), ds('y@one.test')]);
    expect(plan.changes.map((c) => `${c.action} ${c.userName}: ${c.reason}`)).toEqual([
      'skip x@one.test: invalid email address',
      'unchanged y@one.test: up to date',
    ]);
    const byMailbox = planSync(read, settingsWith({ userNameFormat: 'mailbox' }), []);
    expect(byMailbox.changes.map((c) => `${c.action} ${c.userName}`)).toEqual(['skip x@one.test', 'create y']);
  });

  it('takes a user name of exactly 255 characters and skips one of 256', () => {
    const read = directory([account(`${'m'.repeat(255)}@one.test`), account(`${'n'.repeat(256)}@one.test`)]);
    const plan = planSync(read, settingsWith({ userNameFormat: 'mailbox' }), []);
    expect(plan.changes.map((c) => `${c.action} ${c.userName.length}: ${c.reason}`)).toEqual([
      'create 255: new MDaemon account',
      'skip 256: user name longer than 255 characters',
    ]);
  });
});

describe('deletes and the deletion guard', () => {
  const read = directory([account('keep@one.test')]);
  const current = [
    ds('admin', { authentication: 'integrated' }),
    ds('keep@one.test'),
    ds('gone1@one.test'),
    ds('gone2@one.test'),
    ds('manual@one.test', { authentication: 'integrated' }),
  ];

  it('deletes only Directory Services users without an account in scope, only when asked', () => {
    expect(actions(read, current)).toEqual(['unchanged keep@one.test']);
    expect(actions(read, current, { deleteUsers: true })).toEqual([
      'unchanged keep@one.test',
      'delete gone1@one.test',
      'delete gone2@one.test',
    ]);
  });

  it('deletes a Directory Services user whose account left the scope', () => {
    const two = directory([account('keep@one.test'), account('other@two.test')]);
    expect(
      actions(two, [ds('keep@one.test'), ds('other@two.test')], { deleteUsers: true, domains: ['one.test'] }),
    ).toEqual(['unchanged keep@one.test', 'delete other@two.test']);
  });

  it('says in the reason that, with a domain or group filter, users outside it are deleted too', () => {
    const two = directory([account('keep@one.test'), account('other@two.test', { groups: ['Sales'] })]);
    const users = [ds('keep@one.test'), ds('other@two.test'), ds('gone@one.test')];
    const reasons = (filter: Partial<Settings['sync']>) =>
      planSync(two, settingsWith({ deleteUsers: true, ...filter }), users)
        .changes.filter((c) => c.action === 'delete')
        .map((c) => `${c.userName}: ${c.reason}`);
    const outside = 'users outside the filter are deleted too';
    expect(reasons({})).toEqual(['gone@one.test: no longer an MDaemon account in scope']);
    expect(reasons({ domains: ['one.test'] })).toEqual([
      `gone@one.test: not an MDaemon account in the selected domains: ${outside}`,
      `other@two.test: not an MDaemon account in the selected domains: ${outside}`,
    ]);
    expect(reasons({ groups: ['Sales'] })).toEqual([
      `gone@one.test: not an MDaemon account in the selected groups: ${outside}`,
      `keep@one.test: not an MDaemon account in the selected groups: ${outside}`,
    ]);
    expect(reasons({ groups: ['Sales'], domains: ['two.test'] })[0]).toBe(
      `gone@one.test: not an MDaemon account in the selected groups and domains: ${outside}`,
    );
  });

  const many = Array.from({ length: 60 }, (_, i) => ds(`old${String(i).padStart(2, '0')}@one.test`));

  it('holds every delete beyond the default limit of max(5, 10 %) while creates still apply', () => {
    expect(defaultDeleteLimit(10)).toBe(5);
    expect(defaultDeleteLimit(200)).toBe(20);
    const six = many.slice(0, 6);
    const plan = planSync(directory([account('new@one.test')]), settingsWith({ deleteUsers: true }), six);
    expect(plan.summary).toMatchObject({ create: 1, delete: 0, held: 6 });
    expect(plan.changes[1]?.reason).toBe(
      'held by the deletion guard: 6 deletes exceed the limit of 5; confirm the deletes to apply them',
    );
    expect(
      planSync(directory([account('new@one.test')]), settingsWith({ deleteUsers: true }), six.slice(0, 5)).summary
        .delete,
    ).toBe(5);
  });

  it('takes a limit override as a number or a percentage, and confirmation releases held deletes', () => {
    const r = directory([account('x@one.test')]);
    const s = settingsWith({ deleteUsers: true });
    expect(planSync(r, s, many, {}).summary.held).toBe(60);
    expect(planSync(r, s, many, { deleteLimitOverride: deleteLimitOf('60') }).summary.delete).toBe(60);
    expect(planSync(r, s, many, { deleteLimitOverride: deleteLimitOf('50%') }).summary.held).toBe(60);
    expect(planSync(r, s, many, { deleteLimitOverride: deleteLimitOf('100%') }).summary.delete).toBe(60);
    expect(planSync(r, settingsWith({ deleteUsers: true, deleteLimit: '60' }), many).summary.delete).toBe(60);
    // the override replaces the saved limit
    const saved = settingsWith({ deleteUsers: true, deleteLimit: '60' });
    expect(planSync(r, saved, many, { deleteLimitOverride: deleteLimitOf('59') }).summary.held).toBe(60);
    expect(planSync(r, s, many, { confirmDeletes: true }).summary.delete).toBe(60);
    expect(() => planSync(r, settingsWith({ deleteLimit: 'lots' }), many)).toThrow(/not a number of users/);
  });

  it('holds every delete, even confirmed, when the source has invalid records', () => {
    const plan = planSync({ ...read, invalidRecords: 2 }, settingsWith({ deleteUsers: true }), current, {
      confirmDeletes: true,
      deleteLimitOverride: deleteLimitOf('100'),
    });
    expect(plan.summary).toMatchObject({ delete: 0, held: 2, unchanged: 1 });
    expect(plan.changes[1]?.reason).toBe(
      'held: USERLIST.DAT has 2 invalid records; nothing is deleted while the source has invalid records',
    );
  });

  it('holds every delete when no account is in scope: an empty source changes nothing', () => {
    const plan = planSync(directory([]), settingsWith({ deleteUsers: true }), current, { confirmDeletes: true });
    expect(plan.summary).toEqual({ create: 0, update: 0, delete: 0, unchanged: 0, skip: 0, held: 3 });
    expect(plan.changes.every((c) => c.reason.startsWith('held: no MDaemon account is in scope'))).toBe(true);
    const filtered = planSync(read, settingsWith({ deleteUsers: true, domains: ['nowhere.test'] }), current, {
      confirmDeletes: true,
    });
    expect(filtered.summary.held).toBe(3);
  });

  it('refuses a percentage over 100 % saved in the settings, before planning anything', () => {
    const r = directory([account('x@one.test')]);
    const refusal = (sync: object, opts: object) => {
      try {
        planSync(r, settingsWith(sync), many, opts);
      } catch (err) {
        return err instanceof UserError ? `${err.code}: ${err.message}` : err;
      }
      return 'accepted';
    };
    expect(refusal({ deleteUsers: true, deleteLimit: '101%' }, {})).toBe(
      'usage: the delete limit 101% is more than 100%',
    );
    // refused even when this run deletes nobody: the limit is checked first
    expect(refusal({ deleteLimit: '250%' }, {})).toBe('usage: the delete limit 250% is more than 100%');
    expect(refusal({ deleteUsers: true, deleteLimit: '100%' }, {})).toBe('accepted');
    expect(refusal({ deleteLimit: 'lots' }, {})).toBe(
      'usage: the delete limit "lots" is not a number of users or a percentage such as 10%',
    );
    // the same refusal where a limit is given for the run (--delete-limit)
    expect(() => deleteLimitOf('101%')).toThrow(new UserError('usage', 'the delete limit 101% is more than 100%'));
  });

  it('reads a limit with spaces around it, as typed on a command line', () => {
    expect(deleteLimitOf(' 12 ')).toEqual({ kind: 'count', n: 12 });
    expect(deleteLimitOf('\t10% ')).toEqual({ kind: 'percent', p: 10 });
    expect(() => deleteLimitOf('1 2')).toThrow('the delete limit "1 2" is not a number of users');
  });

  const guard = (g: Partial<GuardInput>) =>
    holdReason({
      deletes: 1,
      directoryUsers: 10,
      invalidRecords: 0,
      accountsInScope: 1,
      limit: null,
      confirmed: false,
      ...g,
    });

  it('holds nothing when nothing is to be deleted, even from a broken or empty source', () => {
    expect(guard({ deletes: 0, invalidRecords: 3, accountsInScope: 0, limit: { kind: 'count', n: 0 } })).toBeNull();
    expect(guard({ deletes: 5 })).toBeNull();
    expect(guard({ deletes: 6 })).toMatch(/^held by the deletion guard: 6 deletes exceed the limit of 5;/);
    expect(guard({ deletes: 10, directoryUsers: 95, limit: { kind: 'percent', p: 10 } })).toMatch(
      /^held by the deletion guard: 10 deletes exceed the limit of 9;/,
    );
    expect(guard({ deletes: 9, directoryUsers: 95, limit: { kind: 'percent', p: 10 } })).toBeNull();
    expect(guard({ deletes: 7, directoryUsers: 10, limit: { kind: 'count', n: 7 } })).toBeNull();
  });

  it('names a single invalid record in the singular', () => {
    expect(guard({ invalidRecords: 1 })).toBe(
      'held: USERLIST.DAT has 1 invalid record; nothing is deleted while the source has invalid records',
    );
    const plan = planSync({ ...read, invalidRecords: 1 }, settingsWith({ deleteUsers: true }), current);
    expect(plan.changes[1]?.reason).toBe(
      'held: USERLIST.DAT has 1 invalid record; nothing is deleted while the source has invalid records',
    );
  });

  it('orders deletes of names that differ only in case by their exact spelling, whatever the archive order', () => {
    // 128 spellings of one name, shuffled: the sort of the deletes does real work (merges, not one run).
    const spellings = Array.from({ length: 128 }, (_, i) =>
      [...'abcdefg'].map((ch, bit) => ((i >> bit) & 1 ? ch.toUpperCase() : ch)).join(''),
    );
    const shuffled = spellings.map((name, i) => ({ name, at: (i * 83) % 128 })).sort((a, b) => a.at - b.at);
    const users = shuffled.map((s) => ds(`${s.name}@gone.test`));
    const plan = planSync(read, settingsWith({ deleteUsers: true }), users, { confirmDeletes: true });
    const deleted = plan.changes.filter((c) => c.action === 'delete').map((c) => c.userName);
    expect(deleted).toEqual(spellings.map((n) => `${n}@gone.test`).sort());
    expect(deleted).not.toEqual(users.map((u) => u.userName));
  });

  it('never deletes admin or integrated users', () => {
    const plan = planSync(read, settingsWith({ deleteUsers: true }), current, { confirmDeletes: true });
    expect(plan.changes.map((c) => c.userName)).not.toContain('admin');
    expect(plan.changes.map((c) => c.userName)).not.toContain('manual@one.test');
  });
});

describe('invalid records', () => {
  it('are skips with their reason, after the accounts and before the deletes; they delete nobody', () => {
    const read = directory([account('a@one.test')], {
      invalidRecords: 2,
      rejected: [
        { file: 'USERLIST.DAT', line: 2, reason: 'domain contains a space' },
        { file: 'USERLIST.DAT', line: 5, reason: 'record is 120 bytes, expected 235' },
      ],
    });
    const plan = planSync(read, settingsWith({ deleteUsers: true }), [ds('gone@one.test')]);
    expect(plan.changes.map((c) => `${c.action} ${c.userName}: ${c.reason}`)).toEqual([
      'create a@one.test: new MDaemon account',
      'skip (USERLIST.DAT line 2): invalid record: domain contains a space',
      'skip (USERLIST.DAT line 5): invalid record: record is 120 bytes, expected 235',
      expect.stringMatching(/^held gone@one\.test: /),
    ]);
    expect(plan.summary).toMatchObject({ create: 1, skip: 2, held: 1, delete: 0 });
  });
});

describe('duplicate accounts', () => {
  const data = makeUserlist(
    [
      { domain: 'one.test', mailbox: 'anna', fullName: 'Anna' },
      { domain: 'two.test', mailbox: 'carl', fullName: 'Carl' },
      { domain: 'One.Test', mailbox: 'ANNA', fullName: 'Anna Again' },
      { domain: 'one.test', mailbox: 'bob', fullName: 'Bob' },
      { domain: 'two.test', mailbox: 'Carl', fullName: 'Carl Again' },
    ],
    'cp1252',
  );
  const read = () => readDirectory(memorySource({ 'USERLIST.DAT': data }), { codePage: 'cp1252' });

  it('are skip lines next to their account, the first record winning, and hold no delete', async () => {
    const plan = planSync(await read(), settingsWith({ deleteUsers: true }), [ds('gone@one.test')]);
    expect(plan.changes.map((c) => `${c.action} ${c.userName} (${c.fullName}): ${c.reason}`)).toEqual([
      'create anna@one.test (Anna): new MDaemon account',
      'skip anna@one.test (Anna Again): duplicate account: USERLIST.DAT line 3 repeats line 1; the first record wins',
      'create bob@one.test (Bob): new MDaemon account',
      'create carl@two.test (Carl): new MDaemon account',
      'skip carl@two.test (Carl Again): duplicate account: USERLIST.DAT line 5 repeats line 2; the first record wins',
      'delete gone@one.test (Name of gone): no longer an MDaemon account in scope',
    ]);
    expect(plan.summary).toMatchObject({ create: 3, skip: 2, delete: 1, held: 0 });
  });

  it('follow their account: a duplicate of an account out of scope has no line; mailbox names too', async () => {
    const plan = planSync(await read(), settingsWith({ domains: ['two.test'], userNameFormat: 'mailbox' }), []);
    expect(plan.changes.map((c) => `${c.action} ${c.userName}`)).toEqual(['create carl', 'skip carl']);
  });
});

describe('re-created users', () => {
  const read = directory([account('anna@one.test'), account('bob@one.test')]);

  it('say that the archive folder their user left behind will be re-attached, when the caller knows it', () => {
    const kept = new Set(['anna@one.test']);
    const plan = planSync(read, settingsWith(), [], { keptFolders: kept });
    expect(plan.changes.map((c) => `${c.action} ${c.userName}: ${c.reason}`)).toEqual([
      `create anna@one.test: ${REATTACH_PLANNED}`,
      'create bob@one.test: new MDaemon account',
    ]);
    expect(REATTACH_PLANNED).toMatch(/archive folder.*will be re-attached/);
  });

  it('keep, once applied, any other planned reason as it was', () => {
    expect(appliedCreateReason('restored by an administrator', false)).toBe('restored by an administrator');
    expect(appliedCreateReason('restored by an administrator', true)).toBe(REATTACHED);
  });

  it('say once applied whether the folder was re-attached, never "new MDaemon account" for one', () => {
    expect(appliedCreateReason(NEW_ACCOUNT, true)).toBe(REATTACHED);
    expect(appliedCreateReason(REATTACH_PLANNED, true)).toBe(REATTACHED);
    expect(REATTACHED).not.toContain(NEW_ACCOUNT);
    expect(REATTACHED).toMatch(/archive folder.*was re-attached/);
    expect(appliedCreateReason(REATTACH_PLANNED, false)).toBe(NEW_ACCOUNT);
    expect(appliedCreateReason(NEW_ACCOUNT, false)).toBe(NEW_ACCOUNT);
  });
});

describe('summarize', () => {
  it('counts each action, and refuses an action it does not know', () => {
    const plan = planSync(directory([account('a@one.test'), account('b@one.test')]), settingsWith(), [
      ds('a@one.test', { fullName: 'Old' }),
    ]);
    expect(summarize(plan.changes)).toEqual({ create: 1, update: 1, delete: 0, unchanged: 0, skip: 0, held: 0 });
    const odd = { ...plan.changes[0], action: 'rename' } as unknown as Change;
    expect(() => summarize([odd])).toThrow('unexpected value: rename');
  });
});

describe('group names', () => {
  it('are matched whole, spaces and @ included, never as addresses', () => {
    const read = directory([
      account('a@one.test', { groups: ['everyone@sample.int'] }),
      account('everyone@sample.int'),
      account('b@one.test', { groups: ['Field Staff, North'] }),
    ]);
    expect(actions(read, [], { groups: ['everyone@sample.int'] })).toEqual(['create a@one.test']);
    expect(actions(read, [], { groups: ['Field Staff, North'] })).toEqual(['create b@one.test']);
  });
});

describe('the plan against its plain form', () => {
  /** A small deterministic generator (mulberry32), so a failure names its seed. */
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const MAILBOXES = ['ann', 'Ann', 'bob', 'admin', 'ADMIN', 'élise', 'Élise', 'zoë', 'a.b', 'x y', '', ' carl', 'dan '];
  const DOMAINS = ['one.test', 'two.test', 'Three.test', 'bad domain'];

  /** Accounts, users and options with every kind of line: clashes, admin, invalid, long and odd-case names, aliases, duplicates, rejected records, deletes. */
  function varied(seed: number, { size = 60, names = 40 } = {}) {
    const r = random(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    const mailbox = () => (r() < 0.02 ? 'l'.repeat(260) : r() < 0.5 ? pick(MAILBOXES) : `u${Math.floor(r() * names)}`);
    const accounts = Array.from({ length: Math.floor(r() * size) }, () => {
      const a = account(`${mailbox()}@${pick(DOMAINS)}`, {
        fullName: pick(['Ann', 'Bob', 'Name', '']),
        accessType: r() < 0.2 ? 'C' : 'Y',
        groups: r() < 0.3 ? ['Sales'] : [],
        aliases: r() < 0.3 ? [pick(['al@one.test', 'AL@one.test', 'w*@one.test', 'nope', 'ann@one.test'])] : [],
      });
      return r() < 0.1 ? { ...a, email: a.email.toUpperCase() } : a;
    });
    const duplicates = accounts
      .filter(() => r() < 0.1)
      .map((a, i) => ({
        file: 'USERLIST.DAT',
        line: 100 + i,
        email: a.email.toLowerCase(),
        firstLine: 1,
        fullName: 'Dup',
      }));
    const rejected = r() < 0.2 ? [{ file: 'USERLIST.DAT', line: 7, reason: 'record is 3 bytes, expected 235' }] : [];
    const read = directory(accounts, { duplicates, rejected, invalidRecords: rejected.length });
    const current: CurrentUser[] = Array.from({ length: Math.floor(r() * size) }, () => {
      const name = r() < 0.5 ? `${mailbox()}@${pick(DOMAINS)}` : mailbox();
      return ds(name, {
        fullName: pick(['Ann', 'Bob', 'Name', '']),
        emailAddresses: r() < 0.7 ? [name] : [pick(['al@one.test', 'ann@one.test']), name.toUpperCase()],
        authentication: r() < 0.8 ? 'directoryServices' : 'integrated',
      });
    });
    const sync = {
      userNameFormat: r() < 0.5 ? ('mailbox' as const) : ('email' as const),
      importAliases: r() < 0.5,
      deleteUsers: r() < 0.7,
      includeDisabled: r() < 0.5,
      domains: r() < 0.2 ? ['one.test', 'four.test'] : [],
      groups: r() < 0.15 ? ['sales'] : [],
      deleteLimit: r() < 0.3 ? '50%' : null,
    };
    const kept = new Set(['ann', 'u3@two.test']);
    const opts = { confirmDeletes: r() < 0.5, keptFolders: r() < 0.5 ? kept : undefined };
    return { read, current, settings: settingsWith(sync), opts };
  }

  /** Both plans of one input, or what each threw. */
  function bothPlans({ read, current, settings, opts }: ReturnType<typeof varied>) {
    const outcome = (plan: typeof planSync) => {
      try {
        return plan(read, settings, current, opts);
      } catch (err) {
        return { threw: String(err) };
      }
    };
    return { actual: outcome(planSync), expected: outcome(referencePlan) };
  }

  it('is the same plan, line for line, on a thousand varied inputs', () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const { actual, expected } = bothPlans(varied(seed));
      expect({ seed, plan: actual }).toEqual({ seed, plan: expected });
    }
  });

  it('is the same plan on large unsorted inputs, where sorting merges runs and equal names are many', () => {
    // Thousands of accounts and users in random order, with a few hundred names spelt in several
    // cases: the sorts go past insertion sort into merges, and equal names meet across runs.
    for (let seed = 1; seed <= 6; seed++) {
      const input = varied(seed, { size: 4000, names: 600 });
      const { actual, expected } = bothPlans(input);
      expect(input.read.accounts.length + input.current.length).toBeGreaterThan(1000);
      expect({ seed, plan: actual }).toEqual({ seed, plan: expected });
    }
  });
});

describe('the order of deletes', () => {
  it('sorts by name ignoring case first, so an upper-case name does not jump ahead', () => {
    const read = directory([account('keep@one.test')]);
    const users = ['Bob@gone.test', 'carol@gone.test', 'alice@gone.test', 'Dave@gone.test'].map((n) => ds(n));
    const plan = planSync(read, settingsWith({ deleteUsers: true }), users, { confirmDeletes: true });
    expect(plan.changes.filter((c) => c.action === 'delete').map((c) => c.userName)).toEqual([
      'alice@gone.test',
      'Bob@gone.test',
      'carol@gone.test',
      'Dave@gone.test',
    ]);
  });
});

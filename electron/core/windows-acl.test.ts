import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDataDir } from './paths';
import { makePrivateDir } from './private-dir';
import {
  decodeSaved,
  otherReaders,
  ownerOnlyCommand,
  ownerOnlyIcaclsArgs,
  parseWhoamiSid,
  type RunProgram,
} from './windows-acl';

const ME = 'S-1-5-21-1004336348-1177238915-682003330-1001';
const WHOAMI = `"corp\\svc-mdsync","${ME}"\r\n`;
/** What C:\ProgramData hands down to a new folder: Users may list and read. */
const PROGRAM_DATA =
  'D:AI(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)(A;OICIIOID;GA;;;CO)(A;OICIID;0x1200a9;;;BU)(A;CIID;DCLCRPCR;;;BU)';
/** What ownerOnlyIcaclsArgs leaves. */
const OWNER_ONLY = `D:PAI(A;OICI;FA;;;${ME})(A;OICI;FA;;;SY)`;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-winacl-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A stand-in for whoami and icacls that records its calls; `/save` writes `sddl` as icacls does (UTF-16LE). */
function windows(sddl: string, fail?: string): { run: RunProgram; calls: string[][] } {
  const calls: string[][] = [];
  const run: RunProgram = (file, args) => {
    calls.push([file, ...args]);
    if (fail && file === fail) throw new Error(`${file} failed: Access is denied.\r\nmore`);
    if (file === 'whoami') return WHOAMI;
    if (args[1] === '/save') fs.writeFileSync(args[2]!, Buffer.from(`\uFEFFdata\r\n${sddl}\r\n`, 'utf16le'));
    return 'processed file: ...\r\nSuccessfully processed 1 files; Failed processing 0 files\r\n';
  };
  return { run, calls };
}

describe('the data directory on Windows', () => {
  it('is made for the running account and SYSTEM only, by SID, inheritance cut, from the topmost folder made', () => {
    const dir = path.join(root, 'new', 'mdsync');
    const fake = windows(OWNER_ONLY);
    expect(ensureDataDir(dir, 'win32', fake.run)).toEqual({ created: true, warning: null });
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    // `new` was made too: its list is set, and `mdsync` below inherits it.
    expect(fake.calls).toEqual([
      ['whoami', '/user', '/fo', 'csv', '/nh'],
      ['icacls', path.join(root, 'new'), '/inheritance:r', '/grant:r', `*${ME}:(OI)(CI)F`, '*S-1-5-18:(OI)(CI)F'],
    ]);
    // A folder made inside an existing one: that folder itself.
    const inside = windows(OWNER_ONLY);
    expect(makePrivateDir(path.join(dir, 'tls'), 'win32', inside.run)).toMatchObject({ created: true });
    expect(inside.calls[1]![1]).toBe(path.join(dir, 'tls'));
    // An existing folder is left as it is.
    const again = windows(OWNER_ONLY);
    expect(makePrivateDir(dir, 'win32', again.run)).toEqual({ created: false, acl: null });
    expect(again.calls).toEqual([]);
  });

  it('warns in one line, with the command to run, when the access list cannot be set', () => {
    const dir = path.join(root, 'denied', 'mdsync');
    const state = ensureDataDir(dir, 'win32', windows(OWNER_ONLY, 'icacls').run);
    expect(state.created).toBe(true);
    const made = path.join(root, 'denied');
    expect(state.warning).toBe(
      `the access list of the data directory ${dir} could not be set (icacls failed: Access is denied.); make it readable by the service account only: icacls ${made} /inheritance:r /grant:r "*${ME}:(OI)(CI)F" "*S-1-5-18:(OI)(CI)F"`,
    );
  });

  it('on an existing directory, names who else may read it and how to make it owner-only', () => {
    const dir = fs.mkdtempSync(path.join(root, 'existing-'));
    const fake = windows(PROGRAM_DATA);
    const state = ensureDataDir(dir, 'win32', fake.run);
    expect(state.created).toBe(false);
    expect(state.warning).toBe(
      `the data directory ${dir} can be read by other users of this machine (BU); make it owner-only: ${ownerOnlyCommand(dir, ME)}`,
    );
    expect(fake.calls[1]!.slice(0, 3)).toEqual(['icacls', dir, '/save']);
    expect(ensureDataDir(dir, 'win32', windows(OWNER_ONLY).run)).toEqual({ created: false, warning: null });
  });

  it('says so when the access list of an existing directory cannot be read', () => {
    const dir = fs.mkdtempSync(path.join(root, 'unreadable-'));
    expect(ensureDataDir(dir, 'win32', windows(OWNER_ONLY, 'whoami').run).warning).toMatch(
      /^the access list of the data directory .* could not be read \(whoami failed: Access is denied\.\); make it readable by the service account only$/,
    );
  });
});

describe('the data directory elsewhere', () => {
  it('is made 0700 whatever the umask, and an existing readable one is warned about', () => {
    const dir = path.join(root, 'posix', 'mdsync');
    const before = process.umask(0o022);
    try {
      expect(ensureDataDir(dir, 'linux')).toEqual({ created: true, warning: null });
    } finally {
      process.umask(before);
    }
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    fs.chmodSync(dir, 0o750);
    expect(ensureDataDir(dir, 'linux').warning).toBe(
      `the data directory ${dir} can be read by other users of this machine (mode 0750); make it owner-only: chmod 700 ${dir}`,
    );
  });
});

describe('reading access lists', () => {
  it('finds the SID in whoami /user /fo csv /nh, and refuses output without one', () => {
    expect(parseWhoamiSid(WHOAMI)).toBe(ME);
    expect(parseWhoamiSid('"nt authority\\system","S-1-5-18"')).toBe('S-1-5-18');
    expect(() => parseWhoamiSid('ERROR: Access is denied.')).toThrow(/no SID/);
  });

  it('counts allow entries that read, for anyone but the account, SYSTEM, Administrators and the owner', () => {
    expect(otherReaders(PROGRAM_DATA, ME)).toEqual(['BU']);
    expect(otherReaders(OWNER_ONLY, ME)).toEqual([]);
    expect(otherReaders(`O:BAD:P(A;;FA;;;${ME})(A;OICI;GR;;;WD)(A;;FR;;;AU)(A;;CC;;;S-1-5-21-9-9-9-500)`, ME)).toEqual([
      'WD',
      'AU',
      'S-1-5-21-9-9-9-500',
    ]);
    // denials, inherit-only entries and rights that do not read do not count
    expect(
      otherReaders(`D:P(A;;FA;;;${ME})(D;;FA;;;WD)(A;OICIIO;GA;;;BU)(A;;0x100000;;;AU)(A;;DCLC;;;IU)`, ME),
    ).toEqual([]);
    expect(otherReaders(`D:(A;;0x80000000;;;WD)`, ME)).toEqual(['WD']);
  });

  it('reads icacls /save output in UTF-16LE with or without a byte-order mark', () => {
    expect(decodeSaved(Buffer.from('\uFEFFdata\r\nD:P(A;;FA;;;SY)', 'utf16le'))).toBe('data\r\nD:P(A;;FA;;;SY)');
    expect(decodeSaved(Buffer.from('data\r\nD:P', 'utf16le'))).toBe('data\r\nD:P');
  });

  it('quotes the grants of the command an administrator pastes', () => {
    expect(ownerOnlyIcaclsArgs('C:\\ProgramData\\mdsync', ME)).toHaveLength(5);
    expect(ownerOnlyCommand('C:\\ProgramData\\mdsync', ME)).toBe(
      `icacls C:\\ProgramData\\mdsync /inheritance:r /grant:r "*${ME}:(OI)(CI)F" "*S-1-5-18:(OI)(CI)F"`,
    );
  });
});

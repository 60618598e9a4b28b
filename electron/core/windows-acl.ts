/**
 * The data directory's access list on Windows, where mode 0700 means nothing. A directory made
 * under C:\ProgramData inherits "Users may read"; mdsync replaces that with the running account
 * (the service account) and SYSTEM, and on an existing directory tells whether anyone else may
 * read it. Windows' own tools do the work (`whoami`, `icacls`), given well-known SIDs so that a
 * German or Japanese Windows answers the same; no path or name ever goes through a shell.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs a program with arguments (no shell) and returns its standard output; throws when it fails. */
export type RunProgram = (file: string, args: readonly string[]) => string;

const run: RunProgram = (file, args) =>
  execFileSync(file, args, { encoding: 'utf8', windowsHide: true, timeout: 15_000, stdio: ['ignore', 'pipe', 'pipe'] });

/** SYSTEM: Windows itself (backups, the service manager) keeps full control, as on a user profile. */
export const SYSTEM_SID = 'S-1-5-18';

/** SDDL's short names for the trustees that do not make a directory "readable by others". */
const TRUSTED = new Set(['SY', SYSTEM_SID, 'BA', 'S-1-5-32-544', 'OW', 'S-1-3-4', 'CO', 'S-1-3-0']);

/** The SID of the account this process runs as, from `whoami /user /fo csv /nh` ("host\name","S-1-5-..."). */
export function parseWhoamiSid(output: string): string {
  const sid = /"(S-1-[0-9-]+)"\s*$/m.exec(output.trim())?.[1];
  if (!sid) throw new Error('whoami gave no SID');
  return sid;
}

/** The arguments of `icacls DIR ...` that leave only this account and SYSTEM, both full control, inherited below. */
export function ownerOnlyIcaclsArgs(dir: string, accountSid: string): string[] {
  return [dir, '/inheritance:r', '/grant:r', `*${accountSid}:(OI)(CI)F`, `*${SYSTEM_SID}:(OI)(CI)F`];
}

/** An `icacls` line an administrator can paste to make the directory owner-only for an account. */
export function ownerOnlyCommand(dir: string, accountSid: string): string {
  return `icacls ${ownerOnlyIcaclsArgs(dir, accountSid)
    .map((a) => (/[\s()]/.test(a) ? `"${a}"` : a))
    .join(' ')}`;
}

/**
 * Read rights in an SDDL rights field: listing or reading data (bit 0x1, "CC" in SDDL's letters),
 * file read or all ("FR", "FA"), generic read or all ("GR", "GA", or their bits in a hex mask).
 */
function grantsRead(rights: string): boolean {
  if (/^0x[0-9a-f]+$/i.test(rights)) return (Number.parseInt(rights, 16) & (0x1 | 0x10000000 | 0x80000000)) !== 0;
  return (rights.match(/../g) ?? []).some((code) => ['GA', 'GR', 'FA', 'FR', 'CC'].includes(code));
}

/**
 * The trustees, other than this account, SYSTEM, Administrators and the owner, that an SDDL
 * string's DACL allows to read (for example "BU" for Users, "WD" for Everyone, "AU").
 */
export function otherReaders(sddl: string, accountSid: string): string[] {
  const dacl = /D:[A-Z]*((?:\([^)]*\))*)/.exec(sddl)?.[1] ?? '';
  const readers: string[] = [];
  for (const ace of dacl.matchAll(/\(([^)]*)\)/g)) {
    const [type, flags, rights, , , trustee] = ace[1]!.split(';');
    if (type !== 'A' || !rights || !trustee) continue;
    if (flags?.includes('IO')) continue; // inherit-only: applies to children, not to the directory
    if (trustee === accountSid || TRUSTED.has(trustee)) continue;
    if (grantsRead(rights) && !readers.includes(trustee)) readers.push(trustee);
  }
  return readers;
}

/** What the Windows side says about the data directory: made owner-only, or who else may read it. */
export interface WindowsAclState {
  /** Trustees besides this account, SYSTEM and Administrators that may read it (empty when owner-only). */
  readonly otherReaders: readonly string[];
  /** The icacls line that makes it owner-only, for the warning. */
  readonly fix: string;
  /** Why the access list could not be set or read, if it could not. */
  readonly problem: string | null;
}

/** Makes a directory just created owner-only for the running account and SYSTEM. */
export function restrictToAccount(dir: string, runProgram: RunProgram = run): WindowsAclState {
  let sid = '';
  try {
    sid = parseWhoamiSid(runProgram('whoami', ['/user', '/fo', 'csv', '/nh']));
    runProgram('icacls', ownerOnlyIcaclsArgs(dir, sid));
    return { otherReaders: [], fix: ownerOnlyCommand(dir, sid), problem: null };
  } catch (err) {
    return { otherReaders: [], fix: sid ? ownerOnlyCommand(dir, sid) : '', problem: firstLine(err) };
  }
}

/** Who besides the running account may read an existing directory, from its SDDL (`icacls DIR /save`). */
export function inspectAccess(dir: string, runProgram: RunProgram = run): WindowsAclState {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-acl-'));
  try {
    const sid = parseWhoamiSid(runProgram('whoami', ['/user', '/fo', 'csv', '/nh']));
    const saved = path.join(scratch, 'acl');
    runProgram('icacls', [dir, '/save', saved]);
    const sddl = decodeSaved(fs.readFileSync(saved));
    return { otherReaders: otherReaders(sddl, sid), fix: ownerOnlyCommand(dir, sid), problem: null };
  } catch (err) {
    return { otherReaders: [], fix: '', problem: firstLine(err) };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** `icacls /save` writes UTF-16LE (with or without a byte-order mark): the name line, then the SDDL. */
export function decodeSaved(bytes: Buffer): string {
  const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || bytes[1] === 0);
  const text = bytes.toString(utf16 ? 'utf16le' : 'utf8');
  return text.replace(/^\uFEFF/, '');
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
}

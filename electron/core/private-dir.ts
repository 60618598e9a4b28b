/**
 * Directories mdsync makes for its own data (the data directory, its log's, an export's): owner-only
 * where it makes them. Elsewhere mode 0700 does it; on Windows mode means nothing and a folder under
 * C:\ProgramData inherits "Users may read", so the topmost folder made gets an access list of the
 * running account and SYSTEM, which the folders and files below inherit.
 */
import fs from 'node:fs';
import { restrictToAccount, type RunProgram, type WindowsAclState } from './windows-acl';

/** What makePrivateDir did: whether it made a folder, and on Windows how its access list went. */
export interface PrivateDir {
  readonly created: boolean;
  /** Windows only, when a folder was made: the access list set, or why it could not be. */
  readonly acl: WindowsAclState | null;
}

/** Makes `dir` and its missing parents, owner-only; an existing directory is left as it is. */
export function makePrivateDir(
  dir: string,
  platform: NodeJS.Platform = process.platform,
  runProgram?: RunProgram,
): PrivateDir {
  const first = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return { created: false, acl: null };
  if (platform !== 'win32') {
    fs.chmodSync(dir, 0o700); // whatever the umask was
    return { created: true, acl: null };
  }
  return { created: true, acl: restrictToAccount(first, runProgram) };
}

/**
 * The storage primitives the user rules (core/users/user-rules.ts) work with: what they read of
 * the users and folders they name, and the row writes they ask for, all inside one transaction of
 * the store. The rules decide; a store only reads and writes (ArchiveRepository.writeUsers).
 */
import type { Authentication, FolderAccess, Privilege } from '../../../shared/model';
import type { UserRecord } from './port';
import type { AccessFlags } from './store-common';

/** A user row to insert: checked and hashed by the rules. */
export interface NewUserRow {
  readonly userName: string;
  readonly fullName: string;
  readonly authentication: Authentication;
  readonly emailAddresses: readonly string[];
  readonly privileges: readonly Privilege[];
  readonly passwordHash: string | null;
}

/** An archive folder as a name finds it (case-insensitive). */
export interface FolderRef {
  readonly id: number;
  readonly ownerId: number | null;
  readonly name: string;
}

/** The users and folders (by name, case-insensitive) the store reads before the rules decide. */
export interface UserAsk {
  readonly users: readonly string[];
  readonly folders?: readonly string[];
}

/** What the store read for a {@link UserAsk}, inside the transaction the writes then run in. */
export interface UserFacts {
  /** An asked-for user as stored, or null when there is none. */
  user(userName: string): UserRecord | null;
  /** An asked-for folder, or null when there is none. */
  folder(name: string): FolderRef | null;
}

/** The user a write is about: an id, or `new` for the one this transaction inserts. */
export type UserRef = number | 'new';

/** One row write, in order, in the same transaction as the read. */
export type UserWrite =
  | { readonly op: 'insert'; readonly row: NewUserRow }
  | { readonly op: 'ownFolder'; readonly user: UserRef; readonly userName: string; readonly access: AccessFlags }
  | { readonly op: 'access'; readonly user: UserRef; readonly access: readonly FolderAccess[] }
  | { readonly op: 'rename'; readonly user: number; readonly userName: string }
  | { readonly op: 'renameFolder'; readonly folder: number; readonly name: string }
  | {
      readonly op: 'details';
      readonly user: number;
      readonly fullName: string;
      readonly emailAddresses: readonly string[];
    }
  | { readonly op: 'privileges'; readonly user: number; readonly privileges: readonly Privilege[] }
  | { readonly op: 'authentication'; readonly user: number; readonly authentication: Authentication }
  | { readonly op: 'passwordHash'; readonly user: number; readonly hash: string }
  | { readonly op: 'delete'; readonly user: number };

/** A user's folders released by a `delete`: kept (without owner) when it held messages. */
export interface Released {
  readonly folderKept: boolean;
  readonly messages: number;
}

/** The facts of an ask, from what a store read (keys lower-cased); a name not asked for is a bug. */
export function factsOf(
  users: ReadonlyMap<string, UserRecord | null>,
  folders: ReadonlyMap<string, FolderRef | null>,
): UserFacts {
  const pick = <T>(map: ReadonlyMap<string, T | null>, name: string): T | null => {
    const hit = map.get(name.toLowerCase());
    if (hit === undefined) throw new Error(`${name} was not read before the rules decided`);
    return hit;
  };
  return { user: (name) => pick(users, name), folder: (name) => pick(folders, name) };
}

/**
 * The archive's user database behind one async interface (the port), and every type a store and
 * its callers share. Two stores implement it side by side: the embedded SQLite file
 * (core/db/sqlite, the default: nothing to install) and PostgreSQL (core/db/postgres, shared by
 * several servers); open.ts picks one. This file imports neither.
 *
 * The UI handlers, the CLI, the service and the sync engine use only this interface. Writes are all
 * or nothing in either store.
 */
import type { SessionTable } from './session-table';
import type {
  ArchiveFolder,
  ArchivedMessage,
  ArchiveUser,
  Authentication,
  Change,
  FolderAccess,
  Privilege,
  SyncRun,
} from '../../../shared/model';
import type { DbFallback, LockTakeover } from '../../../shared/db-notice';
import type { DefaultPrivileges } from '../../../shared/settings';
import type { UsersPage, UsersPageQuery } from '../../../shared/users-page';
import type { ThrottleStore } from '../auth/throttle-store';
import type { Dump, DumpCounts } from './dump';
import type { Released, UserAsk, UserFacts, UserWrite } from './user-writes';

export type { ThrottleStore } from '../auth/throttle-store';
export type { FolderRef, NewUserRow, Released, UserAsk, UserFacts, UserRef, UserWrite } from './user-writes';

/** A user as stored, with what the Users list shows. */
export interface UserRecord extends ArchiveUser {
  readonly id: number;
  readonly builtIn: boolean;
  readonly hasPassword: boolean;
  /** Messages in the user's own archive folder. */
  readonly messages: number;
}

/**
 * What a logon reads of a user (the authenticator, the CLI's `login`, a session's re-check): no
 * folder access and no message count, which a logon never shows and which grew with the archive
 * (counting a user's messages cost 0.2 ms at 2,000 messages, proportionally more with a big mailbox).
 */
export type LogonUser = Pick<
  UserRecord,
  'userName' | 'fullName' | 'authentication' | 'hasPassword' | 'privileges' | 'emailAddresses'
>;

/** A stored user as the contract shows it (`users --json`, the Users list): no id, no password state. */
export function publicUser(u: ArchiveUser): ArchiveUser {
  return {
    userName: u.userName,
    fullName: u.fullName,
    emailAddresses: u.emailAddresses,
    authentication: u.authentication,
    privileges: u.privileges,
    folderAccess: u.folderAccess,
  };
}

/** What synchronization compares: name, full name, addresses, authentication. */
export type UserSummary = Pick<ArchiveUser, 'userName' | 'fullName' | 'emailAddresses' | 'authentication'>;

/** A run to record. */
export type NewRun = Omit<SyncRun, 'id'>;

/** Metadata of a message to import. */
export interface MessageMeta {
  readonly subject: string;
  readonly from: string;
  /** ISO-8601, or null when the message had no usable Date header. */
  readonly date: string | null;
  readonly size: number;
  readonly messageId: string | null;
}

/**
 * What authorizes a session's every call: a user's current name, privileges and a stamp of its
 * identity and credentials (differs after delete + re-create, a password change or reset), read
 * cheaply by id (the sessions' sweep) or by name (at logon). A session bound to one stamp ends when it changes.
 */
export interface AuthState {
  readonly id: number;
  readonly userName: string;
  readonly fullName: string;
  readonly authentication: Authentication;
  readonly privileges: Privilege[];
  readonly stamp: string;
}

/** A store that can be copied whole (`mdsync db copy`). */
export interface CopyableStore {
  /** Every row of the database. */
  exportAll(): Promise<Dump>;
  /** Replaces an empty database (nothing but the seeded admin) by `dump`, in one transaction. */
  importAll(dump: Dump): Promise<void>;
  /** Rows per table, as stored. */
  counts(): Promise<DumpCounts>;
}

/** How to wait for, and judge, a lock. */
export interface LockOptions {
  /** How long to wait for a live writer before giving up (default 5000 ms). */
  readonly waitMs?: number;
  /** Poll interval while waiting (default 50 ms). */
  readonly pollMs?: number;
  /** Our pid (default process.pid). */
  readonly pid?: number;
  /** Whether a pid is a running process (default: signal 0). */
  readonly isAlive?: (pid: number) => boolean;
  /** A process's start time (default: /proc/PID/stat field 22; null where unknown). */
  readonly processStart?: (pid: number) => string | null;
  /** This boot's id (default: /proc/sys/kernel/random/boot_id; null where unknown). */
  readonly bootId?: string | null;
  /** A lock file that cannot be parsed and is older than this is stale (default 10000 ms). */
  readonly unreadableStaleMs?: number;
  readonly now?: () => Date;
  /** Told when a stale lock is taken over (for the log). */
  readonly log?: (message: string) => void;
}

/** How to open the user database. */
export interface RepositoryOptions {
  /** The data directory: the SQLite file lives here (and the per-machine settings, secrets, log). */
  readonly dataDir: string;
  /**
   * A `postgres://user@host:port/db` URL (no password in it), or undefined for the embedded
   * SQLite file of `dataDir`.
   */
  readonly databaseUrl?: string;
  /** The PostgreSQL password (from PGPASSWORD, a pgpass file or standard input); never logged. */
  readonly databasePassword?: string;
  /** sql.js's wasm binary (SQLite; default: the installed package's). */
  readonly wasmPath?: string;
  readonly now?: () => Date;
  /** Lock wait and liveness options; `waitMs` defaults to 5000. */
  readonly lock?: LockOptions;
  /** Told about a damaged file and the fallback to its backup. */
  readonly onWarning?: (message: string) => void;
  /**
   * Opened by a command that only reads (`users`, `test`, `login`): the embedded file is never
   * created, moved aside or replaced by its backup; damage is one sentence (see connection.ts).
   */
  readonly readOnly?: boolean;
  /** Make a new embedded database even where the data directory shows it had one (`mdsync db init`). */
  readonly allowNew?: boolean;
}

/** A user to create by hand (the Properties dialog, `mdsync users add`). */
export interface NewUser {
  readonly userName: string;
  readonly fullName?: string;
  readonly emailAddresses?: readonly string[];
  readonly authentication?: Authentication;
  readonly privileges?: readonly Privilege[];
  /** Access to folders; the user's own folder defaults to read access. */
  readonly folderAccess?: readonly FolderAccess[];
  /** For integrated users; never stored in clear. */
  readonly password?: string | null;
}

/** Changes to a user; fields left out stay as they are. */
export type UserChanges = Partial<NewUser>;

/** Progress of an apply: changes handled so far, of all. */
export type ApplyProgress = (done: number, total: number) => void;

/** A plan to apply, and the history row that records it in the same transaction. */
export interface ApplyInput {
  readonly changes: readonly Change[];
  readonly defaults: DefaultPrivileges;
  /** The run's history row, built once the changes are applied (its finish time). */
  readonly run: () => NewRun;
  readonly onProgress?: ApplyProgress;
  /**
   * A create's reason once applied, told whether the user's kept archive folder was re-attached
   * (the engine's wording: the store only knows what happened).
   */
  readonly appliedReason: (planned: string, reattached: boolean) => string;
}

/** What an apply inside a store's transaction gets: the plan's part of {@link ApplyInput}. */
export type PlanToApply = Omit<ApplyInput, 'run'>;

/** What a synchronization holding the store's one-writer lock can do. */
export interface SyncSession {
  /** What a plan compares, read under the lock. */
  currentUsers(): Promise<UserSummary[]>;
  /** Lower-cased names of the archive folders without an owner (kept when their user was deleted). */
  keptFolderNames(): Promise<Set<string>>;
  /** Applies the changes and records the run, all or nothing; returns the changes as committed. */
  apply(input: ApplyInput): Promise<{ applied: Change[]; runId: number }>;
  /** Records a run that changed nothing. */
  recordRun(run: NewRun, changes: readonly Change[]): Promise<number>;
}

/** Which runs `lastRun` looks at. */
export interface RunFilter {
  readonly actor?: string;
  readonly dryRun?: boolean;
}

/** The archive's user database, whichever store keeps it (and copies whole, for `mdsync db copy`). */
export interface ArchiveRepository extends CopyableStore {
  /**
   * True when the settings document lives with the database, shared by every server on it
   * (PostgreSQL: loadSettingsDoc/saveSettingsDoc); false when the settings stay per machine.
   */
  readonly keepsSettings: boolean;
  /** Where it is, for messages: a file path, or the URL without password. */
  readonly location: string;
  /** Warnings met while opening (a damaged file replaced by its backup). */
  readonly warnings: readonly string[];
  /** The same as facts for the administrators' banner (the embedded file; none on PostgreSQL). */
  readonly fallbacks?: readonly DbFallback[];
  /** Writer locks taken over from a dead holder (the embedded file's lock; none on PostgreSQL). */
  readonly lockTakeovers?: readonly LockTakeover[];
  /** File names of the damaged copies kept aside beside the database (the embedded file's; none elsewhere). */
  keptAside?(): string[];
  /** Releases the connection; the data stays as last committed. */
  close(): Promise<void>;
  /** The logon sessions shared by every server on the store (PostgreSQL; the embedded store keeps them in memory). */
  sessionTable?(): Promise<SessionTable>;
  /** The connection pool's sizes now, for the metrics (PostgreSQL; the embedded store has none). */
  poolStats?(): { total: number; idle: number; waiting: number };

  /** A user by name (case-insensitive), or null. */
  getUser(userName: string): Promise<UserRecord | null>;
  /** What a logon reads of a user by name (case-insensitive), or null: no folder access or message count. */
  getLogonUser(userName: string): Promise<LogonUser | null>;
  /** What authorizes a session of the user named `userName` (case-insensitive), or null: one query. */
  getAuthState(userName: string): Promise<AuthState | null>;
  /** The authorization states of the users with these ids; deleted users are missing: one query. */
  getAuthStates(ids: readonly number[]): Promise<AuthState[]>;
  /** All users in name order, with message counts. */
  listUsers(): Promise<UserRecord[]>;
  /**
   * The same list as the Users screen gets it (`users:list`: each user's public fields and
   * message count, in name order), as JSON text made by the database, in parts to be joined, each
   * made when asked for: no object per user and no whole text in this process, which matters at
   * 100,000 users in a service that answers logons meanwhile.
   */
  listUsersJson(): AsyncIterable<string>;
  /** One page of the Users list, sorted, searched and filtered by the store, with the totals. */
  usersPage(query: UsersPageQuery): Promise<UsersPage>;
  /** Name, full name, addresses and authentication of every user: a plan's input. */
  currentUsers(): Promise<UserSummary[]>;
  /** Lower-cased names of the archive folders without an owner: a plan's input (re-attached folders). */
  keptFolderNames(): Promise<Set<string>>;
  /** True until the built-in admin has a password. */
  needsAdminPassword(): Promise<boolean>;
  /**
   * Reads the users and folders `ask` names, hands them to `decide` (the user rules,
   * core/users/user-rules.ts) and runs the row writes it returns, all in one transaction: a throw
   * from `decide` changes nothing. Returns what a `delete` released, or null.
   */
  writeUsers(ask: UserAsk, decide: (facts: UserFacts) => readonly UserWrite[]): Promise<Released | null>;
  /** Checks an integrated user's password; false for unknown and Directory Services users. */
  verifyPassword(userName: string, password: string): Promise<boolean>;

  /** All archive folders with owner and message count. */
  listFolders(): Promise<ArchiveFolder[]>;
  /** The folder a user owns (named after it) and its message count, or null. */
  folderOf(userName: string): Promise<{ folder: string; messages: number } | null>;
  /** Adds message metadata to a folder; returns the folder's new message count. */
  importMessages(folder: string, metas: readonly MessageMeta[]): Promise<number>;
  /** The newest messages of a folder. */
  latestMessages(folder: string, limit: number): Promise<ArchivedMessage[]>;

  /** Synchronization runs, newest first. */
  listRuns(limit?: number): Promise<SyncRun[]>;
  /** The recorded changes of a run (all but `unchanged`). */
  runChanges(runId: number): Promise<Change[]>;
  /** The newest run matching `filter` (the schedule's last run), or null. */
  lastRun(filter: RunFilter): Promise<SyncRun | null>;
  /** Records a run outside a synchronization (a test); UserError('busy') when the store is locked too long. */
  recordRun(run: NewRun, changes: readonly Change[]): Promise<number>;

  /**
   * Holds the store's one-writer lock across `fn` (plan and apply of a synchronization), across
   * every process and machine that shares the store; UserError('busy') when it stays taken.
   */
  exclusive<T>(fn: (session: SyncSession) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` holding the schedule's lock, shared by every process on this store (a lock file beside
   * the SQLite file; an advisory lock in PostgreSQL); resolves false, without running it, when another
   * process holds it. Separate from the synchronization's lock, which the run takes itself.
   */
  runAlone(fn: () => Promise<void>): Promise<boolean>;

  /** A logon throttle shared by every process of the store, or null to keep one in memory. */
  throttleStore(): ThrottleStore | null;
  /** The settings document kept with the database (PostgreSQL), or null (kept per machine). */
  loadSettingsDoc(): Promise<unknown>;
  /** Stores the settings document with the database; refused by a store that keeps none. */
  saveSettingsDoc(doc: unknown): Promise<void>;
}

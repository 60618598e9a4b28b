/**
 * The archive's user database: the one API the UI handlers, the CLI and the sync engine use.
 *
 * Reads are synchronous and always see what other processes committed; writes are async (the
 * writer lock may need waiting for, passwords need hashing) and all or nothing.
 */
import type {
  ArchiveFolder,
  ArchivedMessage,
  Authentication,
  Change,
  FolderAccess,
  Privilege,
  SyncRun,
} from '../../../shared/model';
import { UserError } from '../../../shared/result';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { dataFiles } from '../paths';
import { type ConnectionOptions, type TxBody, type WriterSession, DbConnection } from './connection';
import { ADMIN_USER } from './schema';
import type { Sql } from './sql';
import * as folders from './folder-store';
import * as history from './history-store';
import * as users from './user-store';

export type { UserRecord, UserSummary } from './user-store';
export { publicUser } from './user-store';
export type { MessageMeta } from './folder-store';
export type { TxBody, WriterSession } from './connection';

/** How to open the database of a data directory. */
export interface RepositoryOptions extends Omit<ConnectionOptions, 'file' | 'lockFile'> {
  readonly dataDir: string;
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

const NAME_MAX = 255;
const hasControl = (s: string) => [...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

function checkName(userName: string): string {
  const name = userName.trim();
  if (name.length === 0 || name.length > NAME_MAX || hasControl(name))
    throw new UserError('input', 'a user name needs 1 to 255 characters and no control characters');
  return name;
}

function checkEmails(list: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of list) {
    const a = raw.trim();
    if (!EMAIL_RE.test(a)) throw new UserError('input', `${a || '(empty)'} is not an email address`);
    if (!seen.has(a.toLowerCase())) out.push(a);
    seen.add(a.toLowerCase());
  }
  return out;
}

function isAdmin(name: string): boolean {
  return name.toLowerCase() === ADMIN_USER;
}

/** The archive's user database in a data directory. */
export class ArchiveRepository {
  private constructor(readonly connection: DbConnection) {}

  /** Opens (creating on first use) the database of a data directory. */
  static async open(opts: RepositoryOptions): Promise<ArchiveRepository> {
    const files = dataFiles(opts.dataDir);
    return new ArchiveRepository(await DbConnection.open({ ...opts, file: files.database, lockFile: files.lock }));
  }

  /** Warnings met while opening or reloading (a damaged file replaced by its backup). */
  get warnings(): readonly string[] {
    return this.connection.warnings;
  }

  /** Frees the in-memory database; the file stays as last committed. */
  close(): void {
    this.connection.close();
  }

  /** Runs `fn` all or nothing, under the writer lock; it is persisted once. */
  transaction<T>(fn: TxBody<T>): Promise<T> {
    return this.connection.transaction(fn);
  }

  /** Holds the writer lock across `fn` (plan and apply of a synchronization). */
  exclusive<T>(fn: (session: WriterSession) => Promise<T>): Promise<T> {
    return this.connection.exclusive(fn);
  }

  private read(): Sql {
    return this.connection.reader();
  }

  private idOf(sql: Sql, userName: string): number {
    const id = users.findUserId(sql, userName);
    if (id === null) throw new UserError('notFound', `there is no user named ${userName}`);
    return id;
  }

  /** A user by name (case-insensitive), or null. */
  getUser(userName: string): users.UserRecord | null {
    const sql = this.read();
    const id = users.findUserId(sql, userName.trim());
    return id === null ? null : (users.loadUsers(sql, id)[0] ?? null);
  }

  /** All users in name order, with message counts. */
  listUsers(): users.UserRecord[] {
    return users.loadUsers(this.read());
  }

  /** Name, full name, addresses and authentication of every user: a plan's input. */
  currentUsers(): users.UserSummary[] {
    return users.loadSummaries(this.read());
  }

  /** True until the built-in admin has a password. */
  needsAdminPassword(): boolean {
    const sql = this.read();
    const id = users.findUserId(sql, ADMIN_USER);
    return id === null || users.passwordHashOf(sql, id) === null;
  }

  /** Creates a user and its archive folder (re-attaching an orphaned folder of that name). */
  async createUser(input: NewUser): Promise<users.UserRecord> {
    const userName = checkName(input.userName);
    const emails = checkEmails(input.emailAddresses ?? []);
    const authentication = input.authentication ?? 'integrated';
    const hash = authentication === 'integrated' && input.password ? await hashPassword(input.password) : null;
    const id = await this.transaction((sql, now) => {
      if (users.findUserId(sql, userName) !== null)
        throw new UserError('exists', `a user named ${userName} already exists`);
      const uid = users.insertUser(sql, now, {
        userName,
        fullName: input.fullName ?? '',
        authentication,
        emailAddresses: emails,
        privileges: input.privileges ?? ['login'],
        passwordHash: hash,
      });
      const own = input.folderAccess?.find((a) => a.folder.toLowerCase() === userName.toLowerCase());
      folders.attachOwnFolder(sql, now, uid, userName, own ?? { read: true, write: false, delete: false });
      if (input.folderAccess) folders.replaceAccess(sql, uid, withOwn(input.folderAccess, userName, own));
      return uid;
    });
    return this.byId(id);
  }

  private byId(id: number): users.UserRecord {
    const u = users.loadUsers(this.read(), id)[0];
    if (!u) throw new UserError('notFound', 'the user is gone');
    return u;
  }

  /** Changes a user; the built-in admin keeps its name, integrated authentication and `admin` privilege. */
  async updateUser(originalUserName: string, changes: UserChanges): Promise<users.UserRecord> {
    const newName = changes.userName === undefined ? undefined : checkName(changes.userName);
    const emails = changes.emailAddresses === undefined ? undefined : checkEmails(changes.emailAddresses);
    const hash = changes.password ? await hashPassword(changes.password) : null;
    const id = await this.transaction((sql, now) => {
      const uid = this.idOf(sql, originalUserName.trim());
      const current = users.loadUsers(sql, uid)[0] as users.UserRecord;
      if (current.builtIn) {
        if (newName !== undefined && !isAdmin(newName))
          throw new UserError('refused', 'the built-in admin cannot be renamed');
        if (changes.authentication === 'directoryServices')
          throw new UserError('refused', 'the built-in admin always uses integrated authentication');
        if (changes.privileges && !changes.privileges.includes('admin'))
          throw new UserError('refused', 'the built-in admin keeps the Administrator privilege');
      }
      if (newName !== undefined && newName !== current.userName) {
        const other = users.findUserId(sql, newName);
        if (other !== null && other !== uid) throw new UserError('exists', `a user named ${newName} already exists`);
        users.renameUserRow(sql, now, uid, newName);
        const own = folders.findFolder(sql, current.userName);
        if (own?.ownerId === uid && folders.findFolder(sql, newName) === null) {
          sql.run('UPDATE folders SET name = ? WHERE id = ?', [newName, own.id]);
        }
      }
      if (changes.fullName !== undefined || emails !== undefined) {
        users.setDetails(sql, now, uid, changes.fullName ?? current.fullName, emails ?? current.emailAddresses);
      }
      if (changes.privileges) users.setPrivilegeRows(sql, now, uid, changes.privileges);
      if (changes.authentication) users.setAuthRow(sql, now, uid, changes.authentication);
      if (changes.folderAccess) folders.replaceAccess(sql, uid, changes.folderAccess);
      if (hash) users.setPasswordHashRow(sql, now, uid, hash);
      return uid;
    });
    return this.byId(id);
  }

  /** Deletes a user; its folder stays (without owner) when it holds messages. `admin` is never deleted. */
  deleteUser(userName: string): Promise<{ folderKept: boolean; messages: number }> {
    return this.transaction((sql) => {
      const uid = this.idOf(sql, userName.trim());
      if (isAdmin(userName.trim())) throw new UserError('refused', 'the built-in admin cannot be deleted');
      const result = folders.releaseFolders(sql, uid);
      users.deleteUserRow(sql, uid);
      return result;
    });
  }

  /** Sets an integrated user's password (stored as a slow salted hash). */
  async setPassword(userName: string, password: string): Promise<void> {
    if (password.length === 0) throw new UserError('input', 'the password is empty');
    const hash = await hashPassword(password);
    await this.transaction((sql, now) => {
      const uid = this.idOf(sql, userName.trim());
      users.setPasswordHashRow(sql, now, uid, hash);
    });
  }

  /** Sets the built-in admin's first password; refused once one is set. */
  async setInitialAdminPassword(password: string): Promise<void> {
    if (password.length === 0) throw new UserError('input', 'the password is empty');
    const hash = await hashPassword(password);
    await this.transaction((sql, now) => {
      const uid = this.idOf(sql, ADMIN_USER);
      if (users.passwordHashOf(sql, uid) !== null) throw new UserError('refused', 'the admin password is already set');
      users.setPasswordHashRow(sql, now, uid, hash);
    });
  }

  /**
   * Checks an integrated user's password; false for unknown users, users without one, and
   * Directory Services users (whose stored password, if any, is ignored: MDaemon checks theirs).
   */
  async verifyPassword(userName: string, password: string): Promise<boolean> {
    const sql = this.read();
    const id = users.findUserId(sql, userName.trim());
    const auth = id === null ? null : sql.one('SELECT authentication FROM users WHERE id = ?', [id])?.[0];
    const hash = id === null || auth !== 'integrated' ? null : users.passwordHashOf(sql, id);
    return hash === null ? false : verifyPassword(hash, password);
  }

  /** Replaces a user's global privileges. */
  async setPrivileges(userName: string, privileges: readonly Privilege[]): Promise<users.UserRecord> {
    return this.updateUser(userName, { privileges });
  }

  /** Switches a user between integrated and Directory Services authentication. */
  async setAuthentication(userName: string, authentication: Authentication): Promise<users.UserRecord> {
    return this.updateUser(userName, { authentication });
  }

  /** All archive folders with owner and message count. */
  listFolders(): ArchiveFolder[] {
    return folders.listFolderRows(this.read());
  }

  /** The folder a user owns (named after it) and its message count, or null. */
  folderOf(userName: string): { folder: string; messages: number } | null {
    const sql = this.read();
    const uid = users.findUserId(sql, userName.trim());
    const f = uid === null ? null : folders.findFolder(sql, userName.trim());
    return f && f.ownerId === uid ? { folder: f.name, messages: folders.messageCount(sql, f.id) } : null;
  }

  /** Adds message metadata to a folder; returns the folder's new message count. */
  importMessages(folder: string, metas: readonly folders.MessageMeta[]): Promise<number> {
    return this.transaction((sql, now) => {
      const f = folders.findFolder(sql, folder);
      if (!f) throw new UserError('notFound', `there is no archive folder named ${folder}`);
      folders.insertMessages(sql, now, f.id, metas);
      return folders.messageCount(sql, f.id);
    });
  }

  /** The newest messages of a folder. */
  latestMessages(folder: string, limit: number): ArchivedMessage[] {
    const sql = this.read();
    const f = folders.findFolder(sql, folder);
    return f ? folders.latestMessageRows(sql, f.id, limit) : [];
  }

  /** Synchronization runs, newest first. */
  listRuns(limit = 200): SyncRun[] {
    return history.listRunRows(this.read(), limit);
  }

  /** The recorded changes of a run (all but `unchanged`). */
  runChanges(runId: number): Change[] {
    return history.runChangeRows(this.read(), runId);
  }
}

function withOwn(list: readonly FolderAccess[], userName: string, own: FolderAccess | undefined): FolderAccess[] {
  return own ? [...list] : [{ folder: userName, read: true, write: false, delete: false }, ...list];
}

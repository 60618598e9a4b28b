/**
 * The user rules, written once above the stores: what creating, changing and deleting a user and
 * setting a password mean (names and addresses checked, default privileges, a hash only for
 * integrated users, one user per name, the own folder's default access and its renaming, the
 * built-in admin's protections, and an administrator's limits on itself). The API handlers, the
 * CLI and the service all come here; a store only reads and writes rows (writeUsers), in one
 * transaction with the rules' decision, so two writers never both pass a check.
 */
import { UserError } from '../../../shared/result';
import type { Authentication, Privilege } from '../../../shared/model';
import { hashPassword } from '../auth/passwords';
import type { ArchiveRepository, NewUser, UserChanges, UserRecord } from '../db/port';
import { ADMIN_USER, isAdmin } from '../db/store-common';
import type { Released, UserWrite } from '../db/user-writes';
import { checkAdminChanges, checkEmails, checkName, withOwn } from './user-input';

/** The part of the repository the rules use. */
export type UserStore = Pick<ArchiveRepository, 'writeUsers' | 'getUser'>;

/** Who asks, when a person does (the API's session). */
export interface ActorOptions {
  /** The user making the change: it may neither delete itself nor take the Administrator privilege from itself. */
  readonly actor?: string;
}

/** Options of a delete. */
export interface DeleteOptions extends ActorOptions {
  /** Told once the user is deleted, with the name asked for (the service ends the user's sessions). */
  readonly onDeleted?: (userName: string) => void;
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function noUser(userName: string): UserError {
  return new UserError('notFound', `there is no user named ${userName}`);
}

function checkPassword(password: string): void {
  if (password.length === 0) throw new UserError('input', 'the password is empty');
}

/** The user rules over one store. */
export class UserRules {
  constructor(private readonly db: UserStore) {}

  /** Creates a user and its archive folder (re-attaching an orphaned folder of that name). */
  async createUser(input: NewUser): Promise<UserRecord> {
    const userName = checkName(input.userName);
    const emails = checkEmails(input.emailAddresses ?? []);
    const authentication = input.authentication ?? 'integrated';
    const hash = authentication === 'integrated' && input.password ? await hashPassword(input.password) : null;
    await this.db.writeUsers({ users: [userName] }, (facts) => {
      if (facts.user(userName)) throw new UserError('exists', `a user named ${userName} already exists`);
      const own = input.folderAccess?.find((a) => sameName(a.folder, userName));
      const writes: UserWrite[] = [
        {
          op: 'insert',
          row: {
            userName,
            fullName: input.fullName ?? '',
            authentication,
            emailAddresses: emails,
            privileges: input.privileges ?? ['login'],
            passwordHash: hash,
          },
        },
        { op: 'ownFolder', user: 'new', userName, access: own ?? { read: true, write: false, delete: false } },
      ];
      if (input.folderAccess)
        writes.push({ op: 'access', user: 'new', access: withOwn(input.folderAccess, userName, own) });
      return writes;
    });
    return this.reread(userName);
  }

  /** Changes a user; the built-in admin keeps its name, integrated authentication and `admin` privilege. */
  async updateUser(originalUserName: string, changes: UserChanges, opts: ActorOptions = {}): Promise<UserRecord> {
    if (
      opts.actor !== undefined &&
      sameName(opts.actor, originalUserName) &&
      changes.privileges &&
      !changes.privileges.includes('admin')
    )
      throw new UserError('refused', 'you cannot take the Administrator privilege from yourself');
    const original = originalUserName.trim();
    const newName = changes.userName === undefined ? undefined : checkName(changes.userName);
    const emails = changes.emailAddresses === undefined ? undefined : checkEmails(changes.emailAddresses);
    const hash = changes.password ? await hashPassword(changes.password) : null;
    const names = newName === undefined ? [original] : [original, newName];
    let finalName = original;
    await this.db.writeUsers({ users: names, folders: names }, (facts) => {
      const current = facts.user(original);
      if (!current) throw noUser(original);
      const user = current.id;
      if (current.builtIn) checkAdminChanges({ ...changes, userName: newName });
      const writes: UserWrite[] = [];
      finalName = current.userName;
      if (newName !== undefined && newName !== current.userName) {
        const other = facts.user(newName);
        if (other !== null && other.id !== user)
          throw new UserError('exists', `a user named ${newName} already exists`);
        writes.push({ op: 'rename', user, userName: newName });
        const own = facts.folder(original);
        if (own?.ownerId === user && facts.folder(newName) === null)
          writes.push({ op: 'renameFolder', folder: own.id, name: newName });
        finalName = newName;
      }
      if (changes.fullName !== undefined || emails !== undefined) {
        const fullName = changes.fullName ?? current.fullName;
        writes.push({ op: 'details', user, fullName, emailAddresses: emails ?? current.emailAddresses });
      }
      if (changes.privileges) writes.push({ op: 'privileges', user, privileges: changes.privileges });
      if (changes.authentication) writes.push({ op: 'authentication', user, authentication: changes.authentication });
      if (changes.folderAccess) writes.push({ op: 'access', user, access: changes.folderAccess });
      if (hash) writes.push({ op: 'passwordHash', user, hash });
      return writes;
    });
    return this.reread(finalName);
  }

  /** Deletes a user; its folder stays (without owner) when it holds messages. `admin` is never deleted. */
  async deleteUser(userName: string, opts: DeleteOptions = {}): Promise<Released> {
    if (opts.actor !== undefined && sameName(opts.actor, userName))
      throw new UserError('refused', 'you cannot delete the user you are logged on as');
    const name = userName.trim();
    const released = await this.db.writeUsers({ users: [name] }, (facts) => {
      const user = facts.user(name);
      if (!user) throw noUser(name);
      if (isAdmin(name)) throw new UserError('refused', 'the built-in admin cannot be deleted');
      return [{ op: 'delete', user: user.id }];
    });
    opts.onDeleted?.(userName);
    return released ?? { folderKept: false, messages: 0 };
  }

  /** Sets an integrated user's password (stored as a slow salted hash). */
  async setPassword(userName: string, password: string): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password);
    const name = userName.trim();
    await this.db.writeUsers({ users: [name] }, (facts) => {
      const user = facts.user(name);
      if (!user) throw noUser(name);
      return [{ op: 'passwordHash', user: user.id, hash }];
    });
  }

  /** Sets the built-in admin's first password; refused once one is set. */
  async setInitialAdminPassword(password: string): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password);
    await this.db.writeUsers({ users: [ADMIN_USER] }, (facts) => {
      const admin = facts.user(ADMIN_USER);
      if (!admin) throw noUser(ADMIN_USER);
      if (admin.hasPassword) throw new UserError('refused', 'the admin password is already set');
      return [{ op: 'passwordHash', user: admin.id, hash }];
    });
  }

  /** Replaces a user's global privileges. */
  setPrivileges(userName: string, privileges: readonly Privilege[]): Promise<UserRecord> {
    return this.updateUser(userName, { privileges });
  }

  /** Switches a user between integrated and Directory Services authentication. */
  setAuthentication(userName: string, authentication: Authentication): Promise<UserRecord> {
    return this.updateUser(userName, { authentication });
  }

  private async reread(userName: string): Promise<UserRecord> {
    const u = await this.db.getUser(userName);
    if (!u) throw new UserError('notFound', 'the user is gone');
    return u;
  }
}

/** The user rules over `db`. */
export function userRules(db: UserStore): UserRules {
  return new UserRules(db);
}

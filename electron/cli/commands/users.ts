/**
 * `mdsync users`: list and administer the archive's users.
 *
 * `users [--json]` lists (JSON shape in docs/architecture.md, "The command line's JSON"); `add`, `passwd`, `show`, `delete`,
 * `set-privileges`, `set-auth` and `unlock` are what an administrator needs without the app.
 * Passwords come only from standard input and are stored as slow salted hashes. A running
 * service sees every change within a second (its sessions are checked against the store).
 */
import { Authentication, Privilege } from '../../../shared/model';
import { UserError } from '../../../shared/result';
import { publicUser, type UserRecord } from '../../core/db/port';
import { CliError, printJson, readPasswordFromStdin, type CliIo, type Command } from '../io';
import { openRepository, parseFlags } from './common-flags';
import { nameKey } from '../../core/auth/logon-throttle';
import { requestUnlock } from '../../core/auth/unlock-requests';
import { userRules } from '../../core/users/user-rules';
import { DATABASE_FLAGS, DATABASE_USAGE, type DatabaseValues } from './database-flags';

const USAGE = `usage: mdsync users [--data-dir D] [--json]
       mdsync users add NAME [--full-name N] [--email A]... [--auth integrated|directoryServices] [--privilege P]... [--password-stdin] [--data-dir D]
       mdsync users passwd NAME --password-stdin [--data-dir D]
       mdsync users show NAME [--json] [--data-dir D]
       mdsync users delete NAME [--data-dir D]
       mdsync users set-privileges NAME --privilege P...|none [--data-dir D]
       mdsync users set-auth NAME integrated|directoryServices [--data-dir D]
       mdsync users unlock NAME [--data-dir D]
every form also takes ${DATABASE_USAGE}`;

const FLAGS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  'full-name': { type: 'string' },
  email: { type: 'string', multiple: true },
  auth: { type: 'string' },
  privilege: { type: 'string', multiple: true },
  'password-stdin': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...DATABASE_FLAGS,
} as const;

interface Values extends DatabaseValues {
  'data-dir'?: string;
  json?: boolean;
  'full-name'?: string;
  email?: string[];
  auth?: string;
  privilege?: string[];
  'password-stdin'?: boolean;
  help?: boolean;
}

/** A user as the contract's JSON shows it (no ids, no password state). */
export const userJson = publicUser;

/** `--privilege P...`; `--privilege none` alone is no privilege at all (a user who cannot log on). */
function privileges(list: string[] | undefined): Privilege[] | undefined {
  if (list === undefined) return undefined;
  if (list.includes('none')) {
    if (list.length > 1) throw new CliError('--privilege none stands alone: it means no privileges', 2);
    return [];
  }
  return list.map((p) => {
    const parsed = Privilege.safeParse(p);
    if (!parsed.success) {
      throw new CliError(`unknown privilege ${p}; one of ${Privilege.options.join(', ')}, or none`, 2);
    }
    return parsed.data;
  });
}

function authentication(value: string | undefined): Authentication | undefined {
  if (value === undefined) return undefined;
  const parsed = Authentication.safeParse(value);
  if (!parsed.success) throw new CliError(`unknown authentication ${value}; integrated or directoryServices`, 2);
  return parsed.data;
}

function table(users: UserRecord[]): string {
  const width = Math.min(40, Math.max(4, ...users.map((u) => u.userName.length)));
  const privs = users.map((u) => u.privileges.join(',') || '-');
  const pw = Math.min(40, Math.max(10, ...privs.map((p) => p.length)));
  const lines = [
    `${'USER'.padEnd(width)}  ${'AUTHENTICATION'.padEnd(17)} ${'MESSAGES'.padStart(8)}  ${'PRIVILEGES'.padEnd(pw)}  FULL NAME`,
  ];
  users.forEach((u, i) => {
    lines.push(
      `${u.userName.padEnd(width)}  ${u.authentication.padEnd(17)} ${String(u.messages).padStart(8)}  ${(privs[i] ?? '').padEnd(pw)}  ${u.fullName}`,
    );
  });
  lines.push(`${users.length} user${users.length === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}

function details(u: UserRecord): string {
  const access = u.folderAccess.map(
    (a) => `${a.folder} (${[a.read && 'read', a.write && 'write', a.delete && 'delete'].filter(Boolean).join(', ')})`,
  );
  return (
    [
      `user name:       ${u.userName}${u.builtIn ? ' (built-in)' : ''}`,
      `full name:       ${u.fullName}`,
      `email addresses: ${u.emailAddresses.join(', ') || '-'}`,
      `authentication:  ${u.authentication}${u.authentication === 'integrated' ? (u.hasPassword ? ' (password set)' : ' (no password yet)') : ''}`,
      `privileges:      ${u.privileges.join(', ') || '-'}`,
      `folder access:   ${access.join('; ') || '-'}`,
      `messages:        ${u.messages}`,
    ].join('\n') + '\n'
  );
}

function need(name: string | undefined, what: string): string {
  if (name === undefined || name.trim() === '')
    throw new CliError(`${what} needs a user name; ${USAGE.split('\n')[0]}`, 2);
  return name;
}

/** `mdsync users` and its subcommands. */
export const usersCommand: Command = async (argv: string[], io: CliIo): Promise<number> => {
  const { values: v, positionals } = parseFlags<Values>(argv, FLAGS, USAGE, true);
  if (v.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const [sub, name, ...rest] = positionals;
  const privs = privileges(v.privilege);
  const auth = authentication(v.auth);
  const password = v['password-stdin'] ? await readPasswordFromStdin(io) : null;
  const repo = await openRepository(
    io,
    v['data-dir'],
    'users',
    v,
    v['password-stdin'] ? '--password-stdin' : undefined,
    sub === undefined || sub === 'list' || sub === 'show' ? 'read' : 'write',
  );
  try {
    switch (sub) {
      case undefined:
      case 'list': {
        const users = await repo.listUsers();
        if (v.json) printJson(io, users.map(userJson));
        else io.stdout(table(users));
        return 0;
      }
      case 'add': {
        if (password !== null && auth === 'directoryServices') {
          throw new CliError(
            'a Directory Services user has no password here (MDaemon checks it); leave out --password-stdin',
            2,
          );
        }
        const user = await userRules(repo).createUser({
          userName: need(name, 'users add'),
          fullName: v['full-name'],
          emailAddresses: v.email,
          authentication: auth ?? 'integrated',
          privileges: privs,
          password,
        });
        io.stdout(
          `created user ${user.userName} (${user.authentication}${user.authentication === 'integrated' && !user.hasPassword ? ', no password yet' : ''})\n`,
        );
        return 0;
      }
      case 'passwd': {
        const userName = need(name, 'users passwd');
        if (password === null)
          throw new CliError('users passwd reads the new password from standard input: add --password-stdin', 2);
        const user = await repo.getUser(userName);
        if (!user) throw new UserError('notFound', `there is no user named ${userName}`);
        if (user.authentication !== 'integrated') {
          throw new UserError('refused', `${user.userName} logs on with Directory Services: its password is MDaemon's`);
        }
        await userRules(repo).setPassword(user.userName, password);
        io.stdout(`password of ${user.userName} set\n`);
        return 0;
      }
      case 'show': {
        const userName = need(name, 'users show');
        const user = await repo.getUser(userName);
        if (!user) throw new UserError('notFound', `there is no user named ${userName}`);
        if (v.json) printJson(io, { ...userJson(user), messages: user.messages });
        else io.stdout(details(user));
        return 0;
      }
      case 'delete': {
        const userName = need(name, 'users delete');
        const result = await userRules(repo).deleteUser(userName);
        io.stdout(
          `deleted user ${userName}; ${result.folderKept ? `archive folder kept (${result.messages} messages)` : 'empty archive folder removed'}\n`,
        );
        return 0;
      }
      case 'set-privileges': {
        const userName = need(name, 'users set-privileges');
        if (!privs) throw new CliError('users set-privileges needs --privilege P... (or --privilege none)', 2);
        const user = await userRules(repo).setPrivileges(userName, privs);
        io.stdout(`privileges of ${user.userName}: ${user.privileges.join(', ') || 'none'}\n`);
        return 0;
      }
      case 'set-auth': {
        const userName = need(name, 'users set-auth');
        const value = authentication(rest[0] ?? v.auth);
        if (!value) throw new CliError('users set-auth needs integrated or directoryServices', 2);
        const user = await userRules(repo).setAuthentication(userName, value);
        io.stdout(`${user.userName} now logs on with ${user.authentication}\n`);
        return 0;
      }
      case 'unlock': {
        const userName = need(name, 'users unlock');
        const shared = repo.throttleStore();
        // PostgreSQL keeps the throttle in the database; the embedded store's service keeps it in
        // memory and reads the request from the data directory at its next logon attempt.
        if (shared) await shared.clearUser(nameKey(userName));
        else requestUnlock(v['data-dir'] ?? io.defaultDataDir, userName);
        io.stdout(`failed logons of ${userName.trim()} forgotten; it may log on again from every address\n`);
        return 0;
      }
      default:
        throw new CliError(`unknown users subcommand ${sub}; ${USAGE.split('\n')[0]}`, 2);
    }
  } finally {
    await repo.close();
  }
};

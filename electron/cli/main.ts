/**
 * `mdsync`: the headless face of the product, for schedules and scripts.
 *
 * Dispatches to one command module, loaded lazily so `inspect` does not pay for IMAP or SQLite.
 * Every failure ends as one line on stderr and an exit status (0 done, 1 refused, 2 bad input).
 */
import os from 'node:os';
import { UserError } from '../../shared/result';
import { defaultDataDir } from '../core/paths';
import { VERSION } from '../version';
import { exitCodeFor, type CliIo, type Command } from './io';

const COMMANDS: Record<string, () => Promise<Command>> = {
  inspect: async () => (await import('./commands/inspect')).inspect,
  test: async () => (await import('./commands/test')).testCommand,
  sync: async () => (await import('./commands/sync')).syncCommand,
  users: async () => (await import('./commands/users')).usersCommand,
  folders: async () => (await import('./commands/folders')).foldersCommand,
  archive: async () => (await import('./commands/archive')).archiveCommand,
  db: async () => (await import('./commands/db')).dbCommand,
  login: async () => (await import('./commands/login')).loginCommand,
  'imap-check': async () => (await import('./commands/imap-check')).imapCheck,
  server: async () => (await import('./commands/server')).serverCommand,
};

/** The usage text of `mdsync --help`. */
export const USAGE = `mdsync ${VERSION}: keeps an archive's user database in step with MDaemon

Usage:
  mdsync inspect --app-dir DIR [--code-page CP] [--json]
  mdsync test    [common] [--json]                       the plan, nothing written
  mdsync sync    [common] [--confirm-deletes] [--json]   the plan, applied all or nothing
  mdsync users   [--data-dir D] [--json]
  mdsync users add NAME [--full-name N] [--email A]... [--auth integrated|directoryServices]
                        [--privilege P]... [--password-stdin] [--data-dir D]
  mdsync users passwd NAME --password-stdin [--data-dir D]
  mdsync users show|delete NAME, users set-privileges NAME --privilege P...|none, users set-auth NAME AUTH
  mdsync users unlock NAME [--data-dir D]                forget a name's failed logons
  mdsync folders [--data-dir D] [--json]
  mdsync archive import --user NAME FILE.eml... [--data-dir D]
  mdsync db copy --to URL | --from URL [--data-dir D]   the embedded file to PostgreSQL, or back
  mdsync db check [--data-dir D] [--json]               the database file, its backup, copies moved aside
  mdsync db restore --from FILE [--data-dir D]          put a sound copy back (the replaced file is kept)
  mdsync db init [--data-dir D]                         a new empty database where one was lost
  mdsync login --user NAME --password-stdin [imap] [--data-dir D] [--json]
  mdsync imap-check --user U --password-stdin [imap] [--json]
  mdsync server  [--listen HOST:PORT] [--data-dir D] [--tls-cert FILE --tls-key FILE] [db]
                 [--session-idle 30m] [--session-lifetime 12h] [--max-connections-per-address 64]
                 [--max-connections N] [--connection-idle 60s] [--imap-workers N]
                 [--share-password-file FILE|-] [--public-url URL]... [--proxy-protocol-from CIDR]...
                 [--metrics-allow CIDR]... [--drain-grace 10s]   the network service (HTTPS; mdsync server --help)

common: [--data-dir D] [--app-dir DIR] [--code-page CP] [--domain D]... [--group G]...
        [--delete-users] [--delete-limit N|P%]
        [--share-user U] [--share-domain D] [--share-password-stdin]   (UNC paths off Windows;
        or the share password in MDSYNC_SHARE_PASSWORD)  [--progress]  (phase lines on stderr)
imap:   [--imap-host H] [--imap-port P] [--imap-security none|starttls|ssl] [--ignore-cert]
        [--fingerprint SHA256] [--login-method auto|login|plain]
db:     [--database postgres://USER@HOST:PORT/DB[?sslmode=require]] [--database-password-stdin]
        on test, sync, users, folders, archive, login and server (or MDSYNC_DATABASE_URL, or "database" in
        config.json); the password from PGPASSWORD, a pgpass file or standard input.
        Without one: the embedded SQLite file in the data directory.

Flags override the saved settings for one run; nothing given here is saved.
One synchronization runs at a time: another waits MDSYNC_LOCK_WAIT_MS (default 5000) for it, then exits 1.
Passwords are read only from standard input, never from arguments.
Exit status: 0 done, 1 refused or failed, 2 bad usage or unreadable input.
Data directory (settings, user database, log): ${defaultDataDir(process.platform, process.env, os.homedir())}
`;

const FS_CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EEXIST: 'a file is in the way (a directory was expected)',
  ENOTDIR: 'a file is in the way (a directory was expected)',
  EISDIR: 'is a directory',
  ENOENT: 'not found',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
};

/** A file-system failure (bad --data-dir, full disk) as one line, or null for anything else. */
function fileSystemProblem(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException;
  if (!(err instanceof Error) || typeof e.code !== 'string' || typeof e.path !== 'string') return null;
  const what = FS_CODES[e.code];
  return what ? `cannot use ${e.path}: ${what}` : null;
}

/** Runs one command line; resolves to the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`mdsync: unknown command "${name}"; see mdsync --help\n`);
    return 2;
  }
  try {
    const command = await load();
    return await command(rest, io);
  } catch (err) {
    const fsProblem = fileSystemProblem(err);
    if (fsProblem) {
      io.stderr(`mdsync ${name}: ${fsProblem}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const known = err instanceof UserError || (err instanceof Error && err.name === 'CliError');
    io.stderr(`mdsync ${name}: ${known ? message : `internal error: ${message}`}\n`);
    return exitCodeFor(err);
  }
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    if (process.stdin.isTTY) {
      resolve('');
      return;
    }
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

/** The process's own streams. */
export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin,
    env: process.env,
    defaultDataDir: defaultDataDir(process.platform, process.env, os.homedir()),
  };
}

if (require.main === module) {
  // Library deprecation notices (the SMB client's Buffer()) are not the administrator's business.
  process.noDeprecation = true;
  // A reader that stops early (`mdsync inspect --json | head`) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  process.on('uncaughtException', (err) => {
    process.stderr.write(`mdsync: internal error: ${err.message.split('\n')[0]}\n`);
    process.exit(1);
  });
  void runCli(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}

/**
 * `mdsync login`: logs a user on to the archive the way the logon screen does, and says how it went.
 *
 * Same authenticator as the app (integrated password hash, or MDaemon's IMAP server for
 * Directory Services users), same answers: an unknown user and a wrong password read alike, and
 * the data directory's log says which. The `[imap]` flags override the saved IMAP settings for
 * this run. The password comes only from standard input. The throttle lives in one process, so
 * separate `mdsync login` runs do not slow each other down: the app's logon screen is the
 * guarded door.
 */
import type { Settings } from '../../../shared/settings';
import { createAuthenticator } from '../../core/auth/authenticate';
import type { LogonUser } from '../../core/db/port';
import { verifyPassword } from '../../core/auth/passwords';
import { checkImapLogin } from '../../core/imap/imap-check';
import { createFileLogger, type Logger } from '../../core/logger';
import { dataFiles } from '../../core/paths';
import { loadSettings, openSharedSettingsStore } from '../../core/settings-store';
import { CliError, printJson, readPasswordFromStdin, type CliIo, type Command } from '../io';
import { LOGON_FLAGS, imapSettingsFromFlags, parseCommandArgs } from './imap-check';
import { openRepository } from './common-flags';
import { DATABASE_FLAGS, DATABASE_USAGE, type DatabaseValues } from './database-flags';

/** The part of the user database a logon reads. */
export interface LoginUserSource {
  getLogonUser(userName: string): Promise<LogonUser | null>;
  verifyPassword(userName: string, password: string): Promise<boolean>;
  close(): Promise<void>;
  /** PostgreSQL: the shared settings document lives with the users. */
  readonly keepsSettings?: boolean;
  loadSettingsDoc?(): Promise<unknown>;
  saveSettingsDoc?(doc: unknown): Promise<void>;
}

/** Dependencies of the command, for tests. */
export interface LoginCommandDeps {
  openUsers(dataDir: string, db: DatabaseValues, io: CliIo): Promise<LoginUserSource>;
  loadSettings(dataDir: string): Settings;
  logger(dataDir: string): Logger;
  check: typeof checkImapLogin;
}

const USAGE =
  'usage: mdsync login --user NAME --password-stdin [--imap-host H] [--imap-port P] [--imap-security none|starttls|ssl] [--ignore-cert] [--fingerprint SHA256] [--login-method auto|login|plain] [--data-dir D] [--json] ' +
  DATABASE_USAGE;

/** Builds the command over its dependencies. */
export function makeLogin(deps: LoginCommandDeps): Command {
  return async (argv: string[], io: CliIo): Promise<number> => {
    const { values } = parseCommandArgs(argv, { ...LOGON_FLAGS, ...DATABASE_FLAGS }, USAGE);
    if (values.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const userName = typeof values.user === 'string' ? values.user.trim() : '';
    if (userName === '') throw new CliError(`--user is required; ${USAGE}`, 2);
    if (!values['password-stdin'])
      throw new CliError('the password is read only from standard input: add --password-stdin', 2);
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : io.defaultDataDir;
    const password = await readPasswordFromStdin(io);
    const logger = deps.logger(dataDir);
    const db: DatabaseValues = {
      database: typeof values.database === 'string' ? values.database : undefined,
      'database-password-stdin': values['database-password-stdin'] === true,
    };
    const users = await deps.openUsers(dataDir, db, io);
    try {
      // With PostgreSQL the IMAP settings are the shared ones kept with the users.
      const shared =
        users.keepsSettings && users.loadSettingsDoc && users.saveSettingsDoc
          ? await openSharedSettingsStore(
              { loadSettingsDoc: () => users.loadSettingsDoc!(), saveSettingsDoc: (d) => users.saveSettingsDoc!(d) },
              () => deps.loadSettings(dataDir),
            )
          : null;
      const imap = imapSettingsFromFlags((shared ? shared.load() : deps.loadSettings(dataDir)).imap, values);
      const auth = createAuthenticator({
        findUser: async (name) => {
          const u = await users.getLogonUser(name);
          // The store keeps the hash to itself; verifyUserPassword below checks by name.
          return (
            u && {
              ...u,
              emailAddresses: [...u.emailAddresses],
              privileges: [...u.privileges],
              passwordHash: u.hasPassword ? 'stored' : null,
            }
          );
        },
        verifyPassword,
        verifyUserPassword: (name, pw) => users.verifyPassword(name, pw),
        imapSettings: () => Promise.resolve(imap),
        checkImap: deps.check,
        log: (level, message) => logger.log(level, `cli login: ${message}`),
        now: () => Date.now(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      });
      const result = await auth.authenticate(userName, password);
      if (result.ok) {
        if (values.json)
          printJson(io, { ok: true, userName: result.user.userName, authentication: result.user.authentication });
        else io.stdout(`ok: ${result.user.userName} logged on (${result.user.authentication})\n`);
        return 0;
      }
      if (values.json) printJson(io, { ok: false, reason: result.reason, message: result.message });
      else io.stderr(`${result.reason}: ${result.message}\n`);
      return 1;
    } finally {
      await users.close();
    }
  };
}

/** `mdsync login`. */
export const loginCommand: Command = makeLogin({
  openUsers: (dataDir, db, io) => openRepository(io, dataDir, 'login', db, '--password-stdin'),
  loadSettings,
  logger: (dataDir) => createFileLogger(dataFiles(dataDir).log),
  check: checkImapLogin,
});

/**
 * `mdsync login`: logs a user on to the archive the way the logon screen does, and says how it went.
 *
 * Same authenticator as the app (electron/app/authenticator.ts: integrated password hash, or
 * MDaemon's IMAP server for Directory Services users), same answers: an unknown user and a wrong password read alike, and
 * the data directory's log says which. The `[imap]` flags override the saved IMAP settings for
 * this run. The password comes only from standard input. The throttle lives in one process, so
 * separate `mdsync login` runs do not slow each other down: the app's logon screen is the
 * guarded door.
 */
import type { Settings } from '../../../shared/settings';
import { createLogonAuthenticator } from '../../app/authenticator';
import { readOnlySettings, settingsStoreFor, type SettingsHolder } from '../../app/settings-choice';
import type { ArchiveRepository } from '../../core/db/port';
import { checkImapLogin } from '../../core/imap/imap-check';
import { createFileLogger, type Logger } from '../../core/logger';
import { dataFiles } from '../../core/paths';
import { loadSettings } from '../../core/settings-store';
import { CliError, printJson, readPasswordFromStdin, type CliIo, type Command } from '../io';
import { LOGON_FLAGS, imapSettingsFromFlags, parseCommandArgs } from './imap-check';
import { openRepository } from './common-flags';
import { DATABASE_FLAGS, DATABASE_USAGE, type DatabaseValues } from './database-flags';

/** The part of the user database a logon reads (and where the shared settings may live). */
export type LoginUserSource = Pick<ArchiveRepository, 'getLogonUser' | 'verifyPassword' | 'close'> & SettingsHolder;

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
      // The IMAP settings every server shares, where the database keeps them; else this machine's.
      const settings = await settingsStoreFor(
        users,
        readOnlySettings(() => deps.loadSettings(dataDir)),
      );
      const imap = imapSettingsFromFlags(settings.load().imap, values);
      const auth = createLogonAuthenticator(users, {
        imapSettings: () => imap,
        checkImap: deps.check,
        log: (level, message) => logger.log(level, `cli login: ${message}`),
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

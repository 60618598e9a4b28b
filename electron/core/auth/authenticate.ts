/**
 * Logs a user on to the archive: by the archive's own password hash, or by MDaemon's IMAP server.
 *
 * The caller (the logon screen, `mdsync login`) learns only what a user may know: an unknown
 * user and a wrong password get the same answer, and whether a user may log on at all is only
 * told once the password was right. The administrator's log says what really happened.
 * Repeated failures per user name and per client address are slowed down and then locked out
 * (see logon-throttle.ts). Logons and failures are logged with the client address, when there is
 * one; no password reaches a log line, a message or an error.
 */
import type { LogonFailure, Privilege, SessionUser } from '../../../shared/model';
import type { ImapSettings } from '../../../shared/settings';
import { assertNever } from '../../../shared/result';
import { checkImapLogin } from '../imap/imap-check';
import { SCRYPT_PARAMS } from './passwords';
import { DEFAULT_THROTTLE, LogonThrottle, type ThrottleOptions, type ThrottleSubject } from './logon-throttle';
import { createMemoryThrottleStore, type ThrottleStore } from './throttle-store';

/** What logon needs to know about a user. */
export interface AuthUser {
  userName: string;
  fullName: string;
  authentication: 'integrated' | 'directoryServices';
  privileges: Privilege[];
  emailAddresses: string[];
  /** The stored hash (integrated users); null when none is set. */
  passwordHash: string | null;
}

/** Dependencies of {@link createAuthenticator}; all I/O and time come through here. */
export interface AuthenticatorDeps {
  /** Finds a user by name, case-insensitively. */
  findUser(userName: string): Promise<AuthUser | null>;
  /** Checks a password against a stored hash (passwords.ts's verifyPassword). */
  verifyPassword(hash: string, password: string): Promise<boolean>;
  /**
   * Checks an integrated user's password by name, for stores that keep the hash to themselves;
   * used instead of `verifyPassword` when given.
   */
  verifyUserPassword?(userName: string, password: string): Promise<boolean>;
  imapSettings(): Promise<ImapSettings>;
  checkImap?: typeof checkImapLogin;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  now(): number;
  sleep(ms: number): Promise<void>;
  throttle?: Partial<ThrottleOptions>;
  /** Where failures are counted; default: this process's memory. */
  throttleStore?: ThrottleStore;
}

/** Where a logon comes from. */
export interface LogonOrigin {
  /** The client's address (the network carriers); absent for the desktop app and the CLI. */
  readonly clientAddress?: string;
}

/** The answer of a logon. */
export type AuthResult = { ok: true; user: SessionUser } | { ok: false; reason: LogonFailure; message: string };

/** Authenticates users. */
export interface Authenticator {
  authenticate(userName: string, password: string, origin?: LogonOrigin): Promise<AuthResult>;
}

/** Same caller-facing text for an unknown user and a wrong password. */
export const INVALID_CREDENTIALS_MESSAGE = 'The user name or password is not correct.';
/** For the person logging on: no administrator's settings (those are in the log, see LOG_APOP_HINT). */
const APOP_HINT = ' If you use your MDaemon password and are sure it is right, tell your administrator.';
/** For the administrator reading the log: the MDaemon setting that refuses right passwords. */
const LOG_APOP_HINT = '; if the password is right, check MDaemon\'s "honor APOP & CRAM-MD5" setting';

/** A well-formed hash no password matches: unknown users cost as much time as known ones. */
const DUMMY_HASH = [
  'scrypt',
  SCRYPT_PARAMS.N,
  SCRYPT_PARAMS.r,
  SCRYPT_PARAMS.p,
  Buffer.alloc(16).toString('base64'),
  Buffer.alloc(32).toString('base64'),
].join('$');

const IMAP_REASONS = {
  auth: 'invalidCredentials',
  network: 'serverUnreachable',
  tls: 'tlsError',
  timeout: 'timeout',
  config: 'notConfigured',
} as const satisfies Record<string, LogonFailure>;

function quote(name: string): string {
  return JSON.stringify(name.slice(0, 200));
}

function from(subject: ThrottleSubject): string {
  return subject.clientAddress ? ` from ${subject.clientAddress}` : '';
}

function minutes(ms: number): string {
  const m = Math.max(1, Math.ceil(ms / 60_000));
  return `${m} minute${m === 1 ? '' : 's'}`;
}

function callerMessage(reason: LogonFailure): string {
  switch (reason) {
    case 'invalidCredentials':
      return INVALID_CREDENTIALS_MESSAGE;
    case 'notPermitted':
      return 'This user may not log on to the archive.';
    case 'serverUnreachable':
      return 'The MDaemon server that checks your password cannot be reached. Try again later, or tell your administrator.';
    case 'tlsError':
      return 'The secure connection to the MDaemon server that checks your password failed. Tell your administrator.';
    case 'timeout':
      return 'The MDaemon server that checks your password did not answer in time. Try again later.';
    case 'notConfigured':
      return 'Logging on with MDaemon credentials is not set up. Tell your administrator.';
    case 'lockedOut':
      return 'Too many failed logons.';
    default:
      return assertNever(reason);
  }
}

/** Creates the authenticator; its throttle lives as long as it does. */
export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  const throttle = new LogonThrottle(
    { ...DEFAULT_THROTTLE, ...deps.throttle },
    deps.throttleStore ?? createMemoryThrottleStore(),
    () => deps.now(),
  );
  const checkImap = deps.checkImap ?? checkImapLogin;

  const refuse = (reason: LogonFailure, extra = ''): AuthResult => ({
    ok: false,
    reason,
    message: callerMessage(reason) + extra,
  });

  async function invalid(subject: ThrottleSubject, why: string): Promise<AuthResult> {
    const userName = subject.userName;
    const locked = await throttle.recordFailure(subject);
    deps.log('info', `logon refused for ${quote(userName)}${from(subject)}: ${why}`);
    if (locked.lockedMs > 0) {
      const what =
        locked.lockedBy === 'address' ? `logons from ${subject.clientAddress}` : `logon for ${quote(userName)}`;
      deps.log('warn', `${what} locked for ${minutes(locked.lockedMs)} after repeated failures`);
    }
    // The hint depends only on global settings, never on the user, so it reveals nothing about them.
    const imapOn = await deps.imapSettings().then(
      (s) => s.host.trim() !== '',
      () => false,
    );
    return refuse('invalidCredentials', imapOn ? APOP_HINT : '');
  }

  async function passwordIsRight(user: AuthUser, password: string, origin: LogonOrigin): Promise<AuthResult | true> {
    const { authentication } = user;
    const subject = { userName: user.userName, clientAddress: origin.clientAddress };
    switch (authentication) {
      case 'integrated': {
        const right = deps.verifyUserPassword
          ? await deps.verifyUserPassword(user.userName, password)
          : user.passwordHash !== null && (await deps.verifyPassword(user.passwordHash, password));
        if (right) return true;
        return invalid(
          subject,
          user.passwordHash === null && !deps.verifyUserPassword ? 'no password is set' : 'wrong password',
        );
      }
      case 'directoryServices': {
        const settings = await deps.imapSettings();
        if (settings.host.trim() === '') {
          deps.log(
            'warn',
            `logon of ${quote(user.userName)} (Directory Services) impossible: no MDaemon IMAP server is configured`,
          );
          return refuse('notConfigured');
        }
        const address = user.emailAddresses[0] ?? (user.userName.includes('@') ? user.userName : null);
        if (!address) {
          deps.log(
            'warn',
            `logon of ${quote(user.userName)} (Directory Services) impossible: the user has no email address to log on to MDaemon with`,
          );
          return refuse('notConfigured');
        }
        const result = await checkImap(settings, address, password);
        if (result.ok) return true;
        const code = result.error?.code ?? 'network';
        const detail = result.error?.message ?? 'no details';
        if (code === 'auth')
          return invalid(subject, `MDaemon refused the password for ${quote(address)}: ${detail}${LOG_APOP_HINT}`);
        deps.log(
          code === 'config' ? 'error' : 'warn',
          `logon of ${quote(user.userName)} via IMAP failed (${code}): ${detail}`,
        );
        return refuse(IMAP_REASONS[code]);
      }
      default:
        return assertNever(authentication);
    }
  }

  return {
    async authenticate(userName, password, origin = {}) {
      const name = userName.trim();
      const subject = { userName: name, clientAddress: origin.clientAddress };
      const verdict = await throttle.check(subject);
      if (verdict.lockedFor > 0) {
        const what = verdict.lockedBy === 'address' ? `its address ${origin.clientAddress ?? ''}` : 'the user name';
        deps.log(
          'warn',
          `logon refused for ${quote(name)}${from(subject)}: ${what} is locked out for another ${minutes(verdict.lockedFor)}`,
        );
        return refuse('lockedOut', ` Try again in ${minutes(verdict.lockedFor)}.`);
      }
      if (verdict.delayMs > 0) {
        deps.log(
          'info',
          `logon of ${quote(name)}${from(subject)} delayed ${verdict.delayMs} ms after repeated failures`,
        );
        await deps.sleep(verdict.delayMs);
      }
      if (name === '' || password === '' || /[\r\n\0]/.test(password)) {
        return invalid(subject, name === '' ? 'no user name' : 'empty or malformed password');
      }
      const user = await deps.findUser(name);
      if (!user) {
        await deps.verifyPassword(DUMMY_HASH, password).catch(() => false);
        return invalid(subject, 'no such user');
      }
      const verified = await passwordIsRight(user, password, origin);
      if (verified !== true) return verified;
      await throttle.recordSuccess(subject);
      if (!user.privileges.includes('login') && !user.privileges.includes('admin')) {
        deps.log(
          'info',
          `logon refused for ${quote(user.userName)}${from(subject)}: password right, but no "login" privilege`,
        );
        return refuse('notPermitted');
      }
      deps.log('info', `${quote(user.userName)} logged on (${user.authentication})${from(subject)}`);
      return {
        ok: true,
        user: {
          userName: user.userName,
          fullName: user.fullName,
          authentication: user.authentication,
          privileges: [...user.privileges],
        },
      };
    },
  };
}

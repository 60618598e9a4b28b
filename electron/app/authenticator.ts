/**
 * The logon authenticator over the user database, built once for the desktop app, the service and
 * `mdsync login`: the store keeps the hashes to itself (it verifies by user name), Directory
 * Services users are checked against MDaemon's IMAP server, and both checks are counted for the
 * metrics.
 */
import type { ImapSettings } from '../../shared/settings';
import { createAuthenticator, type Authenticator, type AuthenticatorDeps } from '../core/auth/authenticate';
import { verifyPassword } from '../core/auth/passwords';
import type { ArchiveRepository } from '../core/db/port';
import { checkImapLogin } from '../core/imap/imap-check';
import { serviceMetrics } from '../core/metrics';

/** What the authenticator needs besides the store. */
export interface LogonDeps {
  /** The IMAP settings of a Directory Services check (read at each check: they may change). */
  readonly imapSettings: () => ImapSettings;
  /** Where the check against MDaemon runs; default this thread. */
  readonly checkImap?: typeof checkImapLogin;
  readonly log: AuthenticatorDeps['log'];
  /** The service's bounds and shared throttle (gates, throttle store, pending unlocks). */
  readonly extra?: Pick<AuthenticatorDeps, 'gate' | 'imapGate' | 'throttleStore' | 'pendingUnlocks'>;
}

/** The authenticator of a process over `users`. */
export function createLogonAuthenticator(
  users: Pick<ArchiveRepository, 'getLogonUser' | 'verifyPassword'>,
  deps: LogonDeps,
): Authenticator {
  const check = deps.checkImap ?? checkImapLogin;
  /** The logon check against MDaemon, timed for the metrics. */
  const timedCheck: typeof checkImapLogin = async (...args) => {
    const end = serviceMetrics.imapCheckSeconds.startTimer();
    serviceMetrics.passwordChecksInFlight.inc();
    try {
      const result = await check(...args);
      end({ result: result.ok ? 'ok' : (result.error?.code ?? 'failed') });
      return result;
    } finally {
      serviceMetrics.passwordChecksInFlight.dec();
    }
  };
  return createAuthenticator({
    findUser: async (userName) => {
      const u = await users.getLogonUser(userName);
      if (!u) return null;
      return {
        userName: u.userName,
        fullName: u.fullName,
        authentication: u.authentication,
        privileges: [...u.privileges],
        emailAddresses: [...u.emailAddresses],
        passwordHash: u.hasPassword ? 'stored' : null,
      };
    },
    verifyPassword,
    // The repository keeps the hash to itself: it verifies by user name.
    verifyUserPassword: async (userName, password) => {
      serviceMetrics.passwordChecksInFlight.inc();
      try {
        return await users.verifyPassword(userName, password);
      } finally {
        serviceMetrics.passwordChecksInFlight.dec();
      }
    },
    imapSettings: () => Promise.resolve(deps.imapSettings()),
    checkImap: timedCheck,
    log: deps.log,
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    ...deps.extra,
  });
}

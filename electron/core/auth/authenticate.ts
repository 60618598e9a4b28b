/**
 * Logs a user on to the archive: by the archive's own password hash, or by MDaemon's IMAP server.
 *
 * The caller (the logon screen, `mdsync login`) learns only what a user may know: an unknown
 * user, a user without a password, a wrong password and an unreachable MDaemon get the same
 * answer after the same time floor and count alike in the throttle, and whether a user may log on
 * at all is only told once the password was right. The administrator's log says what really happened.
 *
 * Work is bounded: each attempt is reserved before its check (logon-throttle.ts), at most one
 * check runs per user name (a known-good device aside) and 16 per address — more answer "busy,
 * try again in N s" at once — and every check passes a global CheckGate: stored-hash checks (scrypt)
 * about twice the cores with a short queue, which is what bounds the CPU; IMAP checks, which mostly
 * wait on MDaemon, 8 per core (16 to 64). The per-address bound only stops one address
 * from taking every place: it is well above the gate so that an office behind one NAT address,
 * logging on at 9:00, is not made to go one at a time. Logons and
 * failures are logged with the client address; no password reaches a log line, a message or an error.
 */
import type { LogonFailure, Privilege, SessionUser } from '../../../shared/model';
import type { ImapSettings } from '../../../shared/settings';
import { assertNever } from '../../../shared/result';
import { checkImapLogin } from '../imap/imap-check';
import { CheckGate, InFlight, imapGateSize } from './check-gate';
import { clientKey } from './client-key';
import { DEFAULT_THROTTLE, LogonThrottle, isHeldBack, isLocked, nameKey, type ThrottleOptions } from './logon-throttle';
import { createMemoryThrottleStore, type ThrottleStore } from './throttle-store';
import { RefusalFloor } from './refusal-floor';

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
  /** The global bound on stored-hash checks (scrypt, CPU) in flight; default twice the cores. */
  gate?: CheckGate;
  /** The global bound on IMAP checks in flight (network-bound); default imapGateSize(). */
  imapGate?: CheckGate;
  /** User names `mdsync users unlock` asked to clear since the last look (the embedded store). */
  pendingUnlocks?: () => string[];
  /**
   * Every refusal of a password takes at least this long from its check's start (default 400 ms);
   * longer while MDaemon takes longer to refuse (refusal-floor.ts).
   */
  failureFloorMs?: number;
  /** Checks in flight at most per client address (default 16) and per user name (default 1). */
  inFlight?: { perAddress: number; perUserName: number };
}

/** Where a logon comes from. */
export interface LogonOrigin {
  /** The client's address (the network carriers); absent for the desktop app and the CLI. */
  readonly clientAddress?: string;
  /** The client showed a device cookie issued to this user name at an earlier logon. */
  readonly trustedDevice?: boolean;
  /** Aborted when the client has gone: a check still waiting is dropped. */
  readonly signal?: AbortSignal;
}

/** The answer of a logon. */
export type AuthResult =
  { ok: true; user: SessionUser } | { ok: false; reason: LogonFailure; message: string; retryAfterSeconds?: number };

type Refusal = Extract<AuthResult, { ok: false }>;

/** Authenticates users. */
export interface Authenticator {
  authenticate(userName: string, password: string, origin?: LogonOrigin): Promise<AuthResult>;
  /**
   * Checks a logged-on user's current password (a password change), throttled and logged like a
   * logon; ok without regard to the Log on privilege.
   */
  checkPassword(userName: string, password: string, origin?: LogonOrigin): Promise<AuthResult>;
  /** Forgets the failures and lock-outs of a user name (`mdsync users unlock`). */
  unlock(userName: string): Promise<void>;
}

/** Same caller-facing text for an unknown user and a wrong password. */
export const INVALID_CREDENTIALS_MESSAGE = 'The user name or password is not correct.';
/** For the person logging on: no administrator's settings (those are in the log, see LOG_APOP_HINT). */
const APOP_HINT = ' If you use your MDaemon password and are sure it is right, tell your administrator.';
/** For the administrator reading the log: the MDaemon setting that refuses right passwords. */
const LOG_APOP_HINT = '; if the password is right, check MDaemon\'s "honor APOP & CRAM-MD5" setting';

function quote(name: string): string {
  return JSON.stringify(name.slice(0, 200));
}

function from(origin: LogonOrigin): string {
  return origin.clientAddress ? ` from ${origin.clientAddress}` : '';
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
    case 'busy':
      return 'The service is busy checking other logons.';
    default:
      return assertNever(reason);
  }
}

/**
 * What a check found: right, or why not (for the log only; the caller hears "invalid", the throttle
 * counts it); `askedMdaemon` when the refusal came from MDaemon (its time sets the refusal floor).
 */
type Verdict = { right: true } | { right: false; why: string; askedMdaemon?: true };

/** Creates the authenticator; its throttle lives as long as it does. */
export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  const throttle = new LogonThrottle(
    { ...DEFAULT_THROTTLE, ...deps.throttle },
    deps.throttleStore ?? createMemoryThrottleStore(),
    () => deps.now(),
  );
  const checkImap = deps.checkImap ?? checkImapLogin;
  const gate = deps.gate ?? new CheckGate();
  const imapGate = deps.imapGate ?? new CheckGate(imapGateSize().maxInFlight, imapGateSize().maxQueued);
  const floor = new RefusalFloor(deps.failureFloorMs ?? 400);
  const limits = deps.inFlight ?? { perAddress: 16, perUserName: 1 };
  const inFlight = new InFlight();
  /** Per user name at an address with a check running: the parallel attempts turned away meanwhile. */
  const alongside = new Map<string, { count: number }>();

  const refuse = (reason: LogonFailure, extra = '', retryAfterSeconds?: number): Refusal => ({
    ok: false,
    reason,
    message: callerMessage(reason) + extra,
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
  });
  const busy = (seconds: number) => refuse('busy', ` Try again in ${seconds} s.`, seconds);
  const locked = (ms: number) => refuse('lockedOut', ` Try again in ${minutes(ms)}.`, Math.ceil(ms / 1000));

  /** The same answer for every refused password, whatever the reason; the hint depends on global settings only. */
  async function invalid(): Promise<Refusal> {
    const imapOn = await deps.imapSettings().then(
      (s) => s.host.trim() !== '',
      () => false,
    );
    return refuse('invalidCredentials', imapOn ? APOP_HINT : '');
  }

  async function check(user: AuthUser | null, name: string, password: string): Promise<Verdict> {
    if (name === '' || password === '' || /[\r\n\0]/.test(password)) {
      return { right: false, why: name === '' ? 'no user name' : 'empty or malformed password' };
    }
    // Unknown names cost no CPU: the time floor alone makes them answer like a real check.
    if (!user) return { right: false, why: 'no such user' };
    if (user.authentication === 'integrated') {
      if (user.passwordHash === null && !deps.verifyUserPassword) {
        return { right: false, why: 'no password is set' };
      }
      const right = deps.verifyUserPassword
        ? await deps.verifyUserPassword(user.userName, password)
        : await deps.verifyPassword(user.passwordHash ?? '', password);
      return right
        ? { right: true }
        : { right: false, why: user.passwordHash === null ? 'no password is set' : 'wrong password' };
    }
    const settings = await deps.imapSettings();
    if (settings.host.trim() === '') {
      return { right: false, why: 'Directory Services user, but no MDaemon IMAP server is configured' };
    }
    const address = user.emailAddresses[0] ?? (user.userName.includes('@') ? user.userName : null);
    if (!address) {
      return {
        right: false,
        why: 'Directory Services user without an email address to log on to MDaemon with',
      };
    }
    const result = await checkImap(settings, address, password);
    if (result.ok) return { right: true };
    const code = result.error?.code ?? 'network';
    const detail = result.error?.message ?? 'no details';
    if (code === 'auth')
      return {
        right: false,
        why: `MDaemon refused the password for ${quote(address)}: ${detail}${LOG_APOP_HINT}`,
        askedMdaemon: true,
      };
    deps.log(
      code === 'config' ? 'error' : 'warn',
      `logon of ${quote(user.userName)} via IMAP failed (${code}): ${detail}`,
    );
    return { right: false, why: `MDaemon could not check it (${code})`, askedMdaemon: true };
  }

  async function attempt(
    userName: string,
    password: string,
    origin: LogonOrigin,
    what: 'logon' | 'password change',
  ): Promise<Refusal | { ok: true; user: AuthUser }> {
    const name = userName.trim();
    for (const unlocked of deps.pendingUnlocks?.() ?? []) {
      await throttle.unlock(unlocked);
      deps.log('info', `failed logons of ${quote(unlocked)} forgotten (mdsync users unlock)`);
    }
    const subject = { userName: name, clientAddress: origin.clientAddress, trustedDevice: origin.trustedDevice };
    // The in-flight places first (no store, no await): one check per user name, a bounded few per address.
    const addressSlot = origin.clientAddress ? `addr:${clientKey(origin.clientAddress)}` : null;
    const here = origin.clientAddress ? clientKey(origin.clientAddress) : '';
    const nameSlot = origin.trustedDevice ? `device:${nameKey(name)}|${here}` : `user:${nameKey(name)}`;
    const pair = `${nameSlot}|${here}`;
    // A known device has its own place (one per user name there), not one of its address's: others
    // behind the same address cannot hold it up.
    const slots: [string, number][] = addressSlot && !origin.trustedDevice ? [[addressSlot, limits.perAddress]] : [];
    slots.push([nameSlot, limits.perUserName]);
    const taken = inFlight.tryTake(slots);
    if ('full' in taken) {
      // A parallel attempt of the same user name at the same address waits for that check's
      // verdict: counted with it if that password was wrong (a flood of guesses is a flood of
      // guesses), forgotten if it was right (a double click).
      const running = alongside.get(pair);
      if (taken.full === nameSlot && running) running.count++;
      deps.log(
        'info',
        `${what} of ${quote(name)}${from(origin)} refused at once: another check of it or its address is running`,
      );
      return busy(1);
    }
    const mine = { count: 0 };
    const own = !alongside.has(pair);
    if (own) alongside.set(pair, mine);
    const release = () => {
      if (own) alongside.delete(pair);
      taken.release();
    };
    let reserved: Awaited<ReturnType<LogonThrottle['reserve']>>;
    try {
      reserved = await throttle.reserve(subject);
    } catch (err) {
      release();
      throw err;
    }
    if (isLocked(reserved)) {
      release();
      const by =
        reserved.lockedBy === 'address' ? `its address ${origin.clientAddress ?? ''}` : 'the user name at this address';
      deps.log(
        'warn',
        `${what} refused for ${quote(name)}${from(origin)}: ${by} is locked out for another ${minutes(reserved.lockedFor)}`,
      );
      return locked(reserved.lockedFor);
    }
    if (isHeldBack(reserved)) {
      release();
      deps.log(
        'info',
        `${what} of ${quote(name)}${from(origin)} held back: failures and checks in flight of its ${reserved.heldBy === 'address' ? 'address' : 'user name at this address'} reach the lock-out limit`,
      );
      return busy(2);
    }
    try {
      if (reserved.delayMs > 0) {
        deps.log(
          'info',
          `${what} of ${quote(name)}${from(origin)} delayed ${reserved.delayMs} ms after repeated failures`,
        );
        await deps.sleep(reserved.delayMs);
      }
      const started = deps.now();
      const user = name === '' ? null : await deps.findUser(name);
      // Directory Services users wait on MDaemon, the others on the CPU: each kind has its own bound.
      const bound = user?.authentication === 'directoryServices' ? imapGate : gate;
      const ran = await bound.run(() => check(user, name, password), origin.signal);
      if (!ran.ran) {
        await reserved.released();
        if (ran.why === 'gone') {
          deps.log('info', `${what} of ${quote(name)}${from(origin)} dropped: the client went away`);
          return busy(1);
        }
        deps.log('warn', `${what} of ${quote(name)}${from(origin)} refused: too many password checks at once`);
        return busy(2);
      }
      const verdict = ran.value;
      if (verdict.right && user) {
        await reserved.succeeded();
        return { ok: true, user };
      }
      const why = verdict.right ? 'no such user' : verdict.why;
      if (!verdict.right && verdict.askedMdaemon) floor.record(deps.now() - started);
      // Every refusal counts, MDaemon down or not configured included: were those forgiven, the
      // slowdown and the lock-out would tell a Directory Services user from an unknown name.
      const lock = await reserved.failed(mine.count);
      if (lock.lockedMs > 0) {
        const key =
          lock.lockedBy === 'address'
            ? `logons from ${origin.clientAddress}`
            : `logons of ${quote(name)}${from(origin)}`;
        deps.log('info', `${what} refused for ${quote(name)}${from(origin)}: ${why}`);
        deps.log('warn', `${key} locked for ${minutes(lock.lockedMs)} after repeated failures`);
        const left = started + floor.ms() - deps.now();
        if (left > 0) await deps.sleep(left);
        return locked(lock.lockedMs);
      }
      deps.log('info', `${what} refused for ${quote(name)}${from(origin)}: ${why}`);
      // The same time floor for every refusal: unknown names, no password, Directory Services, MDaemon
      // down; it follows MDaemon's own time to refuse (refusal-floor.ts).
      const left = started + floor.ms() - deps.now();
      if (left > 0) await deps.sleep(left);
      return invalid();
    } finally {
      release();
    }
  }

  return {
    async authenticate(userName, password, origin = {}) {
      const result = await attempt(userName, password, origin, 'logon');
      if (!result.ok) return result;
      const user = result.user;
      const subject = { clientAddress: origin.clientAddress };
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
    async checkPassword(userName, password, origin = {}) {
      const result = await attempt(userName, password, origin, 'password change');
      if (!result.ok) return result;
      const u = result.user;
      return {
        ok: true,
        user: {
          userName: u.userName,
          fullName: u.fullName,
          authentication: u.authentication,
          privileges: [...u.privileges],
        },
      };
    },
    unlock: (userName) => throttle.unlock(userName),
  };
}

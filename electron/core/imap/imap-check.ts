/**
 * Checks a user's password by logging on to MDaemon's IMAP server and logging out again.
 *
 * This is how Directory Services users log on to the archive: MDaemon keeps the passwords, so
 * the archive only asks its IMAP server. It never throws for the server's or the network's sake:
 * every failure comes back as one of five codes (auth, tls, network, timeout, config) with a
 * message an administrator can act on, and never with the password in it. Each check is bounded
 * by the connect, greeting and total deadlines of the settings, and leaves no socket open.
 */
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { CertificateInfo, ImapCheckResult } from '../../../shared/model';
import type { ImapSettings } from '../../../shared/settings';
import { classifyImapError, timeoutFailure, type FailureContext, type ImapFailure } from './imap-errors';
import { normalizeFingerprint, passwordProblem, resolveTarget, userProblem } from './imap-target';
import { createCheckedTransport, type TlsObservation } from './tls-transport';

/** The steps of imapflow's session a logon check needs: its internal methods, typed here. */
interface SessionSteps {
  run(command: string): Promise<unknown>;
  upgradeToSTARTTLS(): Promise<unknown>;
  authenticate(): Promise<unknown>;
  logout(): Promise<unknown>;
}

/** True when this imapflow has the internal steps {@link LogonCheckClient} calls. */
function hasSessionSteps(proto: object): boolean {
  const p = proto as Partial<Record<keyof SessionSteps | 'startSession', unknown>>;
  return ['startSession', 'run', 'upgradeToSTARTTLS', 'authenticate', 'logout'].every(
    (name) => typeof p[name as keyof typeof p] === 'function',
  );
}

/**
 * imapflow made for a password check: the session after the greeting is capabilities, STARTTLS
 * when asked, the logon, LOGOUT. A full imapflow session also sends ID before and after the logon
 * and NAMESPACE, three round trips a check does not need: without them a check costs the server
 * and this process about a third less (`npm run bench`). Everything else (connection, TLS through
 * our transport, the greeting, the logon method, timeouts, errors) is imapflow's own.
 */
class LogonCheckClient extends ImapFlow {
  /** Replaces imapflow's internal startSession (pinned imapflow 2.10; checked at load time). */
  async startSession(): Promise<unknown> {
    const steps = this as unknown as SessionSteps;
    await steps.run('CAPABILITY');
    await steps.upgradeToSTARTTLS();
    await steps.authenticate();
    return steps.logout();
  }
}

/**
 * The client of a check: the lean one, or (should an imapflow update rename its internals) the
 * full imapflow session, which checks the same password with three more round trips.
 */
const LEAN = hasSessionSteps(ImapFlow.prototype);
function createClient(options: ImapFlowOptions): ImapClientLike {
  return LEAN ? new LogonCheckClient(options) : new ImapFlow(options);
}

/** Checks made by this process: their ids. */
let checks = 0;

/** Whether checks use the lean session (for tests). */
export const leanSession = LEAN;

/** The part of an ImapFlow client a check uses (a fake in unit tests). */
export interface ImapClientLike {
  connect(): Promise<unknown>;
  close(): void;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  readonly capabilities: ReadonlyMap<string, unknown>;
}

/** Dependencies of {@link checkImapLogin}, for tests. */
export interface ImapCheckDeps {
  /** Creates the client; default the lean imapflow client above. */
  connect?: (options: ImapFlowOptions) => ImapClientLike;
  /** Milliseconds clock for `ms`; default performance.now. */
  now?: () => number;
}

function configFailure(message: string): ImapFailure {
  return { code: 'config', message };
}

function loginMethodOption(method: ImapSettings['loginMethod']): string | undefined {
  if (method === 'login') return 'LOGIN';
  if (method === 'plain') return 'AUTH=PLAIN';
  return undefined;
}

/**
 * Logs on to the IMAP server with `user` and `password`, then logs out.
 *
 * Modes: `none` never upgrades (no opportunistic STARTTLS), `starttls` requires STARTTLS before
 * anything is sent, `ssl` speaks TLS from the first byte. On a TLS connection the server
 * certificate is reported, also when it was refused, so it can be trusted explicitly.
 */
export async function checkImapLogin(
  settings: ImapSettings,
  user: string,
  password: string,
  deps: ImapCheckDeps = {},
): Promise<ImapCheckResult> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const finish = (failure: ImapFailure | null, certificate?: CertificateInfo): ImapCheckResult => ({
    ok: failure === null,
    ...(failure ? { error: failure } : {}),
    ms: Math.max(0, Math.round(now() - started)),
    ...(certificate ? { certificate } : {}),
  });

  const resolved = resolveTarget(settings);
  if (!resolved.ok) return finish(configFailure(resolved.message));
  const target = resolved.target;
  const badInput = userProblem(user) ?? passwordProblem(password);
  if (badInput) return finish(configFailure(badInput));
  let pinned: string | null = null;
  if (settings.pinnedFingerprint256) {
    pinned = normalizeFingerprint(settings.pinnedFingerprint256);
    if (!pinned)
      return finish(configFailure('The trusted certificate fingerprint is not a SHA-256 fingerprint (64 hex digits).'));
  }

  const seen: TlsObservation = {};
  const options: ImapFlowOptions = {
    host: target.host,
    port: target.port,
    secure: settings.security === 'ssl',
    doSTARTTLS: settings.security === 'starttls',
    auth: {
      user,
      pass: password,
      ...(loginMethodOption(settings.loginMethod) ? { loginMethod: loginMethodOption(settings.loginMethod) } : {}),
    },
    logger: false,
    verifyOnly: true,
    disableAutoIdle: true,
    disableCompression: true,
    connectionTimeout: settings.connectTimeoutMs,
    greetingTimeout: settings.greetingTimeoutMs,
    socketTimeout: settings.totalTimeoutMs,
    transport: createCheckedTransport(
      { ignoreCertificate: settings.ignoreCertificate, pinnedFingerprint256: pinned },
      seen,
    ),
    clientInfo: { name: 'mdsync' },
    // imapflow's ids are for its logs (off here); a counter spares a random number per check.
    id: `check-${++checks}`,
  };

  let client: ImapClientLike;
  try {
    client = (deps.connect ?? createClient)(options);
  } catch {
    return finish(
      configFailure(`The IMAP settings for ${target.host}:${target.port} were refused by the IMAP client.`),
    );
  }
  // imapflow emits 'error' after connect (a late socket error); without a listener it would throw.
  client.on('error', () => undefined);

  const ctx = (): FailureContext => ({
    target,
    security: settings.security,
    user,
    ...(seen.refusal ? { certRefusal: seen.refusal } : {}),
    loginDisabled: client.capabilities.has('LOGINDISABLED'),
  });

  let timer: ReturnType<typeof setTimeout> | undefined;
  const overall = new Promise<{ kind: 'timeout' }>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), settings.totalTimeoutMs);
  });
  const attempt = client.connect().then(
    () => ({ kind: 'ok' as const }),
    (err: unknown) => ({ kind: 'error' as const, err }),
  );
  const outcome = await Promise.race([attempt, overall]);
  clearTimeout(timer);
  try {
    client.close();
  } catch {
    // already closed: nothing is left open
  }
  if (outcome.kind === 'ok') return finish(null, seen.certificate);
  if (outcome.kind === 'timeout')
    return finish(timeoutFailure(ctx(), 'total', settings.totalTimeoutMs), seen.certificate);
  return finish(
    classifyImapError(outcome.err, ctx(), {
      connectMs: settings.connectTimeoutMs,
      greetingMs: settings.greetingTimeoutMs,
    }),
    seen.certificate,
  );
}

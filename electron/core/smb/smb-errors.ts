/**
 * Turns SMB client failures into UserErrors an administrator can act on.
 *
 * Messages are built only from what we know (host, port, share, user name, path) and from
 * status or errno *codes*; a library error's own message and properties are never copied, so
 * nothing the library holds (the password among it) can travel on. As a last guard the
 * password is masked should it appear anyway (say, typed into the user name field).
 */
import { assertNever, UserError } from '../../../shared/result';
import { SmbProtocolError } from './smb2-status';
import { formatUnc } from './unc';

/** The codes SMB access fails with. */
export type SmbErrorCode = 'config' | 'auth' | 'notFound' | 'network' | 'timeout' | 'unreadable' | 'protocol';

/** What a message may name: never the password (it is only used to mask it). */
export interface SmbErrorContext {
  readonly host: string;
  readonly port: number;
  readonly share: string;
  readonly domain: string;
  readonly userName: string;
  readonly password: string;
  readonly timeoutMs: number;
}

/** What was going on when the failure happened. */
export interface SmbFailureSite {
  /** Connecting (TCP, negotiate, login, tree connect) or working on a path. */
  readonly phase: 'connect' | 'file' | 'dir';
  /** The path inside the share ('' for the root). */
  readonly path: string;
}

/** Our own transport failures, raised by the client around the library. */
export class SmbTransportError extends Error {
  constructor(
    readonly code: 'SMB_TIMEOUT' | 'SMB_CLOSED',
    /** For timeouts: the TCP connection itself was not established yet. */
    readonly tcpConnecting = false,
  ) {
    super(code);
    this.name = 'SmbTransportError';
  }
}

/** The STATUS_… or errno code of a thrown value, if it has a safe, code-shaped one. */
export function errorCode(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/u.test(code) ? code : undefined;
}

const ACCOUNT_PROBLEMS: Record<string, string> = {
  STATUS_ACCOUNT_DISABLED: 'the account is disabled',
  STATUS_ACCOUNT_LOCKED_OUT: 'the account is locked out',
  STATUS_ACCOUNT_EXPIRED: 'the account has expired',
  STATUS_PASSWORD_EXPIRED: 'its password has expired',
  STATUS_PASSWORD_MUST_CHANGE: 'its password must be changed first',
  STATUS_ACCOUNT_RESTRICTION: 'an account restriction applies',
  STATUS_INVALID_LOGON_HOURS: 'the account may not log on at this time',
  STATUS_INVALID_WORKSTATION: 'the account may not log on from this computer',
};

/** Hides the password in a value that goes into a message (say, typed into the user name field). */
function mask(value: string, password: string): string {
  const oneLine = value.replace(/[\r\n]+/gu, ' ');
  return password === '' ? oneLine : oneLine.split(password).join('***');
}

/**
 * Maps a failure of the SMB library or our transport guard to a UserError.
 *
 * Not-found statuses for files are not errors (the caller turns them into null) and are
 * only mapped here for folders and shares.
 */
export function toSmbUserError(e: unknown, ctx: SmbErrorContext, site: SmbFailureSite): UserError {
  // Messages are our own words around these values; only the values are masked, so a password
  // that happens to be a word of the message ("wrong") does not garble it.
  if (e instanceof UserError) return new UserError(e.code, e.message.replace(/[\r\n]+/gu, ' '));
  const code = errorCode(e);
  const endpoint = mask(`${ctx.host}:${ctx.port}`, ctx.password);
  const shareUnc = mask(formatUnc(ctx), ctx.password);
  const where = site.path === '' ? shareUnc : `${mask(site.path, ctx.password)} in ${shareUnc}`;
  const who = mask(ctx.domain ? `${ctx.domain}\\${ctx.userName}` : ctx.userName, ctx.password);
  const share = mask(ctx.share, ctx.password);
  const host = mask(ctx.host, ctx.password);
  const seconds = `${Math.round(ctx.timeoutMs / 100) / 10} s`;
  const make = (c: SmbErrorCode, message: string) => new UserError(c, message);

  if (e instanceof SmbTransportError) {
    if (e.code === 'SMB_CLOSED')
      return make('network', `the SMB server ${endpoint} closed the connection unexpectedly`);
    if (e.tcpConnecting)
      return make('timeout', `no answer from ${endpoint} within ${seconds} (server down, or a firewall drops SMB)`);
    if (site.phase === 'connect') {
      return make(
        'timeout',
        `${endpoint} accepted the connection but did not answer as an SMB server within ${seconds}`,
      );
    }
    return make(
      'timeout',
      `the SMB server ${endpoint} stopped answering while reading ${where} (nothing for ${seconds})`,
    );
  }
  if (e instanceof SmbProtocolError) {
    const over = e.dialect ? ` over SMB ${e.dialect}` : '';
    switch (e.code) {
      case 'SMB_DIALECT':
        return make(
          'protocol',
          `the SMB server ${endpoint} speaks none of the dialects mdsync offers (SMB 2.0.2, 2.1, 3.0, 3.0.2, 3.1.1): dialect not supported`,
        );
      case 'SMB_DIALECT_CLOSED':
        return make(
          'protocol',
          `the SMB server ${endpoint} closed the connection when offered SMB 2.0.2 to 3.1.1, as a server that speaks only SMB 1 does: dialect not supported (allow SMB 2 or 3 on the server)`,
        );
      case 'SMB_GUEST':
        return make(
          'auth',
          `the share refused user ${who}: the server offered only a guest logon, which it does for an unknown user name (some servers also for a wrong password); check the user name and password`,
        );
      case 'SMB_ENCRYPTION_UNAVAILABLE':
        return make(
          'protocol',
          `share ${share} on ${host} requires encryption, which is not possible${over} (it needs SMB 3 with AES-128-CCM or AES-128-GCM): allow SMB 3 on the server`,
        );
      case 'SMB_DENIED_WITHOUT_SMB3':
        return make(
          'unreadable',
          `share ${share} on ${host} refused user ${who}${over} (access denied): if the server or share requires encryption, it must allow SMB 3; otherwise check the user name and the share's permissions`,
        );
      case 'SMB_BAD_SIGNATURE':
        return make(
          'protocol',
          `an answer from the SMB server ${endpoint} failed signature verification${over}; the connection was dropped (something between this computer and the server alters SMB traffic)`,
        );
      case 'SMB_BAD_ENCRYPTION':
        return make(
          'protocol',
          `an encrypted answer from the SMB server ${endpoint} could not be decrypted${over}; the connection was dropped`,
        );
      case 'SMB_MALFORMED':
        return make('protocol', `the SMB server ${endpoint} sent a message mdsync could not understand${over}`);
      default:
        return assertNever(e.code);
    }
  }
  switch (code) {
    case 'STATUS_INVALID_SIGNATURE':
      return make(
        'protocol',
        `the SMB server ${endpoint} refused the signature of mdsync's request; the connection was dropped`,
      );
    case 'STATUS_LOGON_FAILURE':
      return make('auth', `the share refused user ${who}: wrong user name or password`);
    case 'STATUS_BAD_NETWORK_NAME':
      return make('notFound', `share ${share} not found on ${host}`);
    case 'STATUS_OBJECT_NAME_NOT_FOUND':
    case 'STATUS_OBJECT_PATH_NOT_FOUND':
    case 'STATUS_NOT_A_DIRECTORY':
      return site.phase === 'file'
        ? make('notFound', `${where} not found`)
        : make('notFound', `folder ${where} not found`);
    case 'STATUS_ACCESS_DENIED':
    case 'STATUS_NETWORK_ACCESS_DENIED':
      return site.phase === 'connect'
        ? make(
            'unreadable',
            `share ${share} on ${host} refused user ${who} (access denied): check the user name and the share's permissions`,
          )
        : make('unreadable', `user ${who} may not read ${where} (access denied)`);
    case 'STATUS_SHARING_VIOLATION':
      return make('unreadable', `${where} is locked by another program (sharing violation); try again`);
    case 'ECONNREFUSED':
      return make('network', `nothing accepts SMB connections on ${endpoint} (connection refused)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make('network', `the server name ${host} could not be resolved`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return make('network', `${endpoint} cannot be reached from this computer (${code})`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_DESTROYED':
    case 'ERR_STREAM_WRITE_AFTER_END':
      return make('network', `the SMB server ${endpoint} closed the connection unexpectedly`);
    case 'ETIMEDOUT':
      return make('timeout', `no answer from ${endpoint} within the system's TCP timeout`);
    case undefined:
      return make('protocol', `unexpected failure of the SMB client while reading ${where}`);
    default:
      if (code in ACCOUNT_PROBLEMS) return make('auth', `the share refused user ${who}: ${ACCOUNT_PROBLEMS[code]}`);
      if (code.startsWith('STATUS_')) return make('protocol', `the SMB server answered ${code} for ${where}`);
      return make('network', `SMB connection to ${endpoint} failed (${code})`);
  }
}

/**
 * Turns whatever imapflow or the socket threw into one of five codes and a message an
 * administrator can act on.
 *
 * Library error text is never passed through: it might one day quote what was sent (a password
 * included). Messages are built from our own words, plus only the error's code or the server's
 * response code, each checked to be a plain token.
 */
import type { ImapErrorCode } from '../../../shared/model';
import type { ImapSecurity } from '../../../shared/settings';
import type { ImapTarget } from './imap-target';
import { CERT_REFUSED } from './tls-transport';

/** A classified failure. */
export interface ImapFailure {
  code: ImapErrorCode;
  message: string;
}

/** What was going on when the error came. */
export interface FailureContext {
  target: ImapTarget;
  security: ImapSecurity;
  user: string;
  /** The certificate refusal of the TLS transport, if it refused one. */
  certRefusal?: string;
  /** The server advertised LOGINDISABLED. */
  loginDisabled: boolean;
}

/** The advice given with every refused logon (the product page's notice). */
export const APOP_NOTICE =
  'If the password is right and MDaemon checks passwords against Active Directory, turn off "... honor APOP & CRAM-MD5" in MDaemon (Setup > Default Domain & Servers > Servers).';

const TOKEN = /^[A-Za-z0-9_.-]{1,60}$/;

function token(value: unknown): string | null {
  return typeof value === 'string' && TOKEN.test(value) ? value : null;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EADDRNOTAVAIL',
  'ECONNABORTED',
  'NoConnection',
  'EConnectionClosed',
  'ClosedAfterConnectText',
  'ClosedAfterConnectTLS',
  'StateLogout',
]);
const TIMEOUT_CODES = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'ETIMEDOUT']);
const AUTH_RESPONSE_CODES = new Set(['AUTHENTICATIONFAILED', 'AUTHORIZATIONFAILED', 'EXPIRED', 'CONTACTADMIN']);
const PLAINTEXT_REFUSED_CODES = new Set(['PRIVACYREQUIRED']);

function where(ctx: FailureContext): string {
  return `${ctx.target.host}:${ctx.target.port}`;
}

/** The message for a timeout, by phase. */
export function timeoutFailure(ctx: FailureContext, phase: 'connect' | 'greeting' | 'total', ms: number): ImapFailure {
  const at = where(ctx);
  const text = {
    connect: `No connection to the IMAP server ${at} within ${ms} ms${ctx.security === 'ssl' ? ' (TCP and TLS handshake)' : ''}: check host, port and firewall.`,
    greeting: `The IMAP server ${at} accepted the connection but sent no greeting within ${ms} ms: is this an IMAP port${ctx.security === 'none' || ctx.security === 'starttls' ? ', or one that expects IMAP-SSL' : ''}?`,
    total: `The IMAP logon at ${at} did not finish within ${ms} ms: the server is not answering.`,
  }[phase];
  return { code: 'timeout', message: text };
}

/** Classifies an error from connect(); `timeouts` gives the configured limits for the messages. */
export function classifyImapError(
  err: unknown,
  ctx: FailureContext,
  timeouts: { connectMs: number; greetingMs: number },
): ImapFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const code = token(e.code);
  const responseCode = token(e.serverResponseCode)?.toUpperCase() ?? null;
  const at = where(ctx);

  if (ctx.certRefusal || code === CERT_REFUSED) {
    return { code: 'tls', message: ctx.certRefusal ?? 'The server certificate was refused.' };
  }
  if (code === 'CONNECT_TIMEOUT') return timeoutFailure(ctx, 'connect', timeouts.connectMs);
  if (code === 'GREETING_TIMEOUT') return timeoutFailure(ctx, 'greeting', timeouts.greetingMs);
  if (code && TIMEOUT_CODES.has(code)) {
    return { code: 'timeout', message: `The IMAP server ${at} stopped answering (${code}).` };
  }
  const message = typeof e.message === 'string' ? e.message : '';
  // Our own and imapflow's fixed texts (not server or socket text) are matched, never echoed.
  if (e.tlsFailed === true && /does not support STARTTLS/.test(message)) {
    return {
      code: 'tls',
      message: `The IMAP server ${at} does not offer STARTTLS, which IMAP-TLS requires; nothing was sent. Choose IMAP-SSL if the server has a TLS port, or enable TLS on the server.`,
    };
  }
  if (e.tlsFailed === true && /PREAUTH/.test(message)) {
    return {
      code: 'tls',
      message: `The IMAP server ${at} skipped logon (PREAUTH) before TLS could start; IMAP-TLS is not possible with it.`,
    };
  }
  if (
    ctx.loginDisabled ||
    (responseCode !== null && PLAINTEXT_REFUSED_CODES.has(responseCode)) ||
    message === 'Login is disabled'
  ) {
    return {
      code: 'tls',
      message: `The IMAP server ${at} refuses passwords over an unencrypted connection (LOGINDISABLED): choose IMAP-TLS or IMAP-SSL.`,
    };
  }
  if (responseCode === 'UNAVAILABLE') {
    return {
      code: 'network',
      message: `The IMAP server ${at} could not check the password right now (UNAVAILABLE): try again later.`,
    };
  }
  if (e.authenticationFailed === true || (responseCode !== null && AUTH_RESPONSE_CODES.has(responseCode))) {
    return {
      code: 'auth',
      message: `The IMAP server ${at} refused the user name or password for "${ctx.user}"${responseCode ? ` (${responseCode})` : ''}. ${APOP_NOTICE}`,
    };
  }
  if (message === 'Unsupported authentication mechanism') {
    return {
      code: 'config',
      message: `The IMAP server ${at} does not support the chosen login method: choose "auto".`,
    };
  }
  if (code === 'ECONNREFUSED') {
    return {
      code: 'network',
      message: `Nothing accepts connections at ${at} (connection refused): check host and port, and that the IMAP service runs.`,
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      code: 'network',
      message: `The host name "${ctx.target.host}" cannot be resolved (${code}): check the IMAP server name and DNS.`,
    };
  }
  if (e.tlsFailed === true || (code !== null && /^ERR_SSL|^ERR_TLS|^EPROTO$|CERT|SELF_SIGNED/.test(code))) {
    const hint = ctx.security === 'ssl' ? ' Is this an IMAP-SSL port (usually 993)?' : '';
    return { code: 'tls', message: `The TLS handshake with ${at} failed${code ? ` (${code})` : ''}.${hint}` };
  }
  if (code !== null && NETWORK_CODES.has(code)) {
    return { code: 'network', message: `The connection to the IMAP server ${at} failed (${code}).` };
  }
  return {
    code: 'network',
    message: `The IMAP logon at ${at} failed unexpectedly${code ? ` (${code})` : ''}.`,
  };
}

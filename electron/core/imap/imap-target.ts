/**
 * Checks what an IMAP logon check is given before any connection is made.
 *
 * Bad input (no host, a malformed port, a password the IMAP protocol cannot carry) is refused
 * here as a `config` problem, so nothing reaches the server that could not have worked, and the
 * password never travels with a request that would fail anyway.
 */
import type { ImapSettings } from '../../../shared/settings';

/** The port actually dialled for IMAP settings. (Here, not beside the settings' schema: the check workers load no zod.) */
export function imapPort(imap: Pick<ImapSettings, 'port' | 'security'>): number {
  return imap.port ?? (imap.security === 'ssl' ? 993 : 143);
}

/** Where to connect: host and port. */
export interface ImapTarget {
  host: string;
  port: number;
}

/** The outcome of reading settings: a target, or an administrator-facing reason it is unusable. */
export type TargetResult = { ok: true; target: ImapTarget } | { ok: false; message: string };

const PORT = /^\d{1,5}$/;

function parsePort(text: string): number | null {
  if (!PORT.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

/**
 * Reads host and port from the settings; the host may carry its own port (`mail.example.com:1143`,
 * `[2001:db8::1]:993`), as administrators often type it that way.
 */
export function resolveTarget(settings: Pick<ImapSettings, 'host' | 'port' | 'security'>): TargetResult {
  const raw = settings.host.trim();
  if (raw === '')
    return { ok: false, message: 'No MDaemon IMAP server is configured: enter its host name or address.' };
  let host = raw;
  let portText: string | null = null;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(raw);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2] ?? null;
  } else if (raw.split(':').length === 2) {
    [host, portText] = raw.split(':') as [string, string];
  }
  if (host === '' || /[\s/\\@?#\p{Cc}]/u.test(host)) {
    return { ok: false, message: `The IMAP server "${raw.slice(0, 100)}" is not a valid host name or address.` };
  }
  if (portText !== null) {
    const fromHost = parsePort(portText);
    if (fromHost === null)
      return { ok: false, message: `The port in "${raw.slice(0, 100)}" is not a number from 1 to 65535.` };
    if (settings.port !== null && settings.port !== fromHost) {
      return {
        ok: false,
        message: `Two different IMAP ports are configured (${fromHost} in the host, ${settings.port} as the port): keep one.`,
      };
    }
    return { ok: true, target: { host, port: fromHost } };
  }
  return { ok: true, target: { host, port: imapPort(settings) } };
}

/** Why a user name cannot be sent, or null when it can. */
export function userProblem(user: string): string | null {
  if (user.trim() === '') return 'No user name was given.';
  if (/[\r\n\0]/.test(user)) return 'The user name contains a line break or NUL character, which IMAP cannot carry.';
  return null;
}

/** Why a password cannot be sent, or null when it can. Never quotes the password. */
export function passwordProblem(password: string): string | null {
  if (password.length === 0) return 'No password was given.';
  if (/[\r\n\0]/.test(password)) {
    return 'The password contains a line break or NUL character, which IMAP cannot carry; it was not sent.';
  }
  return null;
}

/**
 * Normalises a SHA-256 fingerprint to Node's `AB:CD:…` form, accepting lower case, spaces or no
 * separators, and an optional `sha256:` prefix; null when it is not 32 bytes of hex.
 */
export function normalizeFingerprint(text: string): string | null {
  const hex = text
    .trim()
    .replace(/^sha-?256[:=]?\s*/i, '')
    .replace(/[\s:]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

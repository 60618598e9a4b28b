/**
 * The network service's first start: while the administrator has no password, setting it over
 * HTTP (even from loopback: a local user, a reverse proxy on the host) needs a one-time code the
 * service printed on its own console, so only whoever runs the service can claim it. Wrong codes
 * are counted; after a few the code is void and a restart prints a new one.
 */
import crypto from 'node:crypto';
import { sameToken } from './policy';

/** Wrong codes after which the code is void. */
export const MAX_WRONG_CODES = 10;

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I

/** `ABCD-EFGH-JKLM`: 60 random bits, easy to type from a console. */
function newCode(): string {
  const bytes = crypto.randomBytes(12);
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]!);
  return [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8, 12)].map((g) => g.join('')).join('-');
}

/** The one-time code of one run of the service. */
export class FirstStartCode {
  private code: string | null = newCode();
  private wrong = 0;

  /** The code to print, or null once it is used or void. */
  get value(): string | null {
    return this.code;
  }

  /** Whether `given` is the code (spaces, dashes and case ignored); counts a wrong one. */
  check(given: unknown): boolean {
    if (this.code === null) return false;
    const norm = (t: string) => t.toUpperCase().replace(/[^A-Z0-9]/g, '');
    const ok = typeof given === 'string' && sameToken(norm(given), norm(this.code));
    if (!ok && ++this.wrong >= MAX_WRONG_CODES) this.code = null;
    return ok;
  }

  /** The administrator's password was set: the code is spent. */
  spend(): void {
    this.code = null;
  }
}

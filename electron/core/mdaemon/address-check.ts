/**
 * Checks of USERLIST.DAT's Domain and Mailbox fields, with the reason an administrator reads.
 *
 * Reasons name the kind of problem, not the field's whole text: a misaligned record could carry
 * other fields' bytes, and warnings must never risk echoing them.
 */

// Printable ASCII allowed in a domain (letters, digits, '-', '.', '_') and in a mailbox (RFC 5322 atext and '.').
const DOMAIN_OK = asciiSet('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._');
const MAILBOX_OK = asciiSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.");

function asciiSet(chars: string): Uint8Array {
  const set = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i)] = 1;
  return set;
}

function charProblem(field: string, c: number, allowed: Uint8Array, cp: string): string | null {
  if (c === 0x20) return `${field} contains a space`;
  if (c < 0x20 || c === 0x7f) return `${field} contains a control character`;
  if (c === 0xfffd) return `${field} does not decode in ${cp}; is the code page right?`;
  if (c < 0x80 && allowed[c] !== 1) return `${field} contains '${String.fromCharCode(c)}'`;
  return null;
}

/** Why a domain (as decoded) cannot be an MDaemon domain, or null when it is fine. */
export function domainProblem(d: string, cp: string): string | null {
  if (d.length === 0) return 'empty domain';
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    const p = charProblem('domain', c, DOMAIN_OK, cp);
    if (p !== null) return p;
    if (c === 0x2e && (i === 0 || i === d.length - 1 || d.charCodeAt(i - 1) === 0x2e))
      return 'domain has an empty label';
  }
  return null;
}

/** Why a mailbox (as decoded) cannot be the left part of an address, or null when it is fine. */
export function mailboxProblem(m: string, cp: string): string | null {
  if (m.length === 0) return 'empty mailbox';
  for (let i = 0; i < m.length; i++) {
    const p = charProblem('mailbox', m.charCodeAt(i), MAILBOX_OK, cp);
    if (p !== null) return p;
  }
  return null;
}

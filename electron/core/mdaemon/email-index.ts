/**
 * A set of email addresses with first-seen line numbers, built for 100,000 inserts in a few ms.
 *
 * V8's Map spends more time hashing and growing for 100k fresh strings than the whole rest of
 * the USERLIST.DAT parse, so this open-addressing table hashes the (short, flat) mailbox in JS
 * and combines it with a per-domain hash computed once per domain.
 */

/** FNV-1a over a string's UTF-16 code units. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Emails seen so far, keyed by lower-case mailbox plus lower-case domain. */
export class EmailIndex {
  private slots: Int32Array;
  private mask: number;
  private readonly emails: string[] = [];
  private hashes: Int32Array;
  private lines: Int32Array;

  /** `expected`: how many emails will probably be added (sizes the table once; it grows anyway). */
  constructor(expected = 0) {
    let size = 1 << 12;
    while (size < expected * 3) size <<= 1;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    this.hashes = new Int32Array(Math.max(expected, 16));
    this.lines = new Int32Array(Math.max(expected, 16));
  }

  /** How many emails were added. */
  get size(): number {
    return this.emails.length;
  }

  /**
   * Adds `email` (whose parts hash to `hashString(mailboxLower, domainHash)`) unless present.
   * Returns the line it was first seen on, or -1 when it is new.
   */
  addIfAbsent(email: string, hash: number, line: number): number {
    const h = hash | 0;
    let i = h & this.mask;
    for (;;) {
      const slot = this.slots[i] as number;
      if (slot === 0) break;
      const k = slot - 1;
      if (this.hashes[k] === h && this.emails[k] === email) return this.lines[k] as number;
      i = (i + 1) & this.mask;
    }
    const k = this.emails.length;
    if (k === this.hashes.length) {
      const hashes = new Int32Array(k * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const lines = new Int32Array(k * 2);
      lines.set(this.lines);
      this.lines = lines;
    }
    this.emails.push(email);
    this.hashes[k] = h;
    this.lines[k] = line;
    this.slots[i] = k + 1;
    if ((k + 1) * 2 > this.mask) this.grow();
    return -1;
  }

  /** The insertion number (0-based) of `email` (lower case, `mailbox@domain`), or -1. */
  find(email: string): number {
    const at = email.lastIndexOf('@');
    if (at === -1) return -1;
    const hash = hashString(email.slice(0, at), hashString(email.slice(at + 1))) | 0;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const slot = this.slots[i] as number;
      if (slot === 0) return -1;
      if (this.hashes[slot - 1] === hash && this.emails[slot - 1] === email) return slot - 1;
    }
  }

  private grow(): void {
    const size = this.slots.length * 4;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let k = 0; k < this.emails.length; k++) {
      let i = (this.hashes[k] as number) & this.mask;
      while (this.slots[i] !== 0) i = (i + 1) & this.mask;
      this.slots[i] = k + 1;
    }
  }
}

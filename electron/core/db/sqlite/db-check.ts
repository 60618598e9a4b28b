/**
 * What is wrong with a database file, in words an administrator can act on.
 *
 * A file is trusted only after its header agrees with its size (a truncated, zeroed or foreign
 * file) and SQLite's `PRAGMA quick_check` finds every b-tree page sound: damage to a page the
 * ordinary reads never touch (an index's leaf) would otherwise go unnoticed until a commit made
 * the damaged file the backup. quick_check reads the whole file: some 0.3 s at 100,000 users
 * (`npm run bench -- db` prints it).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'sql.js';

/** The SQLite magic string that starts every database file. */
const MAGIC = 'SQLite format 3\u0000';

/**
 * What is wrong with the header of a database of `size` bytes (only its first 100 bytes are
 * needed), or null: the magic string, a valid page size, and a size matching the page count.
 */
export function headerProblem(header: Uint8Array, size: number): string | null {
  if (size === 0) return 'it is empty';
  if (header.length < 100 || size < 100) return `it is cut short (${size} bytes)`;
  if (Buffer.from(header.subarray(0, 16)).toString('latin1') !== MAGIC) return 'its header is not a SQLite header';
  const view = new DataView(header.buffer, header.byteOffset, 100);
  const raw = view.getUint16(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return 'its header records an invalid page size';
  const pages = view.getUint32(28);
  const counted = view.getUint32(92) === view.getUint32(24) && pages !== 0;
  if (counted && pages * pageSize !== size)
    return `its size (${size} bytes) does not match the ${pages} pages of ${pageSize} bytes its header records`;
  if (size % pageSize !== 0) return `its size (${size} bytes) is not a whole number of ${pageSize}-byte pages`;
  return null;
}

/** The header problem of a file as it is on disk now, or null (also null when it does not exist). */
export function fileHeaderProblem(file: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return `it cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  try {
    const header = new Uint8Array(100);
    const got = fs.readSync(fd, header, 0, 100, 0);
    return headerProblem(header.subarray(0, got), fs.fstatSync(fd).size);
  } finally {
    fs.closeSync(fd);
  }
}

/** What `PRAGMA quick_check` finds wrong with an open database (its first line), or null. */
export function quickCheckProblem(db: Database): string | null {
  try {
    const rows = db.exec('PRAGMA quick_check')[0]?.values ?? [];
    const first = rows[0]?.[0];
    if (rows.length === 1 && first === 'ok') return null;
    // The first line of the first finding, after SQLite's "*** in database main ***" heading.
    const lines = String(first ?? 'no answer')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('***'));
    return `PRAGMA quick_check found damage: ${lines[0] ?? 'no detail'}`;
  } catch (err) {
    return `SQLite cannot read it: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`;
  }
}

/** How many users a database holds, or null when it cannot tell (damage, no users table). */
export function countUsers(db: Database): number | null {
  try {
    // NOT INDEXED: the table itself, where count(*) would otherwise read the smallest (maybe damaged) index.
    const v = db.exec('SELECT count(*) FROM users NOT INDEXED')[0]?.values[0]?.[0];
    return typeof v === 'number' ? v : null;
  } catch {
    return null;
  }
}

/** `N users`, or words saying the count cannot be had. */
export function usersPhrase(count: number | null): string {
  if (count === null) return 'its users cannot be counted';
  return `${count} user${count === 1 ? '' : 's'}`;
}

/** Where a damaged file is moved aside: `archive.sqlite.damaged-2026-12-05T08-30-00Z`. */
export function damagedPath(file: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  let candidate = `${file}.damaged-${stamp}`;
  for (let n = 2; fs.existsSync(candidate); n++) candidate = `${file}.damaged-${stamp}-${n}`;
  return candidate;
}

/** Damaged copies moved aside earlier, oldest first. */
export function damagedCopies(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.damaged-`;
  try {
    return fs
      .readdirSync(dir)
      .filter((n) => n.startsWith(prefix))
      .sort()
      .map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

/**
 * The file that says a data directory has had a user database (`archive.sqlite.made`), written
 * beside it by every commit where it is missing. The log is no such sign (a service logs its new
 * certificate before its first database), nor are settings (written by hand before a first run).
 */
export function madeMarker(file: string): string {
  return `${file}.made`;
}

/** Writes the marker of `madeMarker` when it is missing (best effort: it only guards a refusal). */
export function markMade(file: string, now: Date): void {
  const marker = madeMarker(file);
  if (fs.existsSync(marker)) return;
  try {
    fs.writeFileSync(
      marker,
      `${path.basename(file)} was first kept here by ${now.toISOString()}; while this file is here, mdsync will not ` +
        `make a new, empty user database in its place without "mdsync db init"\n`,
      { mode: 0o600 },
    );
  } catch {
    // a full disk: the next commit tries again
  }
}

/**
 * Signs that a data directory has had a user database (the marker, a damaged copy moved aside):
 * with the database and its backup both gone, making a new empty one would hide a loss.
 */
export function signsOfHistory(file: string): string[] {
  const found = fs.existsSync(madeMarker(file)) ? [path.basename(madeMarker(file))] : [];
  const damaged = damagedCopies(file);
  if (damaged.length > 0) found.push(path.basename(damaged[damaged.length - 1]!));
  return found;
}

/**
 * The database file on disk: crash-safe replacement, a backup of the previous good copy, and
 * checked reading (db-load.ts decides what a damaged file means).
 *
 * A commit writes the whole exported database to a temp file, fsyncs it and renames it over the
 * main file (writeFileAtomic), so a kill -9 at any moment leaves the old state or the new one.
 * Just before, the current main file is hard-linked as `archive.sqlite.bak` (a copy where links
 * are not supported), so one earlier good state survives damage to the main file.
 *
 * In memory the file lives in sql.js's emulated file system, which grows a file by copying it
 * into a buffer an eighth larger: a database growing to 80 MB is copied some 40 times, 650 MB
 * of copies and as much short-lived garbage. So an image is opened with room after its last
 * page (openImage): SQLite goes by the page count in its header and fills the room in place.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Database, SqlJsStatic } from 'sql.js';
import { TEMP_SUFFIX, cleanTempFiles, writeFileAtomic } from '../../atomic-file';
import { headerProblem, markMade, quickCheckProblem } from './db-check';
import { UserError } from '../../../../shared/result';

/** Identity of a file's content as far as a cheap stat can tell: a rewrite changes one of these. */
export interface FileStamp {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

/** The backup's path beside the database. */
export function backupPath(file: string): string {
  return `${file}.bak`;
}

/** The stamp of a file, or null when it does not exist. */
export function stampOf(file: string): FileStamp | null {
  try {
    const st = fs.statSync(file);
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError('unreadable', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** True when two stamps describe the same file content. */
export function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  if (a === null || b === null) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * True when bytes look like a whole SQLite file: the magic string, a valid page size, and a
 * length that matches the page count the header records (microseconds; quick_check does the rest).
 */
export function looksWhole(bytes: Uint8Array): boolean {
  return headerProblem(bytes, bytes.length) === null;
}

/** True when the header records the page count (so bytes after the last page are ignored). */
function headerCountsPages(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint32(28) !== 0 && view.getUint32(92) === view.getUint32(24);
}

/**
 * Room left after a database read from disk, for the pages of later commits: an eighth of it,
 * 1 to 64 MiB. Room costs address space only until SQLite writes into it (see PaddedImage).
 */
export function loadRoom(size: number): number {
  return Math.min(64 << 20, Math.max(1 << 20, Math.ceil(size / 8)));
}

/** An in-memory database and how many bytes its file holds before sql.js must grow it by copying. */
export interface OpenedImage {
  readonly db: Database;
  readonly capacity: number;
}

/**
 * An image followed by zeros, in the shape sql.js's Database constructor takes bytes. Its file
 * system copies them with `slice()`, which here returns a new buffer with only the image written:
 * the room after it stays untouched memory (no RSS) until SQLite fills it, where a real padded
 * array would be read whole by the copy and count twice. Any other access sees the same bytes
 * through a materialised copy, so a different sql.js stays correct, only without the saving.
 */
class PaddedImage {
  private whole: Uint8Array | null = null;

  constructor(
    private readonly image: Uint8Array,
    readonly length: number,
  ) {}

  get byteLength(): number {
    return this.length;
  }

  private fresh(): Uint8Array {
    // An image read with its room after it (readWithRoom) is handed over, once, instead of copied.
    const buffer = this.image.buffer;
    if (
      this.image.byteOffset === 0 &&
      buffer instanceof ArrayBuffer &&
      buffer.byteLength >= this.length &&
      READ_WITH_ROOM.delete(buffer)
    )
      return new Uint8Array(buffer, 0, this.length);
    const out = new Uint8Array(this.length);
    out.set(this.image);
    return out;
  }

  slice(start = 0, end = this.length): Uint8Array {
    if (start === 0 && end >= this.length) return this.fresh();
    this.whole ??= this.fresh();
    return this.whole.slice(start, end);
  }

  subarray(start?: number, end?: number): Uint8Array {
    this.whole ??= this.fresh();
    return this.whole.subarray(start, end);
  }
}

/**
 * Opens a database image (the whole file) with room up to `capacity` bytes. An image whose
 * header does not record its page count gets no room, since SQLite would count the zeros as pages.
 */
export function openImage(SQL: SqlJsStatic, bytes: Uint8Array, capacity: number): OpenedImage {
  if (capacity <= bytes.length || !headerCountsPages(bytes))
    return { db: new SQL.Database(bytes), capacity: bytes.length };
  const db = new SQL.Database(new PaddedImage(bytes, capacity) as unknown as Uint8Array);
  try {
    db.exec('SELECT count(*) FROM sqlite_master');
  } catch (err) {
    db.close();
    throw err;
  }
  return { db, capacity };
}

/**
 * Opens bytes as a database and checks them (header against size, then quick_check); what is
 * wrong with them when they are not a sound SQLite database.
 */
export function openChecked(SQL: SqlJsStatic, bytes: Uint8Array): OpenedImage | { problem: string } {
  const header = headerProblem(bytes, bytes.length);
  if (header) return { problem: header };
  let opened: OpenedImage;
  try {
    opened = openImage(SQL, bytes, bytes.length + loadRoom(bytes.length));
  } catch (err) {
    return { problem: `SQLite cannot read it: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}` };
  }
  const problem = quickCheckProblem(opened.db);
  if (problem) {
    opened.db.close();
    return { problem };
  }
  return opened;
}

/**
 * Buffers of files read with their room after them (zeros, never handed out): the image is
 * opened in place, where reading the file and then copying it into a padded array would hold a
 * database's bytes twice until the next full garbage collection.
 */
const READ_WITH_ROOM = new WeakSet<ArrayBuffer>();

/**
 * A file's bytes, as a view of the start of a zeroed array loadRoom() bytes longer (untouched
 * room costs no memory); null when the file does not exist. The database file is replaced by
 * rename, never rewritten in place, so the open descriptor reads one consistent version.
 */
export function readWithRoom(file: string): Uint8Array | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError('unreadable', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const whole = new Uint8Array(size + loadRoom(size));
    let got = 0;
    while (got < size) {
      const n = fs.readSync(fd, whole, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    READ_WITH_ROOM.add(whole.buffer);
    return whole.subarray(0, got);
  } catch (err) {
    throw new UserError('unreadable', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Keeps the current main file as the backup: a hard link, or a copy where links fail. */
function rotateBackup(file: string): void {
  const bak = backupPath(file);
  const tmp = path.join(
    path.dirname(bak),
    `.${path.basename(bak)}.${crypto.randomBytes(6).toString('hex')}${TEMP_SUFFIX}`,
  );
  try {
    fs.linkSync(file, tmp);
    fs.renameSync(tmp, bak);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    fs.rmSync(tmp, { force: true });
    writeFileAtomic(bak, fs.readFileSync(file));
  } finally {
    // A rename between two links of one file (the backup already is the current file, as after a
    // failed commit) does nothing and leaves the temp link: it goes here either way.
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Replaces the database file with `bytes`, crash-safely. When `keepBackup` the current file
 * (known good) becomes the backup first. Returns the new file's stamp.
 */
export function persistDatabase(file: string, bytes: Uint8Array, keepBackup: boolean): FileStamp {
  if (keepBackup) rotateBackup(file);
  writeFileAtomic(file, bytes);
  markMade(file, new Date());
  const stamp = stampOf(file);
  if (!stamp) throw new UserError('unreadable', `${file} vanished right after it was written`);
  return stamp;
}

/** Removes temp files a crash left beside the database and its backup (only under the writer lock). */
export function cleanLeftovers(file: string): void {
  cleanTempFiles(file);
  cleanTempFiles(backupPath(file));
}

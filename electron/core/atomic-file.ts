/**
 * Crash-safe file replacement: after a crash a reader finds the old file or the new one, never half.
 *
 * Write a temp file beside the target, fsync it, rename it over the target, fsync the directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/** The suffix of temp files; `cleanTempFiles` removes leftovers of a crash. */
export const TEMP_SUFFIX = '.mdsync-tmp';

/** Replaces `file` with `data` atomically and durably. */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(dir);
}

/** Flushes a directory entry (a rename) to disk; a no-op where the OS cannot open directories. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a directory for fsync; its rename is already durable enough.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Removes temp files a crash left beside `file`. */
export function cleanTempFiles(file: string): void {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith(TEMP_SUFFIX)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

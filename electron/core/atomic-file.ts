/**
 * Crash-safe file replacement: after a crash a reader finds the old file or the new one, never half.
 *
 * Write a temp file beside the target, fsync it, rename it over the target, fsync the directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { writeError } from './write-error';
import { makePrivateDir } from './private-dir';

/** The suffix of temp files; `cleanTempFiles` removes leftovers of a crash. */
export const TEMP_SUFFIX = '.mdsync-tmp';

/**
 * Replaces `file` with `data` atomically and durably. A failed write (a full disk) removes its
 * temp file, leaves `file` as it was and throws one UserError naming the file and the cause.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): void {
  const dir = path.dirname(file);
  makePrivateDir(dir);
  const tmp = path.join(dir, `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'w', mode);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) closeQuietly(fd);
    fs.rmSync(tmp, { force: true });
    throw writeError(err, file, size);
  }
  fsyncDir(dir);
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // the write's own error is the one to report
  }
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

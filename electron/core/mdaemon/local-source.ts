/**
 * An App directory on the local file system (or a UNC path that Windows itself reads).
 *
 * File names are matched case-insensitively against the directory listing, because MDaemon's
 * own names vary (`USERLIST.DAT`, `Userlist.dat`) and a copied directory may sit on a
 * case-sensitive file system.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../../shared/result';
import type { AppDirSource, SourceFile } from './source';

/** How long one file may take to read before the run stops (a share or disk that stopped answering). */
export const READ_TIMEOUT_MS = 120_000;

/** Reads of a file that changed meanwhile before the run gives up. */
const STABLE_READ_ATTEMPTS = 3;

/** Turns a file system error into the one-line UserError an administrator sees. */
export function fsError(err: unknown, what: string): UserError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new UserError('notFound', `${what} not found`);
  if (code === 'ENOTDIR') return new UserError('notFound', `${what} is not a directory`);
  if (code === 'EACCES' || code === 'EPERM') return new UserError('unreadable', `no permission to read ${what}`);
  if (code === 'ERR_FS_FILE_TOO_LARGE')
    return new UserError('tooLarge', `${what} is larger than 2 GB, more than can be read; is it the right file?`);
  return new UserError('unreadable', `cannot read ${what} (${code ?? 'error'})`);
}

/** A read-only AppDirSource for a local directory; errors are UserErrors naming the path. */
export function createLocalSource(dir: string): AppDirSource {
  const describe = `App directory ${dir}`;
  const resolveName = async (name: string): Promise<string | null> => {
    let entries: string[];
    try {
      entries = await fs.readdir(dir);
    } catch (err) {
      throw fsError(err, describe);
    }
    if (entries.includes(name)) return path.join(dir, name);
    const wanted = name.toLowerCase();
    const match = entries.filter((e) => e.toLowerCase() === wanted).sort()[0];
    return match === undefined ? null : path.join(dir, match);
  };
  const statOf = async (file: string) => {
    try {
      const st = await fs.stat(file);
      return { size: st.size, mtimeMs: st.mtimeMs, regular: st.isFile(), fifo: st.isFIFO() };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fsError(err, file);
    }
  };
  return {
    description: dir,
    async readFile(name): Promise<SourceFile | null> {
      const file = await resolveName(name);
      if (file === null) return null;
      for (let attempt = 1; ; attempt++) {
        const before = await statOf(file);
        if (before === null) return null;
        // A FIFO or device would never finish reading (and hold the writer lock meanwhile).
        if (!before.regular)
          throw new UserError(
            'unreadable',
            `${file} is not a regular file (${before.fifo ? 'a FIFO' : 'a device or directory'}); only regular files are read`,
          );
        let data: Buffer;
        try {
          data = await fs.readFile(file, { signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
          if ((err as Error).name === 'AbortError' || (err as Error).name === 'TimeoutError')
            throw new UserError(
              'unreadable',
              `reading ${file} took longer than ${READ_TIMEOUT_MS / 1000} s; nothing was applied`,
            );
          throw fsError(err, file);
        }
        const after = await statOf(file);
        // The same size and time before and after, and as many bytes as the size: not read mid-rewrite.
        if (after && after.size === before.size && after.mtimeMs === before.mtimeMs && data.length === before.size)
          return { data, size: before.size, mtimeMs: before.mtimeMs };
        if (attempt >= STABLE_READ_ATTEMPTS)
          throw new UserError(
            'unstable',
            `${file} changed while it was read, ${STABLE_READ_ATTEMPTS} times (is MDaemon rewriting it?); nothing was applied: run again in a moment`,
          );
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    },
    async stat(name) {
      const file = await resolveName(name);
      const st = file === null ? null : await statOf(file);
      return st && { size: st.size, mtimeMs: st.mtimeMs };
    },
    close: () => Promise.resolve(),
  };
}

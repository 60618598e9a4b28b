/**
 * An App directory on the local file system (or a UNC path that Windows itself reads).
 *
 * File names are matched case-insensitively against the directory listing, because MDaemon's
 * own names vary (`USERLIST.DAT`, `Userlist.dat`) and a copied directory may sit on a
 * case-sensitive file system.
 */
import fsPromises from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../../shared/result';
import type { AppDirSource, SourceFile } from './source';
import { readStableFile, type StableReadOptions } from './stable-read';

export { READ_TIMEOUT_MS } from './stable-read';

/** The file-system calls a local source makes (tests inject fakes to change a file between them). */
export interface LocalFs {
  readdir(dir: string): Promise<string[]>;
  stat(file: string): Promise<{ size: number; mtimeMs: number; isFile(): boolean; isFIFO(): boolean }>;
  readFile(file: string, opts: { signal: AbortSignal }): Promise<Buffer>;
}

/** Options of {@link createLocalSource}: the file system and the read limits (tests only). */
export interface LocalSourceOptions extends StableReadOptions {
  readonly fs?: LocalFs;
}

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
export function createLocalSource(dir: string, opts: LocalSourceOptions = {}): AppDirSource {
  const fs: LocalFs = opts.fs ?? fsPromises;
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
      return readStableFile(
        file,
        {
          stat: async () => {
            const st = await statOf(file);
            // A FIFO or device would never finish reading (and hold the writer lock meanwhile).
            if (st && !st.regular)
              throw new UserError(
                'unreadable',
                `${file} is not a regular file (${st.fifo ? 'a FIFO' : 'a device or directory'}); only regular files are read`,
              );
            return st;
          },
          read: async (signal) => {
            try {
              return await fs.readFile(file, { signal });
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
              if (signal.aborted) throw err; // the time limit: readStableFile says so
              throw fsError(err, file);
            }
          },
        },
        opts,
      );
    },
    async stat(name) {
      const file = await resolveName(name);
      const st = file === null ? null : await statOf(file);
      return st && { size: st.size, mtimeMs: st.mtimeMs };
    },
    close: () => Promise.resolve(),
  };
}

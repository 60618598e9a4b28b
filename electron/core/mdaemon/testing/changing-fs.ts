/**
 * An injected file system for a local source whose one file, USERLIST.DAT, changes while it is
 * read (as during MDaemon's rewrite of it): deterministic, no timing and no real rewrite.
 */
import type { LocalFs } from '../local-source';

/** Options of {@link changingFs}. */
export interface ChangingFsOptions {
  /** After the last version, start again at the first (default: the last one stays). */
  readonly cycle?: boolean;
  /** Every version shows the same size and time (a rewrite that a stat cannot see). */
  readonly sameStat?: boolean;
}

/**
 * A file system whose USERLIST.DAT is `versions[i]` on the i-th read. Each stat shows the size
 * and time of the version the next read gives (before the first read: the first version), so a
 * read whose version differs from the next one looks like a file rewritten while it was read.
 */
export function changingFs(versions: Buffer[], opts: ChangingFsOptions = {}): { fs: LocalFs; reads: () => number } {
  let reads = 0;
  const at = (i: number) => versions[opts.cycle ? i % versions.length : Math.min(i, versions.length - 1)]!;
  const fs: LocalFs = {
    readdir: () => Promise.resolve(['USERLIST.DAT']),
    stat: () => {
      const shown = at(reads);
      return Promise.resolve({
        size: shown.length,
        mtimeMs: opts.sameStat ? 1000 : 1000 + versions.indexOf(shown),
        isFile: () => true,
        isFIFO: () => false,
      });
    },
    readFile: () => Promise.resolve(at(reads++)),
  };
  return { fs, reads: () => reads };
}

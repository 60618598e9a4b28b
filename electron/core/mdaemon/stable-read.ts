/**
 * One file of the App directory read whole, the same way from any source (a local folder, an SMB
 * share): every read has a time limit, and a file whose size or modification time changed while
 * it was read, or that gave other than its size in bytes (MDaemon rewriting it), is read again a
 * bounded number of times, then refused in one sentence with nothing applied.
 *
 * Size and time cannot see a rewrite that keeps both (a coarse time stamp, a tool that restores
 * it), so a read is only trusted once a second read gave the same bytes (a SHA-256 of each,
 * so that only one copy is held at a time): the price is reading every file twice and hashing
 * it twice (about 70 ms of hashing per 46 MB, 200,000 accounts, on an idle core).
 */
import { createHash } from 'node:crypto';
import { UserError } from '../../../shared/result';
import { releaseBuffer } from '../release-buffer';
import type { SourceFile } from './source';

/** How long one file may take to read before the run stops (a share or disk that stopped answering). */
export const READ_TIMEOUT_MS = 120_000;

/** Times a file may be seen changing (in its size, time or bytes) before the run gives up. */
export const STABLE_READ_ATTEMPTS = 3;

/** A file's size and modification time. */
export interface FileProbe {
  readonly size: number;
  readonly mtimeMs: number;
}

/** How to look at and read the one file (a source's own calls). */
export interface StableReadOps {
  /** Its size and time now, or null when it is gone; may refuse (not a regular file). */
  stat(): Promise<FileProbe | null>;
  /** Its bytes in a new buffer (it may be emptied), or null when gone; stops when `signal` aborts. */
  read(signal: AbortSignal): Promise<Buffer | null>;
}

/** Limits of {@link readStableFile}; tests pass small ones and a sleep that does not wait. */
export interface StableReadOptions {
  readonly timeoutMs?: number;
  readonly attempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Runs one read under the time limit: a read that does not finish is one sentence. */
async function limited(file: string, ops: StableReadOps, timeoutMs: number): Promise<Buffer | null> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new UserError('unreadable', `reading ${file} took longer than ${timeoutMs / 1000} s; nothing was applied`),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([ops.read(controller.signal), timedOut]);
  } catch (err) {
    // The source's own answer to the abort (an AbortError) means the limit passed.
    if (controller.signal.aborted) return await timedOut;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** The SHA-256 of a read's bytes: two reads that agree on it gave the same file. */
const digest = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * Reads `file` whole once it held still: the same size and time before and after a read, as many
 * bytes as its size, and the same bytes as the read before it. Resolves null when it does not
 * exist (or went away).
 */
export async function readStableFile(
  file: string,
  ops: StableReadOps,
  opts: StableReadOptions = {},
): Promise<SourceFile | null> {
  const attempts = opts.attempts ?? STABLE_READ_ATTEMPTS;
  const timeoutMs = opts.timeoutMs ?? READ_TIMEOUT_MS;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // The digest of the last read that held still by its size and time, for the next read to
  // confirm. Its bytes are let go at once: only one copy of a large file is held at a time.
  let held: string | undefined;
  for (let changes = 0; ;) {
    const before = await ops.stat();
    if (before === null) return null;
    const data = await limited(file, ops, timeoutMs);
    if (data === null) return null;
    const after = await ops.stat();
    const still =
      after !== null && after.size === before.size && after.mtimeMs === before.mtimeMs && data.length === before.size;
    const sum = still ? digest(data) : undefined;
    if (sum !== undefined && sum === held) return { data, size: before.size, mtimeMs: before.mtimeMs };
    releaseBuffer(data);
    const first = sum !== undefined && held === undefined;
    held = sum;
    if (first) continue; // the first read that held still: read once more to compare
    if (++changes >= attempts)
      throw new UserError(
        'unstable',
        `${file} changed while it was read, ${attempts} times (is MDaemon rewriting it?); nothing was applied: run again in a moment`,
      );
    await sleep(200 * changes);
  }
}

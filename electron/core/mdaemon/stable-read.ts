/**
 * One file of the App directory read whole, the same way from any source (a local folder, an SMB
 * share): every read has a time limit, and a file whose size or modification time changed while
 * it was read, or that gave other than its size in bytes (MDaemon rewriting it), is read again a
 * bounded number of times, then refused in one sentence with nothing applied.
 */
import { UserError } from '../../../shared/result';
import type { SourceFile } from './source';

/** How long one file may take to read before the run stops (a share or disk that stopped answering). */
export const READ_TIMEOUT_MS = 120_000;

/** Reads of a file that changed meanwhile before the run gives up. */
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
  /** Its bytes, or null when it is gone; should stop when `signal` aborts (the time limit). */
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

/**
 * Reads `file` whole once it held still: the same size and time before and after, and as many
 * bytes as its size. Resolves null when it does not exist (or went away).
 */
export async function readStableFile(
  file: string,
  ops: StableReadOps,
  opts: StableReadOptions = {},
): Promise<SourceFile | null> {
  const attempts = opts.attempts ?? STABLE_READ_ATTEMPTS;
  const timeoutMs = opts.timeoutMs ?? READ_TIMEOUT_MS;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    const before = await ops.stat();
    if (before === null) return null;
    const data = await limited(file, ops, timeoutMs);
    if (data === null) return null;
    const after = await ops.stat();
    if (after && after.size === before.size && after.mtimeMs === before.mtimeMs && data.length === before.size)
      return { data, size: before.size, mtimeMs: before.mtimeMs };
    if (attempt >= attempts)
      throw new UserError(
        'unstable',
        `${file} changed while it was read, ${attempts} times (is MDaemon rewriting it?); nothing was applied: run again in a moment`,
      );
    await sleep(200 * attempt);
  }
}

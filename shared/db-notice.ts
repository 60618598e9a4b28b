/**
 * What an administrator must hear about the user database: the file was damaged or missing when
 * it was opened, and its backup is used from now on (a damaged file moved aside, never overwritten).
 */
import { z } from 'zod';

/** One fallback to the backup, as the database open reported it. */
export const DbFallback = z.object({
  /** When it happened (ISO 8601). */
  at: z.string(),
  /** The database file's name (`archive.sqlite`). */
  database: z.string(),
  /** What was wrong with it, or null when it was missing. */
  problem: z.string().nullable(),
  /** Where the damaged file was moved (its name, beside the database), or null when it was missing. */
  damagedCopy: z.string().nullable(),
  /** Users the damaged copy still shows, or null when they cannot be counted (or it was missing). */
  damagedUsers: z.number().int().nullable(),
  /** The backup's name (`archive.sqlite.bak`). */
  backup: z.string(),
  /** Users the backup holds (now the database's), or null when they cannot be counted. */
  backupUsers: z.number().int().nullable(),
});
export type DbFallback = z.infer<typeof DbFallback>;

/** A writer lock taken over from a holder that was gone (a crash, a restart), as the lock reported it. */
export const LockTakeover = z.object({
  /** When it happened (ISO 8601). */
  at: z.string(),
  /** The log line: the lock file and why its holder was judged gone. */
  message: z.string(),
});
export type LockTakeover = z.infer<typeof LockTakeover>;

/**
 * What `db:state` answers: the fallbacks this process met, oldest first, the names of the
 * damaged copies kept in the data directory (also those of earlier runs, until an administrator
 * removes them), and the writer locks this process took over from a dead holder. All empty:
 * nothing to tell.
 */
export const DbStateView = z.object({
  fallbacks: z.array(DbFallback),
  keptAside: z.array(z.string()),
  lockTakeovers: z.array(LockTakeover),
});
export type DbStateView = z.infer<typeof DbStateView>;

/**
 * Copies a whole user database from one store into an empty one of the other kind, and checks
 * that every table arrived with the same number of rows: the way onto PostgreSQL, and back.
 */
import { UserError } from '../../../shared/result';
import { type DumpCounts, DUMP_TABLES } from './dump';
import type { ArchiveRepository } from './port';

/** What a copy did. */
export interface CopyResult {
  readonly counts: DumpCounts;
}

/** Copies `from` into the empty `to` (one transaction there) and verifies the counts. */
export async function copyDatabase(from: ArchiveRepository, to: ArchiveRepository): Promise<CopyResult> {
  // The source holds its synchronization lock: no run changes it while it is read.
  const dump = await from.exclusive(() => from.exportAll());
  await to.importAll(dump);
  const [source, target] = await Promise.all([from.counts(), to.counts()]);
  const differs = DUMP_TABLES.filter((t) => source[t] !== target[t] || target[t] !== dump[t].length);
  if (differs.length > 0) {
    const t = differs[0] as keyof DumpCounts;
    throw new UserError(
      'failed',
      `the copy does not match: ${t} has ${source[t]} rows in ${from.location} and ${target[t]} in ${to.location}`,
    );
  }
  return { counts: target };
}

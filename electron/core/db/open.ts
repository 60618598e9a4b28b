/**
 * The one place that picks a store: PostgreSQL for a `postgres://` URL, else the data directory's
 * SQLite file. Everything else sees only the port (port.ts).
 */
import { UserError } from '../../../shared/result';
import type { ArchiveRepository, RepositoryOptions } from './port';
import { SqliteRepository } from './sqlite/repository';
import { isPostgresUrl } from './postgres/connect';

/** Opens the user database the options name: PostgreSQL for a URL, else the data directory's file. */
export async function openRepository(opts: RepositoryOptions): Promise<ArchiveRepository> {
  if (opts.databaseUrl) {
    if (!isPostgresUrl(opts.databaseUrl))
      throw new UserError('config', 'the database must be a postgres:// URL (or left out for the embedded file)');
    // Loaded only here: the PostgreSQL client costs the embedded store's commands some 30 ms at start.
    const { PgRepository } = await import('./postgres/repository');
    return PgRepository.open(opts);
  }
  return SqliteRepository.open(opts);
}

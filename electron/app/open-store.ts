/**
 * A user database opened for one piece of work and closed after it, whatever happens: what a
 * command or a benchmark does with a data directory (the services keep theirs open instead).
 */
import { type ArchiveRepository, type RepositoryOptions } from '../core/db/port';
import { openRepository } from '../core/db/open';

/** Opens the store `options` name (the data directory's file, or PostgreSQL), runs `fn` on it and closes it. */
export async function withRepository<T>(
  options: RepositoryOptions,
  fn: (repository: ArchiveRepository) => Promise<T>,
): Promise<T> {
  const repository = await openRepository(options);
  try {
    return await fn(repository);
  } finally {
    await repository.close();
  }
}

/**
 * `--database` and `--database-password-stdin` on every command that opens the user database.
 *
 * The store is chosen by chooseDatabase (flag, MDSYNC_DATABASE_URL, config.json `database`); the
 * PostgreSQL password comes from standard input when asked, else from PGPASSWORD or a pgpass
 * file, which the driver reads itself. It is never an argument and never printed.
 */
import type { RepositoryOptions } from '../../core/db/port';
import { chooseDatabase } from '../../core/db/database-choice';
import { CliError, envSecret, readPasswordFromStdin, type CliIo } from '../io';

/** The flags, for each command's parseArgs options. */
export const DATABASE_FLAGS = {
  database: { type: 'string' },
  'database-password-stdin': { type: 'boolean' },
} as const;

/** Their parsed values. */
export interface DatabaseValues {
  database?: string;
  'database-password-stdin'?: boolean;
}

/** How the usage lines show them. */
export const DATABASE_USAGE = '[--database postgres://USER@HOST:PORT/DB] [--database-password-stdin]';

/**
 * The database part of a command's open options. `stdinTaken` names another flag that reads
 * standard input (a user's password): both cannot, so the database password must then come
 * from PGPASSWORD or a pgpass file.
 */
export async function databaseOptions(
  io: CliIo,
  dataDir: string,
  v: DatabaseValues,
  stdinTaken?: string,
): Promise<Pick<RepositoryOptions, 'databaseUrl' | 'databasePassword'>> {
  const choice = chooseDatabase({ flag: v.database, env: io.env, dataDir });
  if (!v['database-password-stdin']) {
    const fromEnv = envSecret(io, 'PGPASSWORD');
    return { databaseUrl: choice.databaseUrl, ...(fromEnv ? { databasePassword: fromEnv } : {}) };
  }
  if (stdinTaken)
    throw new CliError(
      `--database-password-stdin and ${stdinTaken} both read standard input; give the database password in PGPASSWORD or a pgpass file`,
      2,
    );
  if (!choice.databaseUrl)
    throw new CliError('--database-password-stdin needs a PostgreSQL database (--database URL)', 2);
  return { databaseUrl: choice.databaseUrl, databasePassword: await readPasswordFromStdin(io) };
}

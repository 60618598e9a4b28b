/**
 * Which store holds the user database: `--database URL`, else MDSYNC_DATABASE_URL, else the
 * `database` entry of the data directory's config.json, else the embedded SQLite file.
 *
 * The URL never holds a password (parsePgUrl refuses one); the password comes from PGPASSWORD,
 * a pgpass file (the driver reads both) or standard input.
 */
import fs from 'node:fs';
import { UserError } from '../../../shared/result';
import { dataFiles } from '../paths';
import { parsePgUrl } from './postgres/connect';

/** The chosen store and where the choice came from (for messages). */
export interface DatabaseChoice {
  /** A postgres:// URL, or undefined for the embedded file. */
  readonly databaseUrl: string | undefined;
  readonly source: 'flag' | 'environment' | 'config' | 'default';
}

/** The `database` entry of config.json, or undefined (no file, no entry). */
export function configuredDatabase(dataDir: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(dataFiles(dataDir).settings, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const doc = JSON.parse(text) as { database?: unknown };
    if (doc.database === undefined || doc.database === null || doc.database === '') return undefined;
    if (typeof doc.database !== 'string') throw new Error('not a string');
    return doc.database;
  } catch {
    return undefined; // the settings loader reports a broken file in its own words
  }
}

/** Decides the store; a malformed URL is a UserError('config') naming where it came from. */
export function chooseDatabase(opts: {
  readonly flag?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dataDir: string;
}): DatabaseChoice {
  const fromEnv = opts.env.MDSYNC_DATABASE_URL?.trim();
  const picked: DatabaseChoice =
    opts.flag !== undefined && opts.flag.trim() !== ''
      ? { databaseUrl: opts.flag.trim(), source: 'flag' }
      : fromEnv
        ? { databaseUrl: fromEnv, source: 'environment' }
        : (() => {
            const configured = configuredDatabase(opts.dataDir);
            return configured
              ? { databaseUrl: configured, source: 'config' as const }
              : { databaseUrl: undefined, source: 'default' as const };
          })();
  if (picked.databaseUrl !== undefined) {
    try {
      parsePgUrl(picked.databaseUrl);
    } catch (err) {
      const where = {
        flag: '--database',
        environment: 'MDSYNC_DATABASE_URL',
        config: 'config.json database',
        default: '',
      }[picked.source];
      throw new UserError('config', `${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return picked;
}

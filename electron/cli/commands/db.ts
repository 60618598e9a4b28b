/**
 * `mdsync db copy`: moves the user database between the embedded file and PostgreSQL; `db check`,
 * `db restore` and `db init` look after the embedded file (db-repair.ts).
 *
 * `--to URL` copies the data directory's file into an empty PostgreSQL database; `--from URL`
 * copies a PostgreSQL database into a data directory without a user database yet (the way back).
 * All rows go in one transaction on the target and the counts of both sides are compared; the
 * source is never changed. Then point mdsync at the new store (`database` in config.json,
 * MDSYNC_DATABASE_URL or --database).
 */
import fs from 'node:fs';
import { copyDatabase } from '../../core/db/copy';
import { madeMarker } from '../../core/db/sqlite/db-check';
import { openRepository as openStore } from '../../core/db/open';
import { dataFiles } from '../../core/paths';
import { CliError, printJson, type CliIo, type Command } from '../io';
import { parseFlags, repositoryOptions } from './common-flags';
import { dbCheck, dbInit, dbRestore } from './db-repair';

const USAGE =
  'usage: mdsync db copy (--to postgres://USER@HOST:PORT/DB | --from postgres://USER@HOST:PORT/DB) [--data-dir D] [--database-password-stdin] [--json]' +
  ' | mdsync db check [--data-dir D] [--json] | mdsync db restore --from FILE [--data-dir D] [--json] | mdsync db init [--data-dir D]';

interface Values {
  to?: string;
  from?: string;
  'data-dir'?: string;
  'database-password-stdin'?: boolean;
  json?: boolean;
  help?: boolean;
}

/** `mdsync db`. */
export const dbCommand: Command = async (argv: string[], io: CliIo): Promise<number> => {
  const { values: v, positionals } = parseFlags<Values>(
    argv,
    {
      to: { type: 'string' },
      from: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-password-stdin': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
    true,
  );
  if (v.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(USAGE, 2);
  if (positionals[0] === 'check') return dbCheck(v, io);
  if (positionals[0] === 'restore') return dbRestore(v, io, USAGE);
  if (positionals[0] === 'init') return dbInit(v, io);
  if (positionals[0] !== 'copy') throw new CliError(USAGE, 2);
  if ((v.to === undefined) === (v.from === undefined)) throw new CliError(`give one of --to and --from; ${USAGE}`, 2);
  const dataDir = v['data-dir'] ?? io.defaultDataDir;
  const url = (v.to ?? v.from) as string;
  const pgOpts = await repositoryOptions(io, 'db copy', dataDir, {
    database: url,
    'database-password-stdin': v['database-password-stdin'],
  });
  const fileOpts = {
    ...(await repositoryOptions(io, 'db copy', dataDir)),
    databaseUrl: undefined,
    databasePassword: undefined,
    // The way back makes the data directory's first database (checked below: there is none).
    allowNew: v.from !== undefined,
  };
  if (v.to !== undefined && !fs.existsSync(dataFiles(dataDir).database))
    throw new CliError(`there is no embedded user database in ${dataDir} to copy`, 2);
  if (v.from !== undefined && fs.existsSync(dataFiles(dataDir).database))
    throw new CliError(`${dataDir} already has a user database; copy into a new data directory`, 2);
  const file = await openStore({ ...fileOpts, dataDir });
  let copied = false;
  try {
    const pg = await openStore({ ...pgOpts, dataDir });
    try {
      const [from, to] = v.to !== undefined ? [file, pg] : [pg, file];
      const { counts } = await copyDatabase(from, to);
      copied = true;
      if (v.json) printJson(io, { from: from.location, to: to.location, counts });
      else
        io.stdout(
          `copied ${from.location} to ${to.location}: ${counts.users} users, ${counts.emails} addresses, ` +
            `${counts.privileges} privileges, ${counts.folders} folders, ${counts.access} folder access entries, ` +
            `${counts.messages} messages, ${counts.runs} history runs; counts verified\n`,
        );
      return 0;
    } finally {
      await pg.close();
    }
  } finally {
    await file.close();
    // A failed way back leaves no half-made file behind: the data directory is as it was.
    if (v.from !== undefined && !copied) {
      fs.rmSync(dataFiles(dataDir).database, { force: true });
      fs.rmSync(`${dataFiles(dataDir).database}.bak`, { force: true });
      fs.rmSync(madeMarker(dataFiles(dataDir).database), { force: true });
    }
  }
};

/**
 * `mdsync db check`, `mdsync db restore --from FILE` and `mdsync db init`: the embedded user
 * database's copies looked at, one put back on purpose, or a new empty one made where the data
 * directory shows it had one (which no other command does silently).
 */
import fs from 'node:fs';
import { madeMarker } from '../../core/db/sqlite/db-check';
import { openRepository as openStore } from '../../core/db/open';
import { type CopyState, databaseState, restoreDatabase } from '../../core/db/sqlite/db-state';
import { dataFiles } from '../../core/paths';
import { CliError, printJson, type CliIo } from '../io';
import { lockWaitMs, repositoryOptions } from './common-flags';

/** The flags these subcommands read. */
export interface RepairValues {
  from?: string;
  'data-dir'?: string;
  json?: boolean;
}

function copyJson(c: CopyState) {
  return {
    file: c.path,
    ok: c.state === 'ok',
    state: c.state,
    problem: c.problem,
    users: c.users,
    bytes: c.bytes,
    modified: c.modified,
  };
}

function copyLine(label: string, c: CopyState): string {
  if (c.state === 'missing') return `${label}: ${c.path}: missing`;
  const users = c.users === null ? 'users cannot be counted' : `${c.users} users`;
  const when = c.modified ? `, modified ${c.modified}` : '';
  if (c.state === 'ok') return `${label}: ${c.path}: ok, ${users}${when}`;
  return `${label}: ${c.path}: damaged (${c.problem}), ${users}${when}`;
}

/** Refuses the subcommands where the user database is not the embedded file. */
async function embeddedOnly(io: CliIo, sub: string, dataDir: string): Promise<void> {
  const opts = await repositoryOptions(io, `db ${sub}`, dataDir);
  if (opts.databaseUrl)
    throw new CliError(
      `mdsync db ${sub} works on the embedded file; this data directory uses PostgreSQL, which checks and restores its own`,
      2,
    );
}

/** `mdsync db check`: exit 0 when the database is sound, 1 when it is damaged or missing. */
export async function dbCheck(v: RepairValues, io: CliIo): Promise<number> {
  const dataDir = v['data-dir'] ?? io.defaultDataDir;
  await embeddedOnly(io, 'check', dataDir);
  const state = await databaseState(dataFiles(dataDir).database);
  if (v.json) {
    printJson(io, {
      database: copyJson(state.database),
      backup: copyJson(state.backup),
      damaged: state.damaged.map(copyJson),
    });
  } else {
    const lines = [copyLine('database', state.database), copyLine('backup', state.backup)];
    for (const d of state.damaged) lines.push(copyLine('moved aside', d));
    io.stdout(`${lines.join('\n')}\n`);
  }
  if (state.database.state === 'ok') return 0;
  const good = [state.backup, ...state.damaged].filter((c) => c.state === 'ok');
  const hint = good[0]
    ? `"mdsync db restore --from ${good[0].path}" puts a sound copy back`
    : 'restore it from your backups';
  io.stderr(`mdsync db check: the user database ${state.database.path} is ${state.database.state}; ${hint}\n`);
  return 1;
}

/** `mdsync db restore --from FILE`. */
export async function dbRestore(v: RepairValues, io: CliIo, usage: string): Promise<number> {
  if (v.from === undefined || v.from.trim() === '') throw new CliError(`--from FILE is required; ${usage}`, 2);
  const dataDir = v['data-dir'] ?? io.defaultDataDir;
  await embeddedOnly(io, 'restore', dataDir);
  const files = dataFiles(dataDir);
  const waitMs = lockWaitMs(io);
  const done = await restoreDatabase(
    files.database,
    files.lock,
    v.from,
    waitMs === undefined ? {} : { lock: { waitMs } },
  );
  if (v.json) printJson(io, { restored: copyJson(done.restored), database: files.database, keptAside: done.keptAside });
  else
    io.stdout(
      `restored ${files.database} from ${done.restored.path} (${done.restored.users ?? '?'} users)` +
        `${done.keptAside ? `; the database it replaced is kept as ${done.keptAside}` : ''}\n`,
    );
  return 0;
}

/** `mdsync db init`: a new, empty database, only where there is none. */
export async function dbInit(v: RepairValues, io: CliIo): Promise<number> {
  const dataDir = v['data-dir'] ?? io.defaultDataDir;
  await embeddedOnly(io, 'init', dataDir);
  const state = await databaseState(dataFiles(dataDir).database);
  if (state.database.state !== 'missing' || state.backup.state !== 'missing')
    throw new CliError(
      `${dataDir} has a user database or its backup; "mdsync db check" shows them, "mdsync db restore --from FILE" puts one back`,
      1,
    );
  fs.rmSync(madeMarker(dataFiles(dataDir).database), { force: true });
  const repo = await openStore({ ...(await repositoryOptions(io, 'db init', dataDir)), dataDir, allowNew: true });
  await repo.close();
  io.stdout(`made a new, empty user database ${dataFiles(dataDir).database}\n`);
  return 0;
}

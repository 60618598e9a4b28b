/**
 * The `[common]` flags of `mdsync test` and `mdsync sync`, and how they become one run.
 *
 * The saved settings of the data directory are the starting point; flags override them for this
 * run only and nothing is saved. The share password (UNC paths off Windows) comes from standard
 * input or MDSYNC_SHARE_PASSWORD, never from an argument.
 */
import { parseArgs } from 'node:util';
import type { DirectoryRead, SyncProgress } from '../../../shared/model';
import type { ParsedDeleteLimit } from '../../../shared/delete-limit';
import type { Settings } from '../../../shared/settings';
import { codePageFor, readAppDirectory } from '../../app/app-directory';
import { detectAppDir } from '../../core/mdaemon/detect';
import { deleteLimitOf } from '../../core/sync/guard';
import { type ArchiveRepository, type RepositoryOptions } from '../../core/db/port';
import { openRepository as openStore } from '../../core/db/open';
import { createFileLogger } from '../../core/logger';
import { dataFiles } from '../../core/paths';
import { CliError, envSecret, readPasswordFromStdin, type CliIo } from '../io';
import { DATABASE_FLAGS, type DatabaseValues, databaseOptions } from './database-flags';
import type { MachineDeps } from './machine';

export { machine, type MachineDeps } from './machine';

/** The flags `test` and `sync` share (`sync` adds --confirm-deletes). */
export const COMMON_FLAGS = {
  'data-dir': { type: 'string' },
  'app-dir': { type: 'string' },
  'code-page': { type: 'string' },
  domain: { type: 'string', multiple: true },
  group: { type: 'string', multiple: true },
  'delete-users': { type: 'boolean' },
  'delete-limit': { type: 'string' },
  'share-user': { type: 'string' },
  'share-domain': { type: 'string' },
  'share-password-stdin': { type: 'boolean' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...DATABASE_FLAGS,
} as const;

/** Parsed values of the common flags. */
export interface CommonValues extends DatabaseValues {
  'data-dir'?: string;
  'app-dir'?: string;
  'code-page'?: string;
  domain?: string[];
  group?: string[];
  'delete-users'?: boolean;
  'delete-limit'?: string;
  'share-user'?: string;
  'share-domain'?: string;
  'share-password-stdin'?: boolean;
  json?: boolean;
  progress?: boolean;
  help?: boolean;
}

/** parseArgs with usage errors as CliError (exit 2). */
export function parseFlags<T>(
  argv: string[],
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>,
  usage: string,
  positionals = false,
): { values: T; positionals: string[] } {
  // `--delete-limit -3`: a value that looks like a negative number is the flag's value (parseArgs
  // would take it for an option and say "ambiguous"); the flag's own check then explains it.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const takesValue = arg.startsWith('--') && !arg.includes('=') && options[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      args.push(`${arg}=${next}`);
      i++;
    } else {
      args.push(arg);
    }
  }
  try {
    const parsed = parseArgs({ args, strict: true, allowPositionals: positionals, options });
    return { values: parsed.values as T, positionals: parsed.positionals };
  } catch (err) {
    throw new CliError(`${err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)}; ${usage}`, 2);
  }
}

/** One run, ready to go: its data directory, effective settings and how to read MDaemon. */
export interface PreparedRun {
  readonly dataDir: string;
  readonly settings: Settings;
  /** `--delete-limit`, parsed before anything is read. */
  readonly deleteLimit: ParsedDeleteLimit | undefined;
  readonly readDirectory: (signal?: AbortSignal) => Promise<DirectoryRead>;
}

/** Applies the flags over the saved settings and prepares the source reader. */
export async function prepareRun(v: CommonValues, io: CliIo, deps: MachineDeps): Promise<PreparedRun> {
  const dataDir = v['data-dir'] ?? io.defaultDataDir;
  const deleteLimit = v['delete-limit'] === undefined ? undefined : deleteLimitOf(v['delete-limit']);
  const saved = deps.loadSettings(dataDir);
  const directory = { ...saved.directory, share: { ...saved.directory.share } };
  const sync = { ...saved.sync };
  if (v['app-dir'] !== undefined) directory.appDir = v['app-dir'];
  if (v['share-user'] !== undefined) directory.share.userName = v['share-user'];
  if (v['share-domain'] !== undefined) directory.share.domain = v['share-domain'];
  if (v.domain?.length) sync.domains = v.domain;
  if (v.group?.length) sync.groups = v.group;
  if (v['delete-users']) sync.deleteUsers = true;
  if (directory.appDir.trim() === '') {
    const found = await detectAppDir({
      platform: deps.platform,
      readRegistry: deps.readRegistry,
      exists: deps.dirExists,
    });
    if (!found.appDir)
      throw new CliError('no App directory is configured; give --app-dir DIR or save one in the app', 2);
    directory.appDir = found.appDir;
  }
  directory.codePage = await codePageFor(v['code-page'] ?? directory.codePage, deps);
  const settings: Settings = { ...saved, directory, sync };
  const sharePassword = v['share-password-stdin']
    ? await readPasswordFromStdin(io)
    : (envSecret(io, 'MDSYNC_SHARE_PASSWORD') ?? null);
  return {
    dataDir,
    settings,
    deleteLimit,
    readDirectory: async (signal) =>
      (await readAppDirectory(directory, { machine: deps, sharePassword: sharePassword || null, signal })).read,
  };
}

/** Progress lines on stderr (`--progress`): one per phase step, for people and for watchdogs. */
export function progressPrinter(io: CliIo, enabled: boolean | undefined): ((p: SyncProgress) => void) | undefined {
  if (!enabled) return undefined;
  let last = '';
  return (p) => {
    const text = `mdsync: ${p.phase}${p.total > 0 ? ` ${p.done}/${p.total}` : ''}\n`;
    if (text !== last) io.stderr(text);
    last = text;
  };
}

/**
 * How long a command waits for another writer: MDSYNC_LOCK_WAIT_MS, or the default of 5 s.
 * Schedules that would rather skip a run than wait set it to 0.
 */
export function lockWaitMs(io: CliIo): number | undefined {
  const raw = io.env.MDSYNC_LOCK_WAIT_MS;
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d{1,7}$/.test(raw.trim())) throw new CliError('MDSYNC_LOCK_WAIT_MS must be a number of milliseconds', 2);
  return Number(raw);
}

/** Commands that only read the user database: they open it read-only (see RepositoryOptions.readOnly). */
const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set(['login', 'folders']);

/**
 * Opens the user database of command `name`: the store the database flags, MDSYNC_DATABASE_URL
 * or config.json choose, in `dataDir`; warnings on stderr. `mode` defaults to `read` for the
 * commands that only read (login, folders), else `write`.
 */
export async function openRepository(
  io: CliIo,
  dataDir: string | undefined,
  name: string,
  db: DatabaseValues = {},
  stdinTaken?: string,
  mode: 'read' | 'write' = READ_ONLY_COMMANDS.has(name) ? 'read' : 'write',
): Promise<ArchiveRepository> {
  const dir = dataDir ?? io.defaultDataDir;
  return openStore({
    ...(await repositoryOptions(io, name, dir, db, stdinTaken)),
    dataDir: dir,
    readOnly: mode === 'read',
  });
}

/** Open options of a command's database: the store, lock wait from the environment, warnings on stderr. */
export async function repositoryOptions(
  io: CliIo,
  name: string,
  dataDir: string,
  db: DatabaseValues = {},
  stdinTaken?: string,
): Promise<Omit<RepositoryOptions, 'dataDir'>> {
  const waitMs = lockWaitMs(io);
  return {
    ...(await databaseOptions(io, dataDir, db, stdinTaken)),
    onWarning: (m) => {
      io.stderr(`mdsync ${name}: warning: ${m}\n`);
      // A damaged file moved aside must reach the administrator's log too, not only a terminal.
      createFileLogger(dataFiles(dataDir).log).log('warn', `${name} from the command line: ${m}`);
    },
    lock: {
      ...(waitMs === undefined ? {} : { waitMs }),
      // A lock taken over from a dead holder: on stderr and in the log, like the other warnings.
      log: (m) => {
        io.stderr(`mdsync ${name}: warning: ${m}\n`);
        createFileLogger(dataFiles(dataDir).log).log('warn', `${name} from the command line: ${m}`);
      },
    },
  };
}

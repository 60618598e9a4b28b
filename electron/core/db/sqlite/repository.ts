/**
 * The embedded store: the user database as one SQLite file in the data directory (sql.js).
 *
 * Reads always see what other processes committed (the file is reloaded when it changed); writes
 * take the cross-process writer lock and persist the whole file once per transaction.
 */
import type { UsersPage, UsersPageQuery } from '../../../../shared/users-page';
import { sqliteUsersPage } from './users-page';
import type { ArchiveFolder, ArchivedMessage, Change, SyncRun } from '../../../../shared/model';
import { UserError } from '../../../../shared/result';
import { verifyPassword } from '../../auth/passwords';
import path from 'node:path';
import type { DbFallback, LockTakeover } from '../../../../shared/db-notice';
import { dataFiles } from '../../paths';
import { applyPlan } from './apply';
import { type TxBody, type WriterSession, DbConnection } from './connection';
import { ADMIN_USER } from '../store-common';
import { acquireWriterLock, busyError } from './writer-lock';
import type { Sql } from './sql';
import * as folders from './folder-store';
import * as history from './history-store';
import * as users from './user-store';
import type {
  ArchiveRepository,
  AuthState,
  LogonUser,
  MessageMeta,
  NewRun,
  Released,
  RepositoryOptions,
  RunFilter,
  SyncSession,
  ThrottleStore,
  UserAsk,
  UserFacts,
  UserRecord,
  UserSummary,
  UserWrite,
} from '../port';
import { loadAuthState, loadAuthStates } from './auth-state';
import { damagedCopies } from './db-check';
import type { Dump, DumpCounts } from '../dump';
import { countSqlite, exportSqlite, importSqlite } from './dump';
import { readFacts, runWrites } from './user-writes';

export type { TxBody, WriterSession } from './connection';

/** The user database in a data directory's SQLite file. */
export class SqliteRepository implements ArchiveRepository {
  readonly keepsSettings = false;

  private constructor(
    readonly connection: DbConnection,
    readonly location: string,
    private readonly scheduleLock: string,
  ) {}

  /** Opens (creating on first use) the database of a data directory. */
  static async open(opts: Omit<RepositoryOptions, 'databaseUrl' | 'databasePassword'>): Promise<SqliteRepository> {
    const files = dataFiles(opts.dataDir);
    const connection = await DbConnection.open({
      file: files.database,
      lockFile: files.lock,
      wasmPath: opts.wasmPath,
      now: opts.now,
      lock: opts.lock,
      onWarning: opts.onWarning,
      readOnly: opts.readOnly,
      allowNew: opts.allowNew,
    });
    return new SqliteRepository(connection, files.database, path.join(opts.dataDir, 'schedule.lock'));
  }

  /** Warnings met while opening or reloading (a damaged file replaced by its backup). */
  get warnings(): readonly string[] {
    return this.connection.warnings;
  }

  /** The same as facts, for the administrators' banner (`db:state`). */
  get fallbacks(): readonly DbFallback[] {
    return this.connection.fallbacks;
  }

  /** Writer locks taken over from a dead holder, for the same banner. */
  get lockTakeovers(): readonly LockTakeover[] {
    return this.connection.lockTakeovers;
  }

  /** File names of the damaged copies kept aside beside the database file. */
  keptAside(): string[] {
    return damagedCopies(this.location).map((f) => path.basename(f));
  }

  /** Frees the in-memory database; the file stays as last committed. */
  close(): Promise<void> {
    this.connection.close();
    return Promise.resolve();
  }

  /** Runs `fn` all or nothing, under the writer lock; it is persisted once. */
  transaction<T>(fn: TxBody<T>): Promise<T> {
    return this.connection.transaction(fn);
  }

  /** Holds the writer lock across `fn`: a synchronization plans and applies with no other writer between. */
  exclusive<T>(fn: (session: SyncSession) => Promise<T>): Promise<T> {
    return this.connection.exclusive((writer) => fn(this.session(writer)));
  }

  async runAlone(fn: () => Promise<void>): Promise<boolean> {
    let lock;
    try {
      lock = await acquireWriterLock(this.scheduleLock, {
        waitMs: 0,
        log: (message) => this.connection.lockTakenOver(message),
      });
    } catch (err) {
      if (err instanceof UserError && err.code === busyError().code) return false;
      throw err;
    }
    try {
      await fn();
      return true;
    } finally {
      lock.release();
    }
  }

  private session(writer: WriterSession): SyncSession {
    return {
      currentUsers: () => this.currentUsers(),
      keptFolderNames: () => this.keptFolderNames(),
      apply: (input) =>
        Promise.resolve(
          writer.transaction((sql, now) => {
            const applied = applyPlan(sql, now, input);
            return { applied, runId: history.insertRun(sql, input.run(), applied) };
          }),
        ),
      recordRun: (run, changes) => Promise.resolve(writer.transaction((sql) => history.insertRun(sql, run, changes))),
    };
  }

  private read(): Sql {
    return this.connection.reader();
  }

  private getUserNow(userName: string): UserRecord | null {
    const sql = this.read();
    const id = users.findUserId(sql, userName.trim());
    return id === null ? null : (users.loadUsers(sql, id)[0] ?? null);
  }

  async getUser(userName: string): Promise<UserRecord | null> {
    return Promise.resolve(this.getUserNow(userName));
  }

  async getLogonUser(userName: string): Promise<LogonUser | null> {
    return Promise.resolve(users.loadLogonUser(this.read(), userName.trim()));
  }

  async getAuthState(userName: string): Promise<AuthState | null> {
    return Promise.resolve(loadAuthState(this.read(), userName.trim()));
  }

  async getAuthStates(ids: readonly number[]): Promise<AuthState[]> {
    return Promise.resolve(loadAuthStates(this.read(), ids));
  }

  async listUsers(): Promise<UserRecord[]> {
    return Promise.resolve(users.loadUsers(this.read()));
  }

  /** `chunk`: users per query (tests use small ones). */
  listUsersJson(chunk?: number): AsyncIterable<string> {
    return users.usersListJson(
      () => this.read(),
      () => new Promise((resolve) => setImmediate(resolve)),
      chunk,
    );
  }

  async usersPage(query: UsersPageQuery): Promise<UsersPage> {
    return Promise.resolve(sqliteUsersPage(this.read(), query));
  }

  async currentUsers(): Promise<UserSummary[]> {
    return Promise.resolve(users.loadSummaries(this.read()));
  }

  async keptFolderNames(): Promise<Set<string>> {
    const rows = this.read().all('SELECT lower(name) FROM folders WHERE owner_id IS NULL');
    return Promise.resolve(new Set(rows.map((r) => String(r[0]))));
  }

  async needsAdminPassword(): Promise<boolean> {
    const sql = this.read();
    const id = users.findUserId(sql, ADMIN_USER);
    return Promise.resolve(id === null || users.passwordHashOf(sql, id) === null);
  }

  writeUsers(ask: UserAsk, decide: (facts: UserFacts) => readonly UserWrite[]): Promise<Released | null> {
    return this.transaction((sql, now) => runWrites(sql, now, decide(readFacts(sql, ask))));
  }

  async verifyPassword(userName: string, password: string): Promise<boolean> {
    const sql = this.read();
    const id = users.findUserId(sql, userName.trim());
    const auth = id === null ? null : sql.one('SELECT authentication FROM users WHERE id = ?', [id])?.[0];
    const hash = id === null || auth !== 'integrated' ? null : users.passwordHashOf(sql, id);
    return hash === null ? false : verifyPassword(hash, password);
  }

  async listFolders(): Promise<ArchiveFolder[]> {
    return Promise.resolve(folders.listFolderRows(this.read()));
  }

  async folderOf(userName: string): Promise<{ folder: string; messages: number } | null> {
    const sql = this.read();
    const uid = users.findUserId(sql, userName.trim());
    const f = uid === null ? null : folders.findFolder(sql, userName.trim());
    return Promise.resolve(
      f && f.ownerId === uid ? { folder: f.name, messages: folders.messageCount(sql, f.id) } : null,
    );
  }

  importMessages(folder: string, metas: readonly MessageMeta[]): Promise<number> {
    return this.transaction((sql, now) => {
      const f = folders.findFolder(sql, folder);
      if (!f) throw new UserError('notFound', `there is no archive folder named ${folder}`);
      folders.insertMessages(sql, now, f.id, metas);
      return folders.messageCount(sql, f.id);
    });
  }

  async latestMessages(folder: string, limit: number): Promise<ArchivedMessage[]> {
    const sql = this.read();
    const f = folders.findFolder(sql, folder);
    return Promise.resolve(f ? folders.latestMessageRows(sql, f.id, limit) : []);
  }

  async listRuns(limit = 200): Promise<SyncRun[]> {
    return Promise.resolve(history.listRunRows(this.read(), limit));
  }

  async runChanges(runId: number): Promise<Change[]> {
    return Promise.resolve(history.runChangeRows(this.read(), runId));
  }

  async lastRun(filter: RunFilter): Promise<SyncRun | null> {
    const runs = history.listRunRows(this.read(), history.HISTORY_KEEP_RUNS);
    const hit = runs.find(
      (r) =>
        (filter.actor === undefined || r.actor === filter.actor) &&
        (filter.dryRun === undefined || r.dryRun === filter.dryRun),
    );
    return Promise.resolve(hit ?? null);
  }

  recordRun(run: NewRun, changes: readonly Change[]): Promise<number> {
    return this.transaction((sql) => history.insertRun(sql, run, changes));
  }

  async exportAll(): Promise<Dump> {
    return Promise.resolve(exportSqlite(this.read()));
  }

  async importAll(dump: Dump): Promise<void> {
    await this.transaction((sql) => importSqlite(sql, dump));
  }

  async counts(): Promise<DumpCounts> {
    return Promise.resolve(countSqlite(this.read()));
  }

  /** None: a file rewrite per failed logon is too dear; the service keeps the throttle in memory. */
  throttleStore(): ThrottleStore | null {
    return null;
  }

  /** None: with the embedded store the settings stay in the data directory's config.json. */
  loadSettingsDoc(): Promise<unknown> {
    return Promise.resolve(null);
  }

  saveSettingsDoc(_doc: unknown): Promise<void> {
    return Promise.reject(new Error('the embedded store keeps no settings document'));
  }
}

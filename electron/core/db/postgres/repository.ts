/**
 * The PostgreSQL store: the user database shared by every server and administrator that points
 * at it.
 *
 * Each write is one transaction on one pooled connection; a synchronization holds a session
 * advisory lock (the cross-machine counterpart of the SQLite store's lock file; it goes with
 * the connection when a process dies) and applies its plan set-based in one transaction. A
 * connection the server dropped is discarded and the pool dials again on the next call, so a
 * service carries on once the database is back.
 */
import fs from 'node:fs';
import pg from 'pg';
import type { ArchiveFolder, ArchivedMessage, Change, SyncRun } from '../../../../shared/model';
import { UserError } from '../../../../shared/result';
import { verifyPassword } from '../../auth/passwords';
import { applyPlanPg } from './apply';
import { type PgTarget, parsePgUrl, pgConfig, pgError } from './connect';
import { PgConnections } from './pool';
import { SCHEDULE_LOCK, SYNC_LOCK, checkPgSchema, migratePg } from './schema';
import { pgThrottleStore } from './throttle';
import { openSessionTable, type SessionTable } from './sessions';
import { pgAuthState, pgAuthStates } from './auth-state';
import * as q from './users';
import * as folders from './folders';
import * as history from './history';
import * as messages from './messages';
import { pgUsersPage } from './users-page';
import type { UsersPage, UsersPageQuery } from '../../../../shared/users-page';
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
import type { Dump, DumpCounts } from '../dump';
import { countPg, exportPg, importPg } from './dump';
import { readFacts, runWrites } from './user-writes';
import { ADMIN_USER } from '../store-common';

/** The tables a synchronization changes, analysed in its transaction. */
const ANALYZED_TABLES = 'users, user_emails, user_privileges, folders, folder_access';

/** The user database in PostgreSQL. */
export class PgRepository implements ArchiveRepository {
  readonly keepsSettings = true;
  readonly warnings: readonly string[] = [];
  private throttle: ThrottleStore | null = null;

  private readonly db: PgConnections;

  private constructor(
    private readonly pool: pg.Pool,
    target: PgTarget,
    private readonly opts: RepositoryOptions,
    private readonly config: pg.ClientConfig = {},
  ) {
    this.db = new PgConnections(pool, target, () => this.now());
  }

  /** Where it is, without password. */
  get location(): string {
    return this.db.target.display;
  }

  /**
   * Connects, and creates or migrates the schema (once, under the migration lock); opened
   * read-only (`readOnly`), its transactions are read-only by default and the schema must exist.
   */
  static async open(opts: RepositoryOptions): Promise<PgRepository> {
    const target = parsePgUrl(opts.databaseUrl ?? '');
    const url = new URL((opts.databaseUrl ?? '').trim());
    const rootcert = url.searchParams.get('sslrootcert');
    let ca: string | undefined;
    try {
      ca = rootcert ? fs.readFileSync(rootcert, 'utf8') : undefined;
    } catch {
      throw new UserError('unreadable', `cannot read the sslrootcert file ${rootcert}`);
    }
    const config = pgConfig(target, opts.databasePassword, ca, opts.readOnly);
    const pool = new pg.Pool({ ...config, max: 4, idleTimeoutMillis: 10_000 });
    // An idle connection the server dropped: the pool discards it and dials again when asked.
    pool.on('error', () => undefined);
    const repo = new PgRepository(pool, target, opts, config);
    try {
      // A command that only reads neither creates nor migrates the schema.
      if (opts.readOnly) await repo.db.withClient((c) => checkPgSchema(c, target.display));
      else await repo.db.withClient((c) => migratePg(c, repo.now()));
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw pgError(err, target);
    }
    return repo;
  }

  private now(): string {
    return (this.opts.now?.() ?? new Date()).toISOString();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The logon sessions shared by every server on this database (sessions.ts). */
  sessionTable(): Promise<SessionTable> {
    return openSessionTable(this.pool, this.config);
  }

  /** The pool's connections now, for the metrics. */
  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  exclusive<T>(fn: (session: SyncSession) => Promise<T>): Promise<T> {
    const { db } = this;
    return db.withClient(async (client) => {
      await db.lock(client, SYNC_LOCK, this.opts.lock?.waitMs ?? 5000, this.opts.lock?.pollMs ?? 50);
      // A synchronization's set-based statements over 100,000 rows gain from JIT (a first sync
      // takes 12 % less), which the connections otherwise leave off for the short queries.
      await client.query('SET jit = on');
      try {
        return await fn({
          currentUsers: () => q.loadSummaries(client).catch((e: unknown) => Promise.reject(pgError(e, db.target))),
          keptFolderNames: () => keptFolders(client).catch((e: unknown) => Promise.reject(pgError(e, db.target))),
          apply: (input) =>
            db.tx(client, async (c, now) => {
              const applied = await applyPlanPg(c, now, input);
              const runId = await history.insertRun(c, input.run(), applied);
              // Statistics true as the data commits: right after a first sync the planner would
              // otherwise take the tables for empty until autovacuum's ANALYZE comes round.
              if (applied.some((ch) => ch.action === 'create' || ch.action === 'delete' || ch.action === 'update'))
                await c.query(`ANALYZE ${ANALYZED_TABLES}`);
              return { applied, runId };
            }),
          recordRun: (run, changes) => db.tx(client, (c) => history.insertRun(c, run, changes)),
        });
      } finally {
        await client.query('RESET jit').catch(() => undefined);
        await db.unlock(client, SYNC_LOCK);
      }
    });
  }

  runAlone(fn: () => Promise<void>): Promise<boolean> {
    const { db } = this;
    return db.withClient(async (client) => {
      if (!(await db.tryLock(client, SCHEDULE_LOCK).catch((e: unknown) => Promise.reject(pgError(e, db.target)))))
        return false;
      try {
        await fn();
        return true;
      } finally {
        await db.unlock(client, SCHEDULE_LOCK);
      }
    });
  }

  getUser(userName: string): Promise<UserRecord | null> {
    return this.db.read(async (db) => {
      const u = await q.findUser(db, userName.trim());
      return u ? ((await q.loadUsers(db, u.id))[0] ?? null) : null;
    });
  }

  getLogonUser(userName: string): Promise<LogonUser | null> {
    return this.db.read((db) => q.loadLogonUser(db, userName.trim()));
  }

  getAuthState(userName: string): Promise<AuthState | null> {
    return this.db.read((db) => pgAuthState(db, userName.trim()));
  }

  getAuthStates(ids: readonly number[]): Promise<AuthState[]> {
    return this.db.read((db) => pgAuthStates(db, ids));
  }

  listUsers(): Promise<UserRecord[]> {
    return this.db.read((db) => q.loadUsers(db));
  }

  /** `chunk`: users per part (tests use small ones). */
  listUsersJson(chunk?: number): AsyncGenerator<string> {
    return this.db.stream((c) => q.usersListJson(c, chunk));
  }

  usersPage(query: UsersPageQuery): Promise<UsersPage> {
    return this.db.read((db) => pgUsersPage(db, query));
  }

  currentUsers(): Promise<UserSummary[]> {
    return this.db.read((db) => q.loadSummaries(db));
  }

  keptFolderNames(): Promise<Set<string>> {
    return this.db.read((db) => keptFolders(db));
  }

  needsAdminPassword(): Promise<boolean> {
    return this.db.read(async (db) => (await q.findUser(db, ADMIN_USER))?.hash == null);
  }

  writeUsers(ask: UserAsk, decide: (facts: UserFacts) => readonly UserWrite[]): Promise<Released | null> {
    return this.db.transaction(async (c, now) => runWrites(c, now, decide(await readFacts(c, ask))));
  }

  async verifyPassword(userName: string, password: string): Promise<boolean> {
    const u = await this.db.read((db) => q.findUser(db, userName.trim()));
    return u && u.authentication === 'integrated' && u.hash !== null ? verifyPassword(u.hash, password) : false;
  }

  listFolders(): Promise<ArchiveFolder[]> {
    return this.db.read((db) => folders.listFolders(db));
  }

  folderOf(userName: string): Promise<{ folder: string; messages: number } | null> {
    return this.db.read(async (db) => {
      const u = await q.findUser(db, userName.trim());
      const f = u ? await folders.findFolder(db, userName.trim()) : null;
      return f && u && f.ownerId === u.id ? { folder: f.name, messages: await messages.messageCount(db, f.id) } : null;
    });
  }

  importMessages(folder: string, metas: readonly MessageMeta[]): Promise<number> {
    return this.db.transaction(async (c, now) => {
      const f = await folders.findFolder(c, folder);
      if (!f) throw new UserError('notFound', `there is no archive folder named ${folder}`);
      await messages.insertMessages(c, now, f.id, metas);
      return messages.messageCount(c, f.id);
    });
  }

  latestMessages(folder: string, limit: number): Promise<ArchivedMessage[]> {
    return this.db.read(async (db) => {
      const f = await folders.findFolder(db, folder);
      return f ? messages.latestMessages(db, f.id, limit) : [];
    });
  }

  listRuns(limit = 200): Promise<SyncRun[]> {
    return this.db.read((db) => history.listRuns(db, limit));
  }

  runChanges(runId: number): Promise<Change[]> {
    return this.db.read((db) => history.runChanges(db, runId));
  }

  async lastRun(filter: RunFilter): Promise<SyncRun | null> {
    return (await this.db.read((db) => history.listRuns(db, 1, filter)))[0] ?? null;
  }

  recordRun(run: NewRun, changes: readonly Change[]): Promise<number> {
    // A test's history entry is written even by a read-only opening, as the embedded store does.
    return this.db.transaction((c) => history.insertRun(c, run, changes), 'BEGIN READ WRITE');
  }

  exportAll(): Promise<Dump> {
    return this.db.withClient(async (c) => {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        return await exportPg(c);
      } finally {
        await c.query('COMMIT');
      }
    });
  }

  importAll(dump: Dump): Promise<void> {
    return this.db.transaction((c) => importPg(c, dump));
  }

  counts(): Promise<DumpCounts> {
    return this.db.withClient((c) => countPg(c));
  }

  throttleStore(): ThrottleStore {
    this.throttle ??= pgThrottleStore(this.pool);
    return this.throttle;
  }

  loadSettingsDoc(): Promise<unknown> {
    return this.db.read(async (db) => {
      const r = await db.query<{ doc: string }>('SELECT doc::text AS doc FROM settings_doc WHERE id = 1');
      return r.rows[0] ? (JSON.parse(r.rows[0].doc) as unknown) : null;
    });
  }

  async saveSettingsDoc(doc: unknown): Promise<void> {
    // Explicitly READ WRITE: a read-only opening seeds the shared settings on first use too.
    await this.db.transaction(
      (c, now) =>
        c.query(
          `INSERT INTO settings_doc (id, doc, updated_at) VALUES (1, $1::jsonb, $2)
           ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at`,
          [JSON.stringify(doc), now],
        ),
      'BEGIN READ WRITE',
    );
  }
}

/** Lower-cased names of the folders without an owner. */
async function keptFolders(db: Pick<pg.ClientBase, 'query'>): Promise<Set<string>> {
  const r = await db.query<{ n: string }>('SELECT lower(name) AS n FROM folders WHERE owner_id IS NULL');
  return new Set(r.rows.map((row) => row.n));
}

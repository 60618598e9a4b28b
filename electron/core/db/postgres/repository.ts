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
import type { PoolClient } from 'pg';
import type { ArchiveFolder, ArchivedMessage, Change, SyncRun } from '../../../../shared/model';
import { UserError } from '../../../../shared/result';
import { verifyPassword } from '../../auth/passwords';
import { applyPlanPg } from './apply';
import { type PgTarget, isConnectionError, parsePgUrl, pgConfig, pgError } from './connect';
import { LOCK_SPACE, SCHEDULE_LOCK, SYNC_LOCK, checkPgSchema, migratePg } from './schema';
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
import { ADMIN_USER, busyError } from '../store-common';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The user database in PostgreSQL. */
/** The tables a synchronization changes, analysed in its transaction. */
const ANALYZED_TABLES = 'users, user_emails, user_privileges, folders, folder_access';

export class PgRepository implements ArchiveRepository {
  readonly keepsSettings = true;
  readonly warnings: readonly string[] = [];
  private throttle: ThrottleStore | null = null;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly target: PgTarget,
    private readonly opts: RepositoryOptions,
    private readonly config: pg.ClientConfig = {},
  ) {}

  /** Where it is, without password. */
  get location(): string {
    return this.target.display;
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
      if (opts.readOnly) await repo.withClient((c) => checkPgSchema(c, target.display));
      else await repo.withClient((c) => migratePg(c, repo.now()));
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

  /** Runs `fn` on one connection; a connection that broke is discarded, not returned to the pool. */
  private async withClient<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw pgError(err, this.target);
    }
    let broken: Error | undefined;
    // A checked-out connection the server drops emits 'error'; the query in flight fails too and
    // says so. Without a listener the event would end the process.
    const onError = (err: Error) => (broken = err);
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (err) {
      if (isConnectionError(err)) broken = err as Error;
      throw pgError(err, this.target);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** One transaction, all or nothing. */
  private async tx<T>(
    client: PoolClient,
    fn: (c: PoolClient, now: string) => Promise<T>,
    begin: 'BEGIN' | 'BEGIN READ WRITE' = 'BEGIN',
  ): Promise<T> {
    await client.query(begin);
    try {
      const result = await fn(client, this.now());
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  private transaction<T>(fn: (c: PoolClient, now: string) => Promise<T>): Promise<T> {
    return this.withClient((c) => this.tx(c, fn));
  }

  private async read<T>(fn: (db: pg.Pool) => Promise<T>): Promise<T> {
    try {
      return await fn(this.pool);
    } catch (err) {
      throw pgError(err, this.target);
    }
  }

  exclusive<T>(fn: (session: SyncSession) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await this.lock(client);
      try {
        return await fn({
          currentUsers: () => q.loadSummaries(client).catch((e: unknown) => Promise.reject(pgError(e, this.target))),
          keptFolderNames: () => keptFolders(client).catch((e: unknown) => Promise.reject(pgError(e, this.target))),
          apply: (input) =>
            this.tx(client, async (c, now) => {
              const applied = await applyPlanPg(c, now, input);
              const runId = await history.insertRun(c, input.run(), applied);
              // Statistics true as the data commits: right after a first sync the planner would
              // otherwise take the tables for empty until autovacuum's ANALYZE comes round.
              if (applied.some((ch) => ch.action === 'create' || ch.action === 'delete' || ch.action === 'update'))
                await c.query(`ANALYZE ${ANALYZED_TABLES}`);
              return { applied, runId };
            }),
          recordRun: (run, changes) => this.tx(client, (c) => history.insertRun(c, run, changes)),
        });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_SPACE, SYNC_LOCK]).catch(() => undefined);
      }
    });
  }

  runAlone(fn: () => Promise<void>): Promise<boolean> {
    return this.withClient(async (client) => {
      const r = await client
        .query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_SPACE, SCHEDULE_LOCK])
        .catch((e: unknown) => Promise.reject(pgError(e, this.target)));
      if (!r.rows[0]?.ok) return false;
      try {
        await fn();
        return true;
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_SPACE, SCHEDULE_LOCK]).catch(() => undefined);
      }
    });
  }

  /** Takes the synchronization lock, waiting up to the lock wait for another holder. */
  private async lock(client: PoolClient): Promise<void> {
    const waitMs = this.opts.lock?.waitMs ?? 5000;
    const pollMs = this.opts.lock?.pollMs ?? 50;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
        LOCK_SPACE,
        SYNC_LOCK,
      ]);
      if (r.rows[0]?.ok) return;
      if (Date.now() >= deadline) throw busyError();
      await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
    }
  }

  getUser(userName: string): Promise<UserRecord | null> {
    return this.read(async (db) => {
      const u = await q.findUser(db, userName.trim());
      return u ? ((await q.loadUsers(db, u.id))[0] ?? null) : null;
    });
  }

  getLogonUser(userName: string): Promise<LogonUser | null> {
    return this.read((db) => q.loadLogonUser(db, userName.trim()));
  }

  getAuthState(userName: string): Promise<AuthState | null> {
    return this.read((db) => pgAuthState(db, userName.trim()));
  }

  getAuthStates(ids: readonly number[]): Promise<AuthState[]> {
    return this.read((db) => pgAuthStates(db, ids));
  }

  listUsers(): Promise<UserRecord[]> {
    return this.read((db) => q.loadUsers(db));
  }

  /** `chunk`: users per part (tests use small ones). */
  async *listUsersJson(chunk?: number): AsyncGenerator<string> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw pgError(err, this.target);
    }
    try {
      for await (const part of q.usersListJson(client, chunk)) yield part;
    } catch (err) {
      throw pgError(err, this.target);
    } finally {
      client.release();
    }
  }

  usersPage(query: UsersPageQuery): Promise<UsersPage> {
    return this.read((db) => pgUsersPage(db, query));
  }

  currentUsers(): Promise<UserSummary[]> {
    return this.read((db) => q.loadSummaries(db));
  }

  keptFolderNames(): Promise<Set<string>> {
    return this.read((db) => keptFolders(db));
  }

  needsAdminPassword(): Promise<boolean> {
    return this.read(async (db) => (await q.findUser(db, ADMIN_USER))?.hash == null);
  }

  writeUsers(ask: UserAsk, decide: (facts: UserFacts) => readonly UserWrite[]): Promise<Released | null> {
    return this.transaction(async (c, now) => runWrites(c, now, decide(await readFacts(c, ask))));
  }

  async verifyPassword(userName: string, password: string): Promise<boolean> {
    const u = await this.read((db) => q.findUser(db, userName.trim()));
    return u && u.authentication === 'integrated' && u.hash !== null ? verifyPassword(u.hash, password) : false;
  }

  listFolders(): Promise<ArchiveFolder[]> {
    return this.read((db) => folders.listFolders(db));
  }

  folderOf(userName: string): Promise<{ folder: string; messages: number } | null> {
    return this.read(async (db) => {
      const u = await q.findUser(db, userName.trim());
      const f = u ? await folders.findFolder(db, userName.trim()) : null;
      return f && u && f.ownerId === u.id ? { folder: f.name, messages: await messages.messageCount(db, f.id) } : null;
    });
  }

  importMessages(folder: string, metas: readonly MessageMeta[]): Promise<number> {
    return this.transaction(async (c, now) => {
      const f = await folders.findFolder(c, folder);
      if (!f) throw new UserError('notFound', `there is no archive folder named ${folder}`);
      await messages.insertMessages(c, now, f.id, metas);
      return messages.messageCount(c, f.id);
    });
  }

  latestMessages(folder: string, limit: number): Promise<ArchivedMessage[]> {
    return this.read(async (db) => {
      const f = await folders.findFolder(db, folder);
      return f ? messages.latestMessages(db, f.id, limit) : [];
    });
  }

  listRuns(limit = 200): Promise<SyncRun[]> {
    return this.read((db) => history.listRuns(db, limit));
  }

  runChanges(runId: number): Promise<Change[]> {
    return this.read((db) => history.runChanges(db, runId));
  }

  async lastRun(filter: RunFilter): Promise<SyncRun | null> {
    return (await this.read((db) => history.listRuns(db, 1, filter)))[0] ?? null;
  }

  recordRun(run: NewRun, changes: readonly Change[]): Promise<number> {
    // A test's history entry is written even by a read-only opening, as the embedded store does.
    return this.withClient((client) => this.tx(client, (c) => history.insertRun(c, run, changes), 'BEGIN READ WRITE'));
  }

  exportAll(): Promise<Dump> {
    return this.withClient(async (c) => {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        return await exportPg(c);
      } finally {
        await c.query('COMMIT');
      }
    });
  }

  importAll(dump: Dump): Promise<void> {
    return this.transaction((c) => importPg(c, dump));
  }

  counts(): Promise<DumpCounts> {
    return this.withClient((c) => countPg(c));
  }

  throttleStore(): ThrottleStore {
    this.throttle ??= pgThrottleStore(this.pool);
    return this.throttle;
  }

  loadSettingsDoc(): Promise<unknown> {
    return this.read(async (db) => {
      const r = await db.query<{ doc: string }>('SELECT doc::text AS doc FROM settings_doc WHERE id = 1');
      return r.rows[0] ? (JSON.parse(r.rows[0].doc) as unknown) : null;
    });
  }

  async saveSettingsDoc(doc: unknown): Promise<void> {
    // Explicitly READ WRITE: a read-only opening seeds the shared settings on first use too.
    await this.withClient((client) =>
      this.tx(
        client,
        (c, now) =>
          c.query(
            `INSERT INTO settings_doc (id, doc, updated_at) VALUES (1, $1::jsonb, $2)
             ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at`,
            [JSON.stringify(doc), now],
          ),
        'BEGIN READ WRITE',
      ),
    );
  }
}

/** Lower-cased names of the folders without an owner. */
async function keptFolders(db: Pick<pg.ClientBase, 'query'>): Promise<Set<string>> {
  const r = await db.query<{ n: string }>('SELECT lower(name) AS n FROM folders WHERE owner_id IS NULL');
  return new Set(r.rows.map((row) => row.n));
}

/**
 * Both stores for parametrized suites: `describe.each(STORES)` and `useStore(kind)` give each
 * test a fresh database of that kind (a temp data directory; a new database on a private
 * PostgreSQL started once per file), so the same scenarios prove both stores.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../../../testing/servers/postgres';
import { type ArchiveRepository, type RepositoryOptions } from '../port';
import { openRepository } from '../open';
import { SqliteRepository } from '../sqlite/repository';

/** The store kinds a suite runs against. */
export const STORES = [{ kind: 'sqlite' as const }, { kind: 'postgres' as const }];

const unavailable = postgresUnavailable();
if (unavailable) console.error(`PostgreSQL suites are skipped: ${unavailable}`);

/** True when the kind cannot run here (PostgreSQL not installed); the reason is printed once. */
export function storeUnavailable(kind: 'sqlite' | 'postgres'): boolean {
  return storeMissing(kind) !== null;
}

/** Why the kind cannot run here, or null (for itIfAvailable). */
export function storeMissing(kind: 'sqlite' | 'postgres'): string | null {
  return kind === 'postgres' ? unavailable : null;
}

/** One test's database of a kind. */
export interface StoreHarness {
  /** The data directory of this test (both kinds have one: settings, log). */
  readonly dir: () => string;
  /** Options that open this test's database (the URL and password for PostgreSQL). */
  readonly options: (extra?: Partial<RepositoryOptions>) => RepositoryOptions;
  /** Opens this test's database. */
  readonly open: (extra?: Partial<RepositoryOptions>) => Promise<ArchiveRepository>;
  /** Runs raw SQL on it (written for both dialects: `?`-free statements only). */
  readonly exec: (sql: string) => Promise<void>;
  /** The PostgreSQL server (postgres kind only). */
  readonly server: () => PostgresServer | null;
}

/** Registers the hooks that give every test of the enclosing describe a fresh database. */
export function useStore(kind: 'sqlite' | 'postgres'): StoreHarness {
  let server: PostgresServer | null = null;
  let dir = '';
  let url: string | undefined;
  beforeAll(async () => {
    if (kind === 'postgres' && !unavailable) server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `mdsync-${kind}-`));
    url = server ? await server.createDatabase() : undefined;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const options = (extra: Partial<RepositoryOptions> = {}): RepositoryOptions => ({
    dataDir: dir,
    ...(url ? { databaseUrl: url, databasePassword: server?.password } : {}),
    ...extra,
  });
  return {
    dir: () => dir,
    options,
    open: (extra) => openRepository(options(extra)),
    server: () => server,
    exec: async (text) => {
      if (kind === 'sqlite') {
        const repo = await SqliteRepository.open({ dataDir: dir });
        try {
          await repo.transaction((sql) => sql.db.run(text));
        } finally {
          await repo.close();
        }
        return;
      }
      const u = new URL(url as string);
      const client = new pg.Client({
        host: u.hostname,
        port: Number(u.port),
        user: decodeURIComponent(u.username),
        database: u.pathname.slice(1),
        password: server?.password,
      });
      await client.connect();
      try {
        await client.query(text);
      } finally {
        await client.end();
      }
    },
  };
}

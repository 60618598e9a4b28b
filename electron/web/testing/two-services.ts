/**
 * Two `mdsync server` processes on one private PostgreSQL database (electron/testing/servers/postgres.ts), as
 * two archive servers behind one name: the hooks of a suite that starts them once, with the
 * first server's data directory prepared (admin and bob), and stops them after (both exit 0).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startPostgres, type PostgresServer } from '../../testing/servers/postgres';
import { prepareDataDir, startService, type ServiceProcess } from './service-process';

/** The two services of a suite (valid inside its tests). */
export interface TwoServices {
  readonly first: () => ServiceProcess;
  readonly second: () => ServiceProcess;
  /** Their data directories: the first's holds the prepared users' settings, the second's is empty. */
  readonly dirs: () => readonly string[];
}

/**
 * Registers beforeAll/afterAll: a PostgreSQL server, a database named `database`, and two
 * services on it. `beforeStart` runs once the database is chosen and the first data directory
 * prepared (the CLI reaches the same database), before the services start.
 */
export function useTwoServices(
  database: string,
  passwords: { admin: string; bob: string },
  beforeStart?: (firstDir: string) => void,
): TwoServices {
  let pg: PostgresServer | undefined;
  let first: ServiceProcess | undefined;
  let second: ServiceProcess | undefined;
  const dirs: string[] = [];

  beforeAll(async () => {
    pg = await startPostgres();
    // A test file runs in its own process: the CLI and both services inherit the choice.
    process.env.MDSYNC_DATABASE_URL = await pg.createDatabase(database);
    process.env.PGPASSWORD = pg.password;
    dirs.push(
      prepareDataDir(passwords.admin, passwords.bob),
      fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-service-')),
    );
    beforeStart?.(dirs[0]!);
    [first, second] = await Promise.all([startService(dirs[0]!), startService(dirs[1]!)]);
  }, 180_000);

  afterAll(async () => {
    const codes = await Promise.all([first?.stop('SIGTERM'), second?.stop('SIGTERM')]);
    await pg?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    expect(codes).toEqual([0, 0]);
  }, 120_000);

  return { first: () => first!, second: () => second!, dirs: () => dirs };
}

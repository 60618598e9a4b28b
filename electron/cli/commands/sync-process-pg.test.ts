/**
 * Process-level guarantees of `mdsync sync` on PostgreSQL: kill -9 of a 100,000-account first
 * synchronization leaves 1 user or 100,001, never a part; two processes never interleave (the
 * advisory lock); a server that goes away mid-run fails the run in one sentence with nothing
 * half-applied, and the next connection works once it is back. Real processes, a real server.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, expect, it } from 'vitest';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../../testing/servers/postgres';
import { openRepository } from '../../core/db/repository';
import { makeUserlist } from '../../core/mdaemon/testing/make-userlist';
import { describeIfAvailable } from '../../testing/servers/suite-needs';

const ROOT = path.resolve(__dirname, '../../..');
const MAIN = path.join(ROOT, 'electron', 'cli', 'main.ts');
const unavailable = postgresUnavailable();

describeIfAvailable('mdsync sync on PostgreSQL, as processes', unavailable, () => {
  let server: PostgresServer;
  let root: string;
  let appDir: string;
  let url: string;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => server?.stop());
  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-pgproc-'));
    appDir = path.join(root, 'app');
    fs.mkdirSync(appDir);
    url = await server.createDatabase();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function writeUserlist(count: number, label: string): void {
    const accounts = Array.from({ length: count }, (_, i) => ({
      domain: 'big.test',
      mailbox: `user${i}`,
      fullName: `${label} ${i}`,
    }));
    fs.writeFileSync(path.join(appDir, 'USERLIST.DAT'), makeUserlist(accounts, 'windows-1252'));
  }

  function sync(env: Record<string, string> = {}) {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'sync',
        '--data-dir',
        path.join(root, 'data'),
        '--app-dir',
        appDir,
        '--code-page',
        'windows-1252',
        '--progress',
        '--json',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, MDSYNC_DATABASE_URL: url, PGPASSWORD: server.password, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let stdout = '';
    const waiters: { re: RegExp; resolve: () => void }[] = [];
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      for (const w of [...waiters]) if (w.re.test(stderr)) w.resolve();
    });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>(
      (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr, stdout })),
    );
    return {
      exit,
      waitFor: (re: RegExp) =>
        new Promise<void>((resolve, reject) => {
          if (re.test(stderr)) return resolve();
          waiters.push({ re, resolve });
          void exit.then((r) => reject(new Error(`exited (${r.code ?? r.signal}) before ${re}: ${r.stderr}`)));
        }),
      kill: () => child.kill('SIGKILL'),
      pause: () => child.kill('SIGSTOP'),
      resume: () => child.kill('SIGCONT'),
    };
  }

  async function users(): Promise<{ count: number; labels: string[] }> {
    const repo = await openRepository({
      dataDir: path.join(root, 'data'),
      databaseUrl: url,
      databasePassword: server.password,
    });
    try {
      const all = (await repo.currentUsers()).filter((u) => u.userName !== 'admin');
      return { count: all.length + 1, labels: [...new Set(all.map((u) => u.fullName.split(' ')[0] ?? ''))] };
    } finally {
      await repo.close();
    }
  }

  for (const [when, trigger] of [
    ['as apply starts', /mdsync: apply 0\//],
    ['as apply finishes, before the commit', /mdsync: apply (\d+)\/\1\n/],
  ] as const) {
    it(`kill -9 of a 100,000-account first sync leaves 1 or 100,001 users (${when})`, async () => {
      writeUserlist(100_000, 'New');
      const child = sync();
      await child.waitFor(trigger);
      child.kill();
      const killed = await child.exit;
      if (when === 'as apply starts') expect(killed.signal).toBe('SIGKILL');
      const after = await users();
      expect([
        { count: 1, labels: [] },
        { count: 100_001, labels: ['New'] },
      ]).toContainEqual(after);
      // The dead process's advisory lock went with its connection: the next run completes.
      const next = await sync({ MDSYNC_LOCK_WAIT_MS: '0' }).exit;
      expect(next.code).toBe(0);
      expect(await users()).toEqual({ count: 100_001, labels: ['New'] });
    }, 300_000);
  }

  it('two syncs from two processes: one holding the lock makes the other fail busy; together they serialize', async () => {
    writeUserlist(8_000, 'Both');
    const a = sync();
    await a.waitFor(/mdsync: plan/); // the lock is taken once the App directory is read
    a.pause(); // frozen with the advisory lock held
    const b = await sync({ MDSYNC_LOCK_WAIT_MS: '0' }).exit;
    a.resume();
    expect(b).toMatchObject({ code: 1, stdout: '' });
    expect(b.stderr).toContain('mdsync sync: another synchronization is running\n');
    expect((await a.exit).code).toBe(0);
    writeUserlist(9_000, 'Both');
    const [c, d] = await Promise.all([
      sync({ MDSYNC_LOCK_WAIT_MS: '60000' }).exit,
      sync({ MDSYNC_LOCK_WAIT_MS: '60000' }).exit,
    ]);
    expect([c.code, d.code]).toEqual([0, 0]);
    const summaries = [c, d]
      .map((r) => (JSON.parse(r.stdout) as { summary: { create: number; unchanged: number } }).summary)
      .map((s) => [s.create, s.unchanged])
      .sort((x, y) => (y[0] ?? 0) - (x[0] ?? 0));
    expect(summaries).toEqual([
      [1_000, 8_000],
      [0, 9_000],
    ]);
  }, 180_000);

  it('PostgreSQL stopped during a sync: one sentence, exit 1, nothing applied; it works again once back', async () => {
    writeUserlist(20_000, 'Cut');
    const child = sync();
    await child.waitFor(/mdsync: apply 0\//);
    child.pause();
    await server.halt();
    child.resume();
    const r = await child.exit;
    await server.start();
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => !l.startsWith('mdsync: '))).toEqual([
      expect.stringMatching(
        /^mdsync sync: the user database is unavailable: the PostgreSQL database postgres:\/\/mdsync_test@127\.0\.0\.1:\d+\/\S+ is unreachable or went away \(.+\); nothing was changed$/,
      ),
      '',
    ]);
    expect(r.stderr).not.toContain(server.password);
    expect(await users()).toEqual({ count: 1, labels: [] });
    expect((await sync().exit).code).toBe(0);
    expect(await users()).toEqual({ count: 20_001, labels: ['Cut'] });
  }, 180_000);

  it('an open repository (the service) carries on once the database is back', async () => {
    const repo = await openRepository({
      dataDir: path.join(root, 'data'),
      databaseUrl: url,
      databasePassword: server.password,
    });
    try {
      expect((await repo.listUsers()).length).toBe(1);
      await server.halt();
      await expect(repo.listUsers()).rejects.toMatchObject({ code: 'unavailable' });
      await server.start();
      expect((await repo.listUsers()).length).toBe(1);
      await repo.createUser({ userName: 'after-restart' });
      expect((await repo.getUser('after-restart'))?.userName).toBe('after-restart');
    } finally {
      await repo.close();
    }
  }, 120_000);
});

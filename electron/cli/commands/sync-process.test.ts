/**
 * Process-level guarantees of `mdsync sync`, one scenario run on both stores: kill -9 at any moment
 * of the apply leaves the old state or the new one entirely, and the next run completes it; two
 * synchronizations never interleave (the lock file beside the SQLite file, PostgreSQL's advisory
 * lock). PostgreSQL adds a server that goes away mid-run: one sentence, nothing half-applied, and
 * the next connection works once it is back. Real child processes, real files, a real server.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { storeMissing, useStore } from '../../core/db/testing/stores';
import { itIfAvailable } from '../../testing/servers/suite-needs';
import { userRules } from '../../core/users/user-rules';
import { makeUserlist } from '../../core/mdaemon/testing/make-userlist';
import { dataFiles } from '../../core/paths';

const ROOT = path.resolve(__dirname, '../../..');
const MAIN = path.join(ROOT, 'electron', 'cli', 'main.ts');

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly stdout: string;
}

interface Child {
  readonly exit: Promise<Exit>;
  /** Resolves when stderr has printed a line matching `re`. */
  waitFor(re: RegExp): Promise<void>;
  kill(): void;
  /** Freezes (SIGSTOP) or resumes (SIGCONT) the process, to hold it inside a phase. */
  pause(): void;
  resume(): void;
}

/** `mdsync sync` as its own process (node itself, not the tsx wrapper: a SIGKILL must hit the writer). */
function spawnSync(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'sync', ...args, '--progress', '--json'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of [...waiters]) if (w.re.test(stderr)) w.resolve();
  });
  const exit = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr, stdout })),
  );
  return {
    exit,
    waitFor: (re) =>
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

/**
 * Each store's sizes: SQLite replaces 5,000 users by 15,000 (the whole file is rewritten at the
 * commit); PostgreSQL makes a 100,000-account first synchronization in one transaction.
 */
const CASES = [
  { kind: 'sqlite' as const, before: 5_000, after: 15_000 },
  { kind: 'postgres' as const, before: 0, after: 100_000 },
];

describe.each(CASES)('mdsync sync as processes on $kind', ({ kind, before, after }) => {
  const store = useStore(kind);
  let appDir: string;
  beforeEach(() => {
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-proc-app-'));
  });
  afterEach(() => fs.rmSync(appDir, { recursive: true, force: true }));

  function writeUserlist(count: number, label: string): void {
    const accounts = Array.from({ length: count }, (_, i) => ({
      domain: 'big.test',
      mailbox: `user${i}`,
      fullName: `${label} ${i}`,
    }));
    fs.writeFileSync(path.join(appDir, 'USERLIST.DAT'), makeUserlist(accounts, 'windows-1252'));
  }

  function sync(env: Record<string, string> = {}): Child {
    const { databaseUrl, databasePassword } = store.options();
    const db: Record<string, string> = databaseUrl
      ? { MDSYNC_DATABASE_URL: databaseUrl, PGPASSWORD: databasePassword ?? '' }
      : {};
    return spawnSync(['--data-dir', store.dir(), '--app-dir', appDir, '--code-page', 'windows-1252'], {
      ...db,
      ...env,
    });
  }

  /** The users besides admin and their full names' labels, read the way the app reads them. */
  async function state(): Promise<{ users: number; labels: string[]; warnings: readonly string[] }> {
    const repo = await store.open({ lock: { waitMs: 0 } });
    try {
      const users = (await repo.currentUsers()).filter((u) => u.userName !== 'admin');
      return {
        users: users.length,
        labels: [...new Set(users.map((u) => u.fullName.split(' ')[0] ?? ''))],
        warnings: repo.warnings,
      };
    } finally {
      await repo.close();
    }
  }

  const oldState = { users: before, labels: before > 0 ? ['Old'] : [], warnings: [] };
  const newState = { users: after, labels: ['New'], warnings: [] };

  // Killed as apply starts (in the middle of the transaction), and as it ends (before or during the commit).
  for (const [when, trigger] of [
    ['as apply starts', /mdsync: apply 0\//],
    ['as apply finishes', /mdsync: apply (\d+)\/\1\n/],
  ] as const) {
    itIfAvailable(
      `kill -9 leaves the old state or the new one entirely, readable (${when})`,
      storeMissing(kind),
      async () => {
        if (before > 0) {
          writeUserlist(before, 'Old');
          expect((await sync().exit).code).toBe(0);
        }
        expect(await state()).toEqual(oldState);

        writeUserlist(after, 'New');
        const child = sync();
        await child.waitFor(trigger);
        child.kill();
        const killed = await child.exit;
        // Killed as apply starts, it is surely killed; as apply ends, a fast machine may finish first.
        if (when === 'as apply starts') expect(killed.signal).toBe('SIGKILL');
        else expect(killed.signal === 'SIGKILL' || killed.code === 0).toBe(true);
        expect([oldState, newState]).toContainEqual(await state());

        // The dead writer's lock is taken over (the file's), or went with its connection (PostgreSQL's):
        // the next run, not willing to wait, completes the change.
        if (kind === 'sqlite') expect(fs.existsSync(dataFiles(store.dir()).lock)).toBe(true);
        expect((await sync({ MDSYNC_LOCK_WAIT_MS: '0' }).exit).code).toBe(0);
        expect(await state()).toEqual(newState);
        expect(fs.readdirSync(store.dir()).filter((n) => n.endsWith('.mdsync-tmp'))).toEqual([]);
      },
      300_000,
    );
  }

  itIfAvailable(
    'a second synchronization, not willing to wait, fails with "another synchronization is running"',
    storeMissing(kind),
    async () => {
      writeUserlist(20_000, 'One');
      const a = sync();
      await a.waitFor(/mdsync: plan/); // the lock is taken once the App directory is read
      a.pause(); // frozen with the lock held, whatever the machine's speed
      const b = await sync({ MDSYNC_LOCK_WAIT_MS: '0' }).exit;
      a.resume();
      expect(b).toMatchObject({ code: 1, stdout: '' });
      expect(b.stderr).toMatch(
        kind === 'sqlite'
          ? /mdsync sync: another synchronization is running \(the lock \S+archive\.lock is held by process \d+ since \S+\)\n/
          : /mdsync sync: another synchronization is running\n/,
      );
      expect((await a.exit).code).toBe(0);
      expect(await state()).toEqual({ users: 20_000, labels: ['One'], warnings: [] });
    },
    180_000,
  );

  itIfAvailable(
    'two synchronizations started together run one after the other and never interleave',
    storeMissing(kind),
    async () => {
      writeUserlist(8_000, 'Both');
      const [a, b] = await Promise.all([
        sync({ MDSYNC_LOCK_WAIT_MS: '60000' }).exit,
        sync({ MDSYNC_LOCK_WAIT_MS: '60000' }).exit,
      ]);
      expect([a.code, b.code]).toEqual([0, 0]);
      const summaries = [a, b]
        .map((r) => (JSON.parse(r.stdout) as { summary: { create: number; unchanged: number } }).summary)
        .sort((x, y) => y.create - x.create);
      expect(summaries).toEqual([
        { create: 8_000, update: 0, delete: 0, unchanged: 0, skip: 0, held: 0 },
        { create: 0, update: 0, delete: 0, unchanged: 8_000, skip: 0, held: 0 },
      ]);
      expect(await state()).toEqual({ users: 8_000, labels: ['Both'], warnings: [] });
    },
    180_000,
  );

  // What only a database server can do: go away in the middle of a run.
  if (kind === 'postgres') {
    itIfAvailable(
      'PostgreSQL stopped during a sync: one sentence, exit 1, nothing applied; it works again once back',
      storeMissing(kind),
      async () => {
        const server = store.server()!;
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
        expect(await state()).toEqual({ users: 0, labels: [], warnings: [] });
        expect((await sync().exit).code).toBe(0);
        expect(await state()).toEqual({ users: 20_000, labels: ['Cut'], warnings: [] });
      },
      180_000,
    );

    itIfAvailable(
      'an open repository (the service) carries on once the database is back',
      storeMissing(kind),
      async () => {
        const server = store.server()!;
        const repo = await store.open();
        try {
          expect((await repo.listUsers()).length).toBe(1);
          await server.halt();
          await expect(repo.listUsers()).rejects.toMatchObject({ code: 'unavailable' });
          await server.start();
          expect((await repo.listUsers()).length).toBe(1);
          await userRules(repo).createUser({ userName: 'after-restart' });
          expect((await repo.getUser('after-restart'))?.userName).toBe('after-restart');
        } finally {
          await repo.close();
        }
      },
      120_000,
    );
  }
});

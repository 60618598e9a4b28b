/**
 * Process-level guarantees of `mdsync sync`: kill -9 at any moment leaves the old or the new
 * state, and two synchronizations never interleave. Real child processes, real files.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRepository } from '../../core/db/sqlite/repository';
import { dataFiles } from '../../core/paths';
import { makeUserlist } from '../../core/mdaemon/testing/make-userlist';

const ROOT = path.resolve(__dirname, '../../..');
const MAIN = path.join(ROOT, 'electron', 'cli', 'main.ts');

let root: string;
let appDir: string;
let dataDir: string;

function writeUserlist(count: number, label: string): void {
  const accounts = Array.from({ length: count }, (_, i) => ({
    domain: 'big.test',
    mailbox: `user${i}`,
    fullName: `${label} ${i}`,
  }));
  fs.writeFileSync(path.join(appDir, 'USERLIST.DAT'), makeUserlist(accounts, 'windows-1252'));
}

interface Child {
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>;
  /** Resolves when stderr has printed a line matching `re`. */
  waitFor(re: RegExp): Promise<void>;
  kill(): void;
  /** Freezes (SIGSTOP) or resumes (SIGCONT) the process, to hold it inside a phase. */
  pause(): void;
  resume(): void;
}

function sync(env: Record<string, string> = {}): Child {
  // node itself, not the tsx wrapper: a SIGKILL must hit the process that writes.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      'sync',
      '--data-dir',
      dataDir,
      '--app-dir',
      appDir,
      '--code-page',
      'windows-1252',
      '--progress',
      '--json',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
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

/** The users and their full names' labels, read the way the app reads them. */
async function state(): Promise<{ users: number; labels: string[]; warnings: readonly string[] }> {
  const repo = await SqliteRepository.open({ dataDir, lock: { waitMs: 0 } });
  try {
    const users = (await repo.listUsers()).filter((u) => u.userName !== 'admin');
    return {
      users: users.length,
      labels: [...new Set(users.map((u) => u.fullName.split(' ')[0] ?? ''))],
      warnings: repo.warnings,
    };
  } finally {
    await repo.close();
  }
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-proc-'));
  appDir = path.join(root, 'app');
  dataDir = path.join(root, 'data');
  fs.mkdirSync(appDir);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('kill -9 during a synchronization', () => {
  // Killed as apply starts (in the middle of the transaction), and as it ends (commit, export, write).
  for (const [when, trigger] of [
    ['as apply starts', /mdsync: apply 0\//],
    ['as apply finishes', /mdsync: apply (\d+)\/\1\n/],
  ] as const) {
    it(`leaves the old state or the new one entirely, readable (${when})`, async () => {
      writeUserlist(5_000, 'Old');
      const first = await sync().exit;
      expect(first.code).toBe(0);
      expect(await state()).toEqual({ users: 5_000, labels: ['Old'], warnings: [] });

      writeUserlist(15_000, 'New');
      const child = sync();
      await child.waitFor(trigger);
      child.kill();
      const killed = await child.exit;
      // Killed as apply starts, it is surely killed; as apply ends, a fast machine may finish first.
      if (when === 'as apply starts') expect(killed.signal).toBe('SIGKILL');
      else expect(killed.signal === 'SIGKILL' || killed.code === 0).toBe(true);

      const after = await state();
      expect([
        { users: 5_000, labels: ['Old'], warnings: [] },
        { users: 15_000, labels: ['New'], warnings: [] },
      ]).toContainEqual(after);
      // The dead writer's lock is taken over; the next run completes the change.
      expect(fs.existsSync(dataFiles(dataDir).lock)).toBe(true);
      const next = await sync().exit;
      expect(next.code).toBe(0);
      expect(await state()).toEqual({ users: 15_000, labels: ['New'], warnings: [] });
      expect(fs.readdirSync(dataDir).filter((n) => n.endsWith('.mdsync-tmp'))).toEqual([]);
    }, 120_000);
  }
});

describe('two synchronizations at once', () => {
  it('the second one, not willing to wait, fails with "another synchronization is running"', async () => {
    writeUserlist(20_000, 'One');
    const a = sync();
    await a.waitFor(/mdsync: plan/); // the lock is taken once the App directory is read
    a.pause(); // frozen with the lock held, whatever the machine's speed
    const b = await sync({ MDSYNC_LOCK_WAIT_MS: '0' }).exit;
    a.resume();
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(
      /mdsync sync: another synchronization is running \(the lock \S+archive\.lock is held by process \d+ since \S+\)\n/,
    );
    expect(b.stdout).toBe('');
    expect((await a.exit).code).toBe(0);
    expect(await state()).toEqual({ users: 20_000, labels: ['One'], warnings: [] });
  }, 120_000);

  it('started together, they run one after the other and never interleave', async () => {
    writeUserlist(8_000, 'Both');
    const [a, b] = await Promise.all([
      sync({ MDSYNC_LOCK_WAIT_MS: '60000' }).exit,
      sync({ MDSYNC_LOCK_WAIT_MS: '60000' }).exit,
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const creates = [a, b]
      .map((r) => (JSON.parse(r.stdout) as { summary: { create: number; unchanged: number } }).summary)
      .sort((x, y) => y.create - x.create);
    expect(creates).toEqual([
      { create: 8_000, update: 0, delete: 0, unchanged: 0, skip: 0, held: 0 },
      { create: 0, update: 0, delete: 0, unchanged: 8_000, skip: 0, held: 0 },
    ]);
    expect(await state()).toEqual({ users: 8_000, labels: ['Both'], warnings: [] });
  }, 120_000);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImapSettings } from '../../../shared/settings';
import { defaultSettings } from '../../../shared/settings';
import { createCheckPool, defaultPoolSize } from './check-pool';

// Stand-in workers speaking the pool's protocol (the real one, dist/imap-worker.cjs, runs in the
// service's integration tests): user "slow" answers after 150 ms, "crash" kills the worker,
// anyone else is answered at once; every answer names the worker's thread.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-pool-'));
const echo = path.join(dir, 'echo.cjs');
fs.writeFileSync(
  echo,
  `const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.user === 'crash') process.exit(3);
  const answer = () => parentPort.postMessage({ id: m.id, result: { ok: m.password === 'right', error: { code: 'auth', message: 'thread ' + threadId + ' ' + m.user + ' ' + m.settings.host }, ms: 0 } });
  if (m.user === 'slow') setTimeout(answer, 150); else answer();
});
parentPort.postMessage({ ready: true });
`,
);
const broken = path.join(dir, 'broken.cjs');
fs.writeFileSync(broken, `throw new Error('cannot load');\n`);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const settings: ImapSettings = { ...defaultSettings().imap, host: 'mail.test' };
const thread = (r: { error?: { message: string } }) => /thread (\d+)/.exec(r.error?.message ?? '')?.[1];

describe('the pool of IMAP check workers', () => {
  it('has one worker where there is a second core, none on a single core', () => {
    expect(defaultPoolSize(1)).toBe(0);
    expect(defaultPoolSize(2)).toBe(1);
    expect(defaultPoolSize(64)).toBe(1);
  });

  it('answers each check with its own result and gives concurrent checks to the least busy worker', async () => {
    const pool = createCheckPool({ script: echo, size: 2 });
    try {
      const [a, b, c] = await Promise.all([
        pool.check(settings, 'slow', 'right'),
        pool.check(settings, 'slow', 'wrong'),
        pool.check(settings, 'anna', 'right'),
      ]);
      expect(a).toMatchObject({ ok: true, error: { message: expect.stringContaining('slow mail.test') } });
      expect(b).toMatchObject({ ok: false });
      expect(c).toMatchObject({ ok: true, error: { message: expect.stringContaining('anna mail.test') } });
      // The two slow checks ran side by side, one per worker.
      expect(thread(a)).not.toBe(thread(b));
    } finally {
      await pool.close();
    }
  });

  it('a worker that dies fails only its own checks, says so in one line, and is replaced', async () => {
    const problems: string[] = [];
    const pool = createCheckPool({ script: echo, size: 1, onProblem: (m) => problems.push(m) });
    try {
      await pool.check(settings, 'anna', 'right'); // the worker is ready
      const crashed = await pool.check(settings, 'crash', 'secret-pw');
      expect(crashed).toEqual({
        ok: false,
        error: { code: 'network', message: 'the IMAP check stopped unexpectedly' },
        ms: 0,
      });
      expect(problems).toEqual(['IMAP check worker stopped (exit 3); a new one starts with the next check']);
      expect(await pool.check(settings, 'bob', 'right')).toMatchObject({ ok: true });
      expect(problems.join('\n')).not.toContain('secret-pw');
    } finally {
      await pool.close();
    }
  });

  it('checks given to workers that cannot start run on this thread instead, and then all do', async () => {
    const problems: string[] = [];
    const here: string[] = [];
    const pool = createCheckPool({
      script: broken,
      size: 1,
      onProblem: (m) => problems.push(m),
      fallback: (_s, user) => {
        here.push(user);
        return Promise.resolve({ ok: true, ms: 1 });
      },
    });
    try {
      for (const user of ['u1', 'u2', 'u3'])
        expect(await pool.check(settings, user, 'pw')).toEqual({ ok: true, ms: 1 });
      expect(here).toEqual(['u1', 'u2', 'u3']);
      expect(problems.filter((m) => m.includes('checked on the main thread'))).toHaveLength(1);
      const before = problems.length;
      expect(await pool.check(settings, 'u4', 'pw')).toEqual({ ok: true, ms: 1 });
      expect(here).toContain('u4');
      expect(problems).toHaveLength(before); // no more workers tried
    } finally {
      await pool.close();
    }
  });

  it('closing answers running checks as failed and refuses new ones', async () => {
    const pool = createCheckPool({ script: echo, size: 1 });
    const running = pool.check(settings, 'slow', 'right');
    await new Promise((r) => setTimeout(r, 30));
    await pool.close();
    expect(await running).toMatchObject({ ok: false, error: { code: 'network', message: 'the service is stopping' } });
    expect(await pool.check(settings, 'anna', 'right')).toMatchObject({
      ok: false,
      error: { message: 'the service is stopping' },
    });
  });
});

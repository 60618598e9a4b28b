import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentRange, takeSecretFromEnv } from './secret-env';
import { itIfAvailable, linuxMissing } from '../testing/servers/suite-needs';

const MODULE = path.join(__dirname, 'secret-env.ts');
const SECRET = 'Share-Pass-1 kept from environ';

/**
 * Runs node with SECRET in its initial environment, takes it with `takeSecretFromEnv`, and hands
 * back what the kernel then shows in /proc/PID/environ (read from outside, like another process of
 * the same user would) together with what the child said.
 */
async function environOfChildThatTookIt(): Promise<{ environ: string; said: { value: string; gone: boolean } }> {
  const script = `
    const { takeSecretFromEnv } = require(${JSON.stringify(MODULE)});
    const taken = takeSecretFromEnv(process.env, 'MDSYNC_TEST_SECRET');
    process.stdout.write(JSON.stringify({ ...taken, left: process.env.MDSYNC_TEST_SECRET ?? null }) + '\\n');
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    env: { ...process.env, MDSYNC_TEST_SECRET: SECRET, MDSYNC_OTHER: 'stays' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before it answered`)));
  });
  const environ = fs.readFileSync(`/proc/${child.pid}/environ`, 'latin1');
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  return { environ, said: JSON.parse(line) };
}

describe('takeSecretFromEnv', () => {
  itIfAvailable(
    'leaves no copy in /proc/PID/environ, and the other variables as they were',
    linuxMissing(),
    async () => {
      const { environ, said } = await environOfChildThatTookIt();
      expect(said).toEqual({ value: SECRET, gone: true, left: null });
      expect(environ).not.toContain(SECRET);
      expect(environ).not.toContain('MDSYNC_TEST_SECRET=');
      expect(environ.split('\0')).toContain('MDSYNC_OTHER=stays');
    },
    30_000,
  );

  it('only reads and deletes a plain object that is not the process environment', () => {
    const env: Record<string, string | undefined> = { MDSYNC_X: 'pw', OTHER: 'o' };
    expect(takeSecretFromEnv(env, 'MDSYNC_X')).toEqual({ value: 'pw', gone: true });
    expect(env).toEqual({ OTHER: 'o' });
    expect(takeSecretFromEnv(env, 'MDSYNC_X')).toEqual({ value: undefined, gone: true });
  });

  it('says the copy is not gone where the kernel copy cannot be cleared', () => {
    process.env.MDSYNC_TEST_ELSEWHERE = 'pw';
    expect(takeSecretFromEnv(process.env, 'MDSYNC_TEST_ELSEWHERE', 'darwin')).toEqual({ value: 'pw', gone: false });
    expect(process.env.MDSYNC_TEST_ELSEWHERE).toBeUndefined();
    process.env.MDSYNC_TEST_BROKEN = 'pw';
    const missing = { stat: '/nonexistent/stat', mem: '/nonexistent/mem', environ: '/nonexistent/environ' };
    expect(takeSecretFromEnv(process.env, 'MDSYNC_TEST_BROKEN', 'linux', missing)).toEqual({
      value: 'pw',
      gone: false,
    });
    expect(process.env.MDSYNC_TEST_BROKEN).toBeUndefined();
  });
});

describe('environmentRange', () => {
  /** A /proc/PID/stat line: fields 3..52, with env_start and env_end at fields 50 and 51. */
  function stat(comm: string, envStart: number, envEnd: number): string {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[50 - 3] = String(envStart);
    fields[51 - 3] = String(envEnd);
    return `4242 (${comm}) ${fields.join(' ')}\n`;
  }

  it('reads fields 50 and 51, whatever the command name holds', () => {
    expect(environmentRange(stat('node', 140_000_000_000_000, 140_000_000_004_096))).toEqual({
      start: 140_000_000_000_000,
      end: 140_000_000_004_096,
    });
    expect(environmentRange(stat('a b) (c', 1000, 2000))).toEqual({ start: 1000, end: 2000 });
  });

  it('refuses a line without a sound range', () => {
    expect(() => environmentRange(stat('node', 2000, 1000))).toThrow(/no environment range/);
    expect(() => environmentRange('4242 (node) R 1 2')).toThrow(/no environment range/);
  });

  itIfAvailable('finds a range in this process', linuxMissing(), () => {
    const { start, end } = environmentRange(fs.readFileSync('/proc/self/stat', 'latin1'));
    expect(end - start).toBe(fs.readFileSync('/proc/self/environ').length);
  });
});

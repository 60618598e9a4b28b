/**
 * Smoke test of the Samba fixture itself: starts, serves files to smbclient, stops by PID.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPortOpen } from './free-port';
import { policyLines, startSamba, writeShareFiles } from './samba';

function smbclient(args: string[], password: string, user: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    // The password goes in through the environment (PASSWD), not the command line.
    execFile(
      '/usr/bin/smbclient',
      [...args, '-U', user],
      { env: { ...process.env, PASSWD: password }, timeout: 15_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Samba fixture', () => {
  it('starts on 127.0.0.1, serves the files to smbclient, and stops by PID', async () => {
    const t0 = performance.now();
    const samba = await startSamba({ files: { 'App/USERLIST.DAT': 'x'.repeat(237), 'App/Groups.dat': '[Sales]\r\n' } });
    const startMs = performance.now() - t0;
    try {
      expect(samba.host).toBe('127.0.0.1');
      expect(alive(samba.pid)).toBe(true);
      expect(await isPortOpen(samba.port)).toBe(true);
      expect(samba.uncPath('App')).toBe(`\\\\127.0.0.1:${samba.port}\\${samba.share}\\App`);
      const conf = await readFile(join(samba.shareDir, '..', 'smb.conf'), 'utf8');
      expect(conf).toMatch(/interfaces = 127\.0\.0\.1/);
      expect(conf).toMatch(/bind interfaces only = yes/);
      expect(conf).toMatch(/aio read size = 0/);
      expect(conf).not.toContain(samba.password);

      const target = `//127.0.0.1/${samba.share}`;
      const listed = await smbclient([target, '-p', String(samba.port), '-c', 'ls App\\*'], samba.password, samba.user);
      expect(listed.code, listed.out).toBe(0);
      expect(listed.out).toContain('USERLIST.DAT');
      expect(listed.out).toContain('Groups.dat');

      await samba.writeFiles({ 'App/Alias.dat': 'a@x = b@x\r\n' });
      const after = await smbclient([target, '-p', String(samba.port), '-c', 'ls App\\*'], samba.password, samba.user);
      expect(after.out).toContain('Alias.dat');

      const refused = await smbclient([target, '-p', String(samba.port), '-c', 'ls'], 'wrong-password', samba.user);
      expect(refused.code).not.toBe(0);
      expect(refused.out).toContain('NT_STATUS_LOGON_FAILURE');
    } finally {
      const t1 = performance.now();
      await samba.stop();
      process.stdout.write(
        `[measure] Samba fixture: start ${startMs.toFixed(0)} ms, stop ${(performance.now() - t1).toFixed(0)} ms\n`,
      );
    }
    expect(alive(samba.pid)).toBe(false);
    expect(await isPortOpen(samba.port)).toBe(false);
    expect(existsSync(samba.shareDir)).toBe(false);
    await samba.stop(); // idempotent
  });

  it('applies a security policy: signing required, SMB 3.1.1 only, share encrypted', async () => {
    expect(policyLines()).toEqual({ global: '', share: '' });
    const samba = await startSamba({
      files: { 'App/USERLIST.DAT': 'x'.repeat(237) },
      policy: { signing: 'mandatory', minProtocol: 'SMB3_11', encrypt: 'required' },
    });
    try {
      const conf = await readFile(join(samba.shareDir, '..', 'smb.conf'), 'utf8');
      expect(conf).toMatch(/\[global\][^[]*server signing = mandatory\n {2}server min protocol = SMB3_11\n\[/u);
      expect(conf).toMatch(/\[mdapp\][^[]*server smb encrypt = required\n$/u);
      const target = `//127.0.0.1/${samba.share}`;
      const port = ['-p', String(samba.port)];
      const ok = await smbclient([target, ...port, '-c', 'ls App\\*'], samba.password, samba.user);
      expect(ok.code, ok.out).toBe(0);
      expect(ok.out).toContain('USERLIST.DAT');
      // A client held to SMB 2.1 finds no common dialect.
      const old = await smbclient(
        [target, ...port, '--option=client max protocol=SMB2_10', '-c', 'ls'],
        samba.password,
        samba.user,
      );
      expect(old.code).not.toBe(0);
      expect(old.out).toMatch(
        /NT_STATUS_(INVALID_NETWORK_RESPONSE|CONNECTION_RESET|CONNECTION_DISCONNECTED|NOT_SUPPORTED)/u,
      );
    } finally {
      await samba.stop();
    }
  });

  it('refuses share paths that leave the share folder', async () => {
    await expect(writeShareFiles('/nonexistent-share', { '../evil': 'x' })).rejects.toThrow(/inside the share/);
    await expect(writeShareFiles('/nonexistent-share', { '/etc/evil': 'x' })).rejects.toThrow(/inside the share/);
  });
});

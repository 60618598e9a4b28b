import { existsSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './dovecot';
import { startSilentServer } from './silent-server';

/** Talks raw IMAP: sends each command after the previous tagged answer, returns the transcript. */
function converse(port: number, commands: Buffer[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let transcript = '';
    let next = 0;
    let waitingFor = '* OK';
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`no answer; transcript so far: ${transcript}`));
    });
    socket.on('data', (chunk) => {
      transcript += chunk.toString('utf8');
      const lines = transcript.split('\r\n');
      if (!lines.some((l) => l.startsWith(waitingFor))) return;
      const command = commands[next];
      if (!command) return socket.end();
      waitingFor = `t${next} `;
      next += 1;
      socket.write(command);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(transcript));
  });
}

function login(tag: string, user: string, password: string): Buffer {
  const pw = Buffer.from(password, 'utf8');
  return Buffer.concat([Buffer.from(`${tag} LOGIN "${user}" {${pw.length}+}\r\n`), pw, Buffer.from('\r\n')]);
}

describe('startDovecot', () => {
  let server: DovecotServer;
  const special = 'sp ace "quote" back\\slash Grüße: ok';

  beforeAll(async () => {
    server = await startDovecot({
      users: [{ email: 'frank@example.com', password: special }],
      loginDisabledForwarder: true,
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves IMAP with STARTTLS and logs users in, special characters included', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(server.certPem).toContain('BEGIN CERTIFICATE');
    const ok = await converse(server.imapPort, [
      Buffer.from('t0 CAPABILITY\r\n'),
      login('t1', 'frank@example.com', special),
      Buffer.from('t2 LOGOUT\r\n'),
    ]);
    expect(ok).toMatch(/STARTTLS/);
    expect(ok).toMatch(/^t1 OK/m);
    const bad = await converse(server.imapPort, [
      login('t0', 'frank@example.com', 'wrong'),
      Buffer.from('t1 LOGOUT\r\n'),
    ]);
    expect(bad).toMatch(/^t0 NO \[AUTHENTICATIONFAILED\]/m);
  });

  it('adds users while running', async () => {
    await server.addUser('anna@example.com', 'new:pass');
    const ok = await converse(server.imapPort, [
      login('t0', 'anna@example.com', 'new:pass'),
      Buffer.from('t1 LOGOUT\r\n'),
    ]);
    expect(ok).toMatch(/^t0 OK/m);
  });

  it('advertises LOGINDISABLED through the forwarder, and refuses LOGIN there', async () => {
    const port = server.loginDisabled?.port;
    expect(port).toBeGreaterThan(0);
    const t = await converse(port!, [
      Buffer.from('t0 CAPABILITY\r\n'),
      login('t1', 'frank@example.com', special),
      Buffer.from('t2 LOGOUT\r\n'),
    ]);
    expect(t).toMatch(/LOGINDISABLED/);
    expect(t).toMatch(/^t1 NO/m);
  });

  it('serves implicit TLS on imapsPort', async () => {
    const greeting = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port: server.imapsPort, rejectUnauthorized: false }, () => {
        expect(s.getPeerCertificate().fingerprint256).toBe(server.fingerprint256);
      });
      s.once('data', (d: Buffer) => {
        s.destroy();
        resolve(d.toString('utf8'));
      });
      s.once('error', reject);
    });
    expect(greeting).toMatch(/^\* OK/);
  });

  it('stops: the process goes, the port closes, the directory is removed', async () => {
    const other = await startDovecot({ users: [] });
    await other.stop();
    expect(existsSync(other.dir)).toBe(false);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: other.imapPort });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    expect(open).toBe(false);
  });
});

describe('startSilentServer', () => {
  it('accepts and never answers', async () => {
    const silent = await startSilentServer();
    const got = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: silent.port });
      let data = '';
      s.on('data', (d) => (data += d.toString()));
      setTimeout(() => (s.destroy(), resolve(data)), 300);
    });
    expect(got).toBe('');
    expect(silent.accepted()).toBe(1);
    await silent.stop();
  });
});

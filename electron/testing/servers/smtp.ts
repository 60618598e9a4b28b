/**
 * A private SMTP server on 127.0.0.1 for tests: Debian's aiosmtpd (`python3 -m aiosmtpd`, package
 * python3-aiosmtpd) delivering into a Maildir, plain, with STARTTLS, or over implicit TLS (SMTPS,
 * the "SSL" choice) with a fresh self-signed certificate. The messages it received are read back
 * from the Maildir.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { selfSignedCertificate } from './self-signed';
import { freePort } from './free-port';

const PYTHON = '/usr/bin/python3';

/** Why the SMTP server cannot run here, or null. */
export function smtpUnavailable(): string | null {
  try {
    execFileSync(PYTHON, ['-c', 'import aiosmtpd'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'aiosmtpd is not installed (apt-get install python3-aiosmtpd)';
  }
}

/** A running SMTP server. */
export interface SmtpServer {
  readonly port: number;
  /** The certificate's SHA-256 fingerprint (AB:CD:… form), when started with STARTTLS or SMTPS. */
  readonly fingerprint256: string | null;
  /** The raw messages received so far. */
  messages(): string[];
  stop(): Promise<void>;
}

/**
 * aiosmtpd requiring a logon (AUTH PLAIN/LOGIN without TLS): its command line has no authenticator,
 * so a few lines of Python start its Controller; the user and password come in the environment.
 */
const AUTH_SERVER = `
import os, signal, sys
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult
def check(server, session, envelope, mechanism, data):
    ok = data.login.decode() == os.environ['SMTP_USER'] and data.password.decode() == os.environ['SMTP_PASSWORD']
    return AuthResult(success=ok, handled=False)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
c = Controller(Mailbox(sys.argv[2]), hostname='127.0.0.1', port=int(sys.argv[1]), authenticator=check,
               auth_required=True, auth_require_tls=False)
c.start()
signal.sigwait({signal.SIGTERM, signal.SIGINT})
c.stop()
`;

/**
 * Starts aiosmtpd on a free port; `starttls` offers STARTTLS with a self-signed certificate, `smtps`
 * speaks TLS from the first byte with one (implicit TLS, as on port 465), `auth` requires a logon
 * with this user and password (plain connections only).
 */
export async function startSmtp(
  opts: { starttls?: boolean; smtps?: boolean; auth?: { user: string; password: string } } = {},
): Promise<SmtpServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-smtp-'));
  const maildir = path.join(dir, 'Maildir');
  const port = await freePort();
  const args = ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox'];
  let fingerprint256: string | null = null;
  if (opts.starttls || opts.smtps) {
    const { cert, key, fingerprint256: fp } = selfSignedCertificate(dir);
    fingerprint256 = fp;
    if (opts.smtps) args.push('--smtpscert', cert, '--smtpskey', key);
    else args.push('--tlscert', cert, '--tlskey', key, '--no-requiretls');
  }
  args.push(maildir);
  const child: ChildProcess = opts.auth
    ? spawn(PYTHON, ['-c', AUTH_SERVER, String(port), maildir], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, SMTP_USER: opts.auth.user, SMTP_PASSWORD: opts.auth.password },
      })
    : spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await answers(port, opts.smtps === true))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`aiosmtpd did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    fingerprint256,
    messages() {
      const files: string[] = [];
      for (const sub of ['new', 'cur']) {
        const d = path.join(maildir, sub);
        if (fs.existsSync(d))
          for (const f of fs.readdirSync(d).sort()) files.push(fs.readFileSync(path.join(d, f), 'utf8'));
      }
      return files;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether the server greets on `port` (over TLS when `secure`; the test certificate is not checked here). */
function answers(port: number, secure: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const s = secure
      ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : net.connect(port, '127.0.0.1');
    s.once('data', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

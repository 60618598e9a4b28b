/**
 * A private Dovecot IMAP server on 127.0.0.1, standing in for MDaemon's IMAP server in tests.
 *
 * Follows docs/architecture.md, "The test servers": a private temp directory (0755, so the dovecot user can reach
 * it), a short base_dir for unix sockets, a fresh self-signed certificate, free ports, started
 * with `dovecot -F` and stopped by PID. Passwords are stored as {PLAIN.BASE64}, so any character
 * (':', spaces, quotes, backslashes, umlauts) survives the passwd-file format and no password is
 * ever put on a command line.
 *
 * With `loginDisabledForwarder`, connections that arrive from 127.0.0.2 get
 * `disable_plaintext_auth = yes` (a `remote` block in the same instance), and a small Node TCP
 * forwarder on 127.0.0.1 dials Dovecot from 127.0.0.2: through it the server advertises
 * LOGINDISABLED and refuses plaintext logins, as a production server reached over a network would.
 * Dovecot itself treats 127.0.0.1 -> 127.0.0.1 as secure, so without the forwarder it never does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port';
import { selfSignedCertificate } from './self-signed';

/** A mail user of the test server. */
export interface DovecotUser {
  email: string;
  password: string;
}

/** Options of {@link startDovecot}. */
export interface DovecotOptions {
  users: DovecotUser[];
  /** Also start the forwarder through which the server advertises LOGINDISABLED. */
  loginDisabledForwarder?: boolean;
  /** The dovecot binary; default /usr/sbin/dovecot. */
  binary?: string;
  /**
   * Dovecot's documented high-performance mode, as a server meant for many logons is set up: login
   * and imap processes are kept and reused (service_count = 0) instead of one process forked per
   * connection, which caps this machine at about 30 logons/s whatever the client. For benchmarks.
   */
  performance?: boolean;
}

/** A running Dovecot. */
export interface DovecotServer {
  readonly host: '127.0.0.1';
  /** IMAP with STARTTLS offered. */
  readonly imapPort: number;
  /** IMAP over TLS from the first byte. */
  readonly imapsPort: number;
  /** The server's self-signed certificate (CN=localhost, SAN localhost and 127.0.0.1). */
  readonly certPem: string;
  /** Its SHA-256 fingerprint in Node's `AB:CD:…` form. */
  readonly fingerprint256: string;
  /** The private directory (config, log, mail). */
  readonly dir: string;
  /** Present with `loginDisabledForwarder`: a plain IMAP port that advertises LOGINDISABLED. */
  readonly loginDisabled?: { port: number };
  /** The master process's id (its children do the work), for benchmarks that count CPU time. */
  readonly pid: number;
  /** Adds a user; resolves once Dovecot will see it (it re-checks the file at most once a second). */
  addUser(email: string, password: string): Promise<void>;
  /** Dovecot's log so far, for failing tests' messages. */
  log(): Promise<string>;
  /** Stops the server (SIGTERM, SIGKILL after 5 s), the forwarder, and removes the directory. */
  stop(): Promise<void>;
}

function userLine(email: string, password: string): string {
  if (/[:\r\n\0]/.test(email)) throw new Error(`unusable test user name: ${JSON.stringify(email)}`);
  return `${email}:{PLAIN.BASE64}${Buffer.from(password, 'utf8').toString('base64')}::::::\n`;
}

const PERFORMANCE = `service imap-login {
  service_count = 0
  process_min_avail = 2
  client_limit = 1000
}
service imap {
  service_count = 0
  process_min_avail = 4
  client_limit = 100
}
`;

function config(
  dir: string,
  runDir: string,
  imapPort: number,
  imapsPort: number,
  loginDisabled: boolean,
  performance: boolean,
): string {
  return `base_dir = ${runDir}
state_dir = ${dir}/state
instance_name = mdsync-test-${process.pid}-${imapPort}
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:${dir}/mail/%d/%n
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imapsPort}
    ssl = yes
  }
}
${performance ? PERFORMANCE : ''}service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
  default_fields = uid=nobody gid=nogroup home=${dir}/mail/%d/%n
}
${loginDisabled ? 'remote 127.0.0.2 {\n  disable_plaintext_auth = yes\n}\n' : ''}`;
}

/** Waits until the port answers with an IMAP greeting, or the process exits, or 10 s pass. */
async function waitForGreeting(port: number, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      throw new Error(`dovecot exited (${child.exitCode ?? child.signalCode}): ${log.slice(-2000)}`);
    }
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('data', (chunk) => done(chunk.toString('latin1').startsWith('* OK')));
      socket.once('error', () => done(false));
    });
    if (greeted) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not answer on 127.0.0.1:${port} within 10 s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A TCP forwarder 127.0.0.1:<free> -> 127.0.0.1:target, dialling from 127.0.0.2. */
async function startForwarder(targetPort: number): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host: '127.0.0.1', port: targetPort, localAddress: '127.0.0.2' });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('forwarder has no port');
  return {
    port: address.port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts a private Dovecot with the given users; call `stop()` when done. */
export async function startDovecot(opts: DovecotOptions): Promise<DovecotServer> {
  const dir = await mkdtemp('/tmp/dv-');
  const runDir = join(dir, 'run');
  const logPath = join(dir, 'dovecot.log');
  let child: ChildProcess | null = null;
  let forwarder: { port: number; stop(): Promise<void> } | null = null;
  const killOnExit = () => child?.kill('SIGKILL');
  try {
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'state'));
    await mkdir(join(dir, 'mail'));
    await chown(join(dir, 'mail'), 65534, 65534).catch(() => undefined);
    const { cert, fingerprint256 } = selfSignedCertificate(dir);
    const certPem = await readFile(cert, 'utf8');
    await writeFile(join(dir, 'users'), opts.users.map((u) => userLine(u.email, u.password)).join(''), { mode: 0o644 });
    const confPath = join(dir, 'dovecot.conf');
    let imapPort = 0;
    let imapsPort = 0;
    // A free port can be taken between the probe and Dovecot's bind: retry with new ports then.
    for (let attempt = 1; ; attempt++) {
      [imapPort, imapsPort] = [await freePort(), await freePort()];
      await writeFile(
        confPath,
        config(dir, runDir, imapPort, imapsPort, !!opts.loginDisabledForwarder, !!opts.performance),
      );
      await writeFile(logPath, '');
      await rm(runDir, { recursive: true, force: true });
      await mkdir(runDir);
      const proc = spawn(opts.binary ?? '/usr/sbin/dovecot', ['-F', '-c', confPath], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child = proc;
      let stderr = '';
      proc.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString('utf8');
      });
      proc.on('error', (err) => {
        stderr += `spawn failed: ${err.message}`;
      });
      process.once('exit', killOnExit);
      try {
        await waitForGreeting(imapPort, proc, logPath);
        break;
      } catch (err) {
        await stopProcess(proc, 2000);
        process.removeListener('exit', killOnExit);
        child = null;
        const text = `${(err as Error).message}${stderr ? `; stderr: ${stderr.trim()}` : ''}`;
        if (attempt < 3 && /Address already in use/i.test(text)) continue;
        throw new Error(text, { cause: err });
      }
    }
    if (opts.loginDisabledForwarder) forwarder = await startForwarder(imapPort);

    const proc = child;
    if (!proc) throw new Error('dovecot did not start');
    const fwd = forwarder;
    let stopped: Promise<void> | null = null;
    return {
      host: '127.0.0.1',
      imapPort,
      imapsPort,
      certPem,
      fingerprint256,
      dir,
      pid: proc.pid ?? 0,
      ...(fwd ? { loginDisabled: { port: fwd.port } } : {}),
      addUser: async (email, password) => {
        await appendFile(join(dir, 'users'), userLine(email, password));
        // Dovecot's passwd-file checks the file for changes at most once per second of its clock.
        await new Promise((r) => setTimeout(r, 1100));
      },
      log: () => readFile(logPath, 'utf8').catch(() => ''),
      stop: () => {
        stopped ??= (async () => {
          await fwd?.stop();
          await stopProcess(proc, 5000);
          process.removeListener('exit', killOnExit);
          await rm(dir, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  } catch (err) {
    await forwarder?.stop();
    if (child) await stopProcess(child, 2000);
    process.removeListener('exit', killOnExit);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

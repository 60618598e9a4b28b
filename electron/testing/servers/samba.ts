/**
 * A private Samba server on 127.0.0.1 sharing a fake MDaemon App directory, for tests.
 *
 * Plain Node (no test framework), so Vitest integration tests and Playwright fixtures share it.
 * Follows docs/architecture.md, "The test servers": a private temp directory, a free port, the recipe's smb.conf
 * (async I/O off, as the recipe found it steadier), `smbd --foreground` started here in its own
 * process group and stopped by that PID; an exit hook kills any still running when the test
 * process ends. A policy adds what hardened servers demand: signing, a dialect range, encryption.
 *
 * Samba maps share users to Unix accounts: a missing one is created with `useradd -M -s
 * /usr/sbin/nologin` (this needs root, as on the CI machines). The password reaches smbpasswd
 * on stdin only, never on a command line.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { freePort, isPortOpen } from './free-port';

/** Where Debian's samba package puts smbd. */
export const SMBD_PATH = '/usr/sbin/smbd';
const SMBPASSWD_PATH = '/usr/bin/smbpasswd';

/** Files of the share: path relative to the share root (`/`-separated) → content. */
export type ShareFiles = Record<string, Buffer | string>;

/** Options of {@link startSamba}. */
export interface SambaOptions {
  /** Initial files of the share. */
  files: ShareFiles;
  /** Share name; default `mdapp`. */
  shareName?: string;
  /** Share user (also a Unix account, created when missing); default `mdsync-share`. */
  user?: string;
  /** The user's password; default a random one. */
  password?: string;
  /** How long to wait for smbd to accept connections; default 10 s. */
  startTimeoutMs?: number;
  /** Security policy of the server and share; default Samba's own defaults. */
  policy?: SambaPolicy;
}

/** Samba protocol names for `server min/max protocol`. */
export type SambaProtocol = 'NT1' | 'SMB2_02' | 'SMB2_10' | 'SMB3_00' | 'SMB3_02' | 'SMB3_11';

/**
 * What the server demands, as Windows Server 2025 or a hardened site would: signing, a minimum
 * (or maximum) dialect, encryption of the share.
 */
export interface SambaPolicy {
  /** `server signing`; default Samba's (`default`: offered, not required). */
  signing?: 'default' | 'auto' | 'mandatory' | 'disabled';
  /** `server min protocol`. */
  minProtocol?: SambaProtocol;
  /** `server max protocol`. */
  maxProtocol?: SambaProtocol;
  /** `server smb encrypt` of the share; default Samba's (`default`: offered, not required). */
  encrypt?: SambaEncrypt;
  /** `server smb encrypt` for the whole server (every session); default Samba's. */
  serverEncrypt?: SambaEncrypt;
}

/** Values of `server smb encrypt`. */
export type SambaEncrypt = 'default' | 'off' | 'if_required' | 'desired' | 'required';

/** The smb.conf lines a policy adds: [global] ones and share ones. */
export function policyLines(policy: SambaPolicy = {}): { global: string; share: string } {
  const global = [
    policy.signing ? `  server signing = ${policy.signing}\n` : '',
    policy.minProtocol ? `  server min protocol = ${policy.minProtocol}\n` : '',
    policy.maxProtocol ? `  server max protocol = ${policy.maxProtocol}\n` : '',
    policy.serverEncrypt ? `  server smb encrypt = ${policy.serverEncrypt}\n` : '',
  ].join('');
  const share = policy.encrypt ? `  server smb encrypt = ${policy.encrypt}\n` : '';
  return { global, share };
}

/** A running private Samba. */
export interface SambaServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly share: string;
  readonly user: string;
  readonly password: string;
  /** The shared folder on disk. */
  readonly shareDir: string;
  /** The smbd process id. */
  readonly pid: number;
  /** `\\127.0.0.1:PORT\share[\dir]`, in our UNC-with-port syntax. */
  uncPath(dir?: string): string;
  /** Writes (or overwrites) files in the share, e.g. to simulate MDaemon rewriting USERLIST.DAT. */
  writeFiles(files: ShareFiles): Promise<void>;
  /** smbd's output so far, for failing tests' messages. */
  log(): string;
  /** SIGTERM, SIGKILL after `graceMs` (default 5 s) to smbd and its children; removes the temp directory. */
  stop(graceMs?: number): Promise<void>;
}

function run(file: string, args: string[], input?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim();
      if (error && typeof error.code !== 'number') reject(new Error(`${file} could not be run: ${error.message}`));
      else resolve({ code: typeof error?.code === 'number' ? error.code : 0, output });
    });
    // A command that exits without reading its stdin must not crash us with EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/**
 * Writes files into a share folder, creating parent folders, world-readable (smbd serves them
 * as the share user). Refuses paths that would leave the folder.
 */
export async function writeShareFiles(shareDir: string, files: ShareFiles): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const clean = normalize(rel.replace(/[\\/]+/gu, sep));
    if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`) || clean === '.') {
      throw new Error(`share file path must stay inside the share: ${rel}`);
    }
    const target = join(shareDir, clean);
    let dir = dirname(target);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    while (dir.length > shareDir.length) {
      await chmod(dir, 0o755);
      dir = dirname(dir);
    }
    await writeFile(target, content);
    await chmod(target, 0o644);
  }
}

async function ensureUnixAccount(user: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/u.test(user)) {
    throw new Error(`share user ${user} is not a valid Unix account name (lowercase, up to 32 characters)`);
  }
  if ((await run('/usr/bin/id', ['-u', user])).code === 0) return;
  const added = await run('/usr/sbin/useradd', ['-M', '-s', '/usr/sbin/nologin', user]);
  // 9: created concurrently by another test worker.
  if (added.code !== 0 && added.code !== 9) {
    throw new Error(`useradd ${user} failed (the Samba fixture needs root to create share accounts): ${added.output}`);
  }
}

function smbConf(dir: string, port: number, share: string, user: string, policy?: SambaPolicy): string {
  const extra = policyLines(policy);
  return `[global]
  server role = standalone server
  interfaces = 127.0.0.1
  bind interfaces only = yes
  smb ports = ${port}
  disable netbios = yes
  pid directory = ${dir}/run
  lock directory = ${dir}/lock
  state directory = ${dir}/state
  cache directory = ${dir}/cache
  private dir = ${dir}/private
  ncalrpc dir = ${dir}/ncalrpc
  log file = ${dir}/smbd.log
  passdb backend = tdbsam:${dir}/private/passdb.tdb
  map to guest = Bad User
  load printers = no
  printcap name = /dev/null
  disable spoolss = yes
  aio read size = 0
  aio write size = 0
${extra.global}[${share}]
  path = ${dir}/share
  read only = yes
  valid users = ${user}
${extra.share}`;
}

/** smbd processes started here and not yet stopped, killed if the test process exits without stopping them. */
const live = new Set<number>();
let exitHookInstalled = false;

/** Signals smbd's process group (smbd, its notifyd/cleanupd and per-connection children); ignores a group already gone. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function launch(
  smbd: string,
  confPath: string,
  port: number,
  timeoutMs: number,
  logLines: string[],
): Promise<ChildProcess> {
  const child = spawn(smbd, ['--foreground', '--no-process-group', '--debug-stdout', '-s', confPath], {
    // stdin must not be Node's default 'pipe': that is a socketpair, and smbd, seeing a socket on
    // stdin, serves it as an inetd-started connection and exits.
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: on shutdown smbd signals its whole process group (kill(0, SIGTERM)),
    // which without this would be the test runner's.
    detached: true,
  });
  const keep = (chunk: Buffer) => {
    logLines.push(chunk.toString('utf8'));
    if (logLines.length > 200) logLines.splice(0, logLines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (e) => logLines.push(`spawn error: ${e.message}`));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await isPortOpen(port, 250)) return child;
    await new Promise((r) => setTimeout(r, 20));
  }
  if (child.pid) signalGroup(child.pid, 'SIGKILL');
  await waitExit(child, 2000);
  throw new Error(`smbd did not accept connections on 127.0.0.1:${port}: ${logLines.join('').slice(-800)}`);
}

/**
 * Starts a private Samba on a free port of 127.0.0.1 sharing `files`.
 *
 * Throws, saying to install Samba, when smbd is missing.
 */
export async function startSamba(opts: SambaOptions): Promise<SambaServer> {
  try {
    await access(SMBD_PATH, constants.X_OK);
    await access(SMBPASSWD_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `Samba is not installed (${SMBD_PATH} or ${SMBPASSWD_PATH} missing): apt-get install -y samba smbclient`,
    );
  }
  const share = opts.shareName ?? 'mdapp';
  const user = opts.user ?? 'mdsync-share';
  const password = opts.password ?? `pw-${randomBytes(9).toString('base64url')}`;
  if (/[\r\n]/u.test(password)) throw new Error('the share password must not contain line breaks');

  const dir = await mkdtemp(join(tmpdir(), 'mdsync-samba-'));
  let child: ChildProcess | undefined;
  try {
    await chmod(dir, 0o755);
    for (const sub of ['run', 'lock', 'state', 'cache', 'private', 'ncalrpc']) await mkdir(join(dir, sub));
    const shareDir = join(dir, 'share');
    await mkdir(shareDir, { mode: 0o755 });
    await chmod(shareDir, 0o755);
    await writeShareFiles(shareDir, opts.files);
    await ensureUnixAccount(user);

    const confPath = join(dir, 'smb.conf');
    const logLines: string[] = [];
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      await writeFile(confPath, smbConf(dir, port, share, user, opts.policy));
      if (attempt === 1) {
        const added = await run(SMBPASSWD_PATH, ['-c', confPath, '-s', '-a', user], `${password}\n${password}\n`);
        if (added.code !== 0) throw new Error(`smbpasswd -a ${user} failed: ${added.output}`);
      }
      try {
        child = await launch(SMBD_PATH, confPath, port, opts.startTimeoutMs ?? 10_000, logLines);
        break;
      } catch (e) {
        // Another process may have taken the port between freePort() and smbd's bind.
        if (attempt >= 3) throw e;
      }
    }
    const proc = child;
    const pid = proc.pid ?? 0;
    live.add(pid);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => {
        for (const p of live) signalGroup(p, 'SIGKILL');
      });
    }
    let stopped: Promise<void> | undefined;

    return {
      host: '127.0.0.1',
      port,
      share,
      user,
      password,
      shareDir,
      pid,
      uncPath: (sub = '') => `\\\\127.0.0.1:${port}\\${share}${sub ? `\\${sub.replace(/\//gu, '\\')}` : ''}`,
      writeFiles: (files) => writeShareFiles(shareDir, files),
      log: () => logLines.join(''),
      stop: (graceMs = 5000) =>
        (stopped ??= (async () => {
          signalGroup(pid, 'SIGTERM');
          if (!(await waitExit(proc, graceMs))) {
            signalGroup(pid, 'SIGKILL');
            await waitExit(proc, 2000);
          }
          // Children that outlived smbd (a connection being served) go too.
          signalGroup(pid, 'SIGKILL');
          live.delete(pid);
          await rm(dir, { recursive: true, force: true });
        })()),
    };
  } catch (e) {
    if (child?.pid) signalGroup(child.pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

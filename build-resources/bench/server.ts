/**
 * Benchmark of the network service (`dist/cli.cjs server`): logons per second and p50/p99 latency
 * with 50 concurrent clients through HTTPS `POST /api/call`, for Directory Services users checked
 * against a private Dovecot (plain IMAP and IMAP-SSL) and for integrated users (bounded by the
 * password hash's deliberate cost, printed beside them), and the service's resident memory with
 * 100,000 users loaded. Prints figures next to the goals; never fails on a missed goal.
 *
 * Two references run in the same process beside each phase: bare LOGIN/LOGOUT on a socket (what
 * Dovecot itself allows on this machine) and the product's IMAP check alone (no service). The
 * benchmark's Dovecot runs in its documented high-performance mode (processes reused): in the
 * default mode it forks a process per connection and caps a small machine near 30 logons/s, far
 * below any real MDaemon. All of it (benchmark, service, Dovecot) shares this machine's cores; the
 * service runs as it does by default (its IMAP checks in one worker thread where there are two cores
 * or more), and its CPU per logon counts both threads.
 *
 * Run: npx tsx build-resources/bench/server.ts [seconds-per-phase]; MDSYNC_BENCH_PHASES=embedded or
 * =balancer runs only the phases on the embedded store or only those on PostgreSQL (both by default);
 * MDSYNC_BENCH_USERS=N loads N users (and messages) instead of 100,000, for a quick look.
 */
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import path from 'node:path';
import { startDovecot } from '../../electron/testing/servers/dovecot';
import { haproxyUnavailable, startHaproxy } from '../../electron/testing/servers/haproxy';
import { freePort } from '../../electron/testing/servers/free-port';
import { postgresUnavailable, startPostgres } from '../../electron/testing/servers/postgres';
import { defaultSettings, type ImapSecurity } from '../../shared/settings';
import { SCRYPT_PARAMS, hashPassword, verifyPassword } from '../../electron/core/auth/passwords';
import { makeUserlist } from '../../electron/core/mdaemon/testing/make-userlist';
import { saveSettings } from '../../electron/core/settings-store';
import { checkImapLogin } from '../../electron/core/imap/imap-check';
import { openRepository } from '../../electron/core/db/open';
import {
  cli,
  logOn,
  openBridge,
  pinned,
  prepareDataDir,
  startService,
  type ServiceProcess,
} from '../../electron/web/testing/service-process';

const SECONDS = Number(process.argv[2] ?? 10);
const CLIENTS = 50;
const DS_USERS = 50;
/** Users in the database, and as many archived messages (MDSYNC_BENCH_USERS: fewer for a quick look). */
const BULK = Number(process.env.MDSYNC_BENCH_USERS ?? 100_000);
const MESSAGES = BULK;
const DS_PASSWORD = 'Bench-DS-Pass 1';
const BOB_PASSWORD = 'Bench-Integrated 1';
const GOALS = { logonsPerSecond: 200, p99Ms: 250, rssMb: 300 };
/** Which groups of phases run (MDSYNC_BENCH_PHASES, comma-separated): all by default. */
const PHASES = (process.env.MDSYNC_BENCH_PHASES ?? 'embedded,balancer').split(',').map((p) => p.trim());

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/**
 * A process's parent and CPU clock ticks from /proc/PID/stat (Linux): its own (utime, stime) and
 * its waited-for children's (cutime, cstime), fields 14–17, 12–15 after the command name.
 */
function procStat(pid: number | string): { parent: number; own: number; children: number } {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { parent: Number(f[1]), own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
}

const TICK_MS = 1000 / 100;

/** CPU time (user + system) a process has used so far, in ms. */
function cpuMs(pid: number): number {
  return procStat(pid).own * TICK_MS;
}

/**
 * CPU time of a process and all its descendants, in ms (Linux /proc): Dovecot's master with its
 * login, imap and auth processes, plus what its exited children used (cutime, cstime).
 */
function treeCpuMs(root: number): number {
  const parents = new Map<number, number>();
  const times = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const st = procStat(name);
      parents.set(Number(name), st.parent);
      times.set(Number(name), st.own + st.children);
    } catch {
      // gone meanwhile
    }
  }
  let ticks = 0;
  for (const [pid, t] of times) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parents.get(p)) {
      if (p === root) {
        ticks += t;
        break;
      }
    }
  }
  return ticks * TICK_MS;
}

/** When the phase running now ends (performance.now()): no client waits beyond it. */
let phaseDeadline = 0;

/** One logon over a kept-alive connection of this client; resolves with its latency in ms, or why not. */
function logonOnce(
  service: ServiceProcess,
  agent: https.Agent,
  userName: string,
  password: string,
): Promise<number | string> {
  const body = JSON.stringify({ id: 1, channel: 'auth:logon', input: { userName, password } });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: service.port,
        method: 'POST',
        path: '/api/call',
        agent,
        headers: { 'content-type': 'application/json', origin: service.origin },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => {
          if (text.includes('"ok":true,"user"')) return resolve(performance.now() - started);
          const reason = /"reason":"(\w+)"/.exec(text)?.[1] ?? `HTTP ${res.statusCode}`;
          // A client told "busy, try again in N s" waits that long, as a person at the logon page
          // would (within the phase): retrying at once only measures how fast refusals go.
          const retry = Number(/"retryAfterSeconds":(\d+)/.exec(text)?.[1] ?? 0) * 1000;
          const wait = reason === 'busy' ? Math.min(retry, phaseDeadline - performance.now()) : 0;
          if (wait > 0) setTimeout(() => resolve(reason), wait);
          else resolve(reason);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens the agent's kept-alive connection to the service (the logon page), untimed. */
function connectAgent(service: ServiceProcess, agent: https.Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port: service.port, path: '/', agent, headers: { origin: service.origin } },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
  });
}

/**
 * One IMAP logon with nothing around it (greeting, LOGIN, LOGOUT on a bare socket; the test
 * certificate is not checked): what Dovecot allows on this machine to a client that costs
 * almost nothing. Resolves true on `OK`.
 */
function bareLogon(port: number, ssl: boolean, user: string, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: net.Socket = ssl
      ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : net.connect(port, '127.0.0.1');
    let text = '';
    let greeted = false;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (!greeted && text.includes('\r\n')) {
        greeted = true;
        text = '';
        socket.write(`a LOGIN "${user}" "${password}"\r\n`);
      } else if (greeted && /^a (OK|NO|BAD)/m.test(text)) {
        socket.end('b LOGOUT\r\n');
        resolve(/^a OK/m.test(text));
      }
    });
    socket.on('error', () => resolve(false));
  });
}

/** The benchmark's Dovecot master, whose process tree's CPU time is printed per logon. */
let dovecotPid = 0;

/** What CLIENTS clients achieved in SECONDS. */
interface Load {
  readonly sorted: number[];
  readonly rate: number;
  readonly count: number;
  readonly failures: Map<string, number>;
}

/**
 * CLIENTS clients for SECONDS, each repeating its `once` (resolving with the latency in ms, or why
 * it failed) and calling its `done` at the end. A client's `connect` (its HTTPS connection to the
 * service) runs before the clock starts, for all of them: what is timed is logons by 50 connected
 * clients, not 50 TLS handshakes with the service in the same instant.
 */
async function drive(
  client: (c: number) => { connect?(): Promise<void>; once(n: number): Promise<number | string>; done?(): void },
): Promise<Load> {
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
  await Promise.all(clients.map((me) => me.connect?.() ?? Promise.resolve()));
  const deadline = performance.now() + SECONDS * 1000;
  phaseDeadline = deadline;
  const started = performance.now();
  await Promise.all(
    clients.map(async (me) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const r = await me.once(n);
        if (typeof r === 'number') latencies.push(r);
        else failures.set(r, (failures.get(r) ?? 0) + 1);
      }
      me.done?.();
    }),
  );
  const rate = latencies.length / ((performance.now() - started) / 1000);
  return { sorted: latencies.sort((a, b) => a - b), rate, count: latencies.length, failures };
}

/** One printed line: rate, latency, CPU per logon, and a note (with the failures, if any). */
function report(label: string, load: Load, cpu: string, note: string): void {
  const failed = load.failures.size ? `; failed: ${[...load.failures].map(([k, v]) => `${v} ${k}`).join(', ')}` : '';
  console.log(
    `${label.padEnd(34)} ${load.rate.toFixed(0).padStart(5)} logons/s   p50 ${percentile(load.sorted, 50).toFixed(0)} ms   p99 ${percentile(load.sorted, 99).toFixed(0)} ms   CPU ms/logon: ${cpu}   (${note}${failed})`,
  );
}

/** A logon attempt's latency in ms, or 'refused'. */
async function timed(attempt: () => Promise<boolean>): Promise<number | string> {
  const t = performance.now();
  return (await attempt()) ? performance.now() - t : 'refused';
}

/** Client c is one person: its own Directory Services user (n, its n-th logon, does not change it). */
const dsUser = (c: number, _n: number) => `ds${c % DS_USERS}@bench.test`;

/**
 * Client c's own source address on the loopback network (127.0.1.1 onwards), as the people of a
 * real site each have theirs: the service's per-address bounds (checks in flight, the throttle's
 * count of attempts) are for one address taking every place, not for 50 people at 50 desks.
 */
const clientAddress = (c: number) => `127.0.1.${c + 1}`;

/** CLIENTS bare logons at a time for SECONDS: Dovecot's own ceiling here. */
async function bareReference(label: string, port: number, ssl: boolean) {
  const dovecotBefore = treeCpuMs(dovecotPid);
  const load = await drive((c) => ({ once: (n) => timed(() => bareLogon(port, ssl, dsUser(c, n), DS_PASSWORD)) }));
  const perLogon = (treeCpuMs(dovecotPid) - dovecotBefore) / Math.max(1, load.count);
  report(label, load, `Dovecot ${perLogon.toFixed(2)}`, "Dovecot's ceiling: a bare LOGIN client");
}

/**
 * The reference: the same IMAP logons straight from this process (checkImapLogin, CLIENTS at a
 * time), no service in between: what Dovecot on this machine allows at all.
 */
async function reference(label: string, imap: ReturnType<typeof saveSettings>['imap']) {
  const cpu = process.cpuUsage();
  const dovecotBefore = treeCpuMs(dovecotPid);
  const load = await drive((c) => ({
    once: (n) => timed(async () => (await checkImapLogin(imap, dsUser(c, n), DS_PASSWORD)).ok),
  }));
  const n = Math.max(1, load.count);
  const used = process.cpuUsage(cpu);
  const checkCpu = (used.user + used.system) / 1000 / n;
  const dovecotCpu = (treeCpuMs(dovecotPid) - dovecotBefore) / n;
  report(label, load, `check ${checkCpu.toFixed(2)}, Dovecot ${dovecotCpu.toFixed(2)}`, 'reference, no service');
}

/** The service's log (every server of the run writes the data directory's). */
const logSize = (dataDir: string) => fs.statSync(path.join(dataDir, 'mdsync.log')).size;

/** Why logons were refused as busy since `from` (a log offset), from the service's log: for the printed note. */
function busyReasons(dataDir: string, from: number): string {
  const fd = fs.openSync(path.join(dataDir, 'mdsync.log'), 'r');
  const buf = Buffer.alloc(Math.max(0, logSize(dataDir) - from));
  fs.readSync(fd, buf, 0, buf.length, from);
  fs.closeSync(fd);
  const text = buf.toString('utf8');
  const reasons = {
    'another check of the name or address': /refused at once/g,
    'held back by the throttle': /held back/g,
    'too many checks at once': /too many password checks/g,
  };
  const found = Object.entries(reasons)
    .map(([why, re]) => [why, text.match(re)?.length ?? 0] as const)
    .filter(([, n]) => n > 0);
  return found.length ? `; busy in the log: ${found.map(([why, n]) => `${n} ${why}`).join(', ')}` : '';
}

/** CLIENTS concurrent clients logging on through the service for SECONDS; prints rate and latency. */
async function phase(
  service: ServiceProcess,
  label: string,
  user: (client: number, n: number) => [string, string],
  withDovecot = false,
) {
  const cpuBefore = cpuMs(service.child.pid!);
  const dovecotBefore = treeCpuMs(dovecotPid);
  const logBefore = logSize(service.dataDir);
  const benchCpu = process.cpuUsage();
  const load = await drive((c) => {
    // The certificate options go to the agent: given per request, Node 24 opens a new connection each time.
    const agent = new https.Agent({
      keepAlive: true,
      maxSockets: 1,
      localAddress: clientAddress(c),
      ...pinned(service),
    });
    return {
      connect: () => connectAgent(service, agent),
      once: (n) => logonOnce(service, agent, ...user(c, n)),
      done: () => agent.destroy(),
    };
  });
  const n = Math.max(1, load.count);
  const serviceCpu = (cpuMs(service.child.pid!) - cpuBefore) / n;
  const used = process.cpuUsage(benchCpu);
  const clientCpu = (used.user + used.system) / 1000 / n;
  const dovecotCpu = withDovecot ? `, Dovecot ${((treeCpuMs(dovecotPid) - dovecotBefore) / n).toFixed(2)}` : '';
  report(
    label,
    load,
    `service ${serviceCpu.toFixed(2)}${dovecotCpu}, clients ${clientCpu.toFixed(2)}; RSS ${rssMb(service.child.pid!).toFixed(0)} MB`,
    `${load.count} logons, ${CLIENTS} clients${busyReasons(service.dataDir, logBefore)}`,
  );
  return { rate: load.rate, p99: percentile(load.sorted, 99) };
}

/**
 * The same Directory Services logons on PostgreSQL (the data copied over, sessions shared): one
 * server reached directly, then two servers sharing the database behind HAProxy (TCP, PROXY v2,
 * health checks on /readyz), in the same run. Null, with the reason printed, where PostgreSQL or
 * HAProxy is missing.
 */
async function balancerPhases(dataDir: string, ds: (c: number, n: number) => [string, string]) {
  const missing = postgresUnavailable() ?? haproxyUnavailable();
  if (missing) {
    console.log(`balancer phases skipped: ${missing}`);
    return null;
  }
  const pg = await startPostgres();
  const url = await pg.createDatabase('bench_balancer');
  process.env.PGPASSWORD = pg.password;
  const copied = cli(['db', 'copy', '--to', url, '--data-dir', dataDir]);
  if (copied.status !== 0) throw new Error(`db copy failed: ${copied.stderr}`);
  const lbPort = await freePort();
  const flags = [
    '--database',
    url,
    '--public-url',
    `https://127.0.0.1:${lbPort}/`,
    '--proxy-protocol-from',
    '127.0.0.1',
  ];
  // Both servers use one data directory: the same certificate, as servers behind one name have.
  const a = await startService(dataDir, flags);
  const b = await startService(dataDir, flags);
  const proxy = await startHaproxy([a.port, b.port], lbPort);
  try {
    await new Promise((r) => setTimeout(r, 1500)); // the balancer's health checks see both up
    await phase(a, 'warm-up (PostgreSQL)', ds);
    const direct = await phase(a, 'one server direct (PostgreSQL)', ds, true);
    const lb: ServiceProcess = { ...a, port: lbPort, origin: `https://127.0.0.1:${lbPort}` };
    const balanced = await phase(lb, 'two servers behind HAProxy', ds, true);
    return { direct, lb: balanced };
  } finally {
    await proxy.stop();
    await Promise.all([a.stop(), b.stop()]);
    await pg.stop();
  }
}

type Figures = { rate: number; p99: number };

/** The balancer's goal line: through HAProxy next to one server reached directly. */
function printBalancerGoal(b: { direct: Figures; lb: Figures }): void {
  console.log(
    `goal: through HAProxy to two servers >= 0.8x one server direct (PostgreSQL, shared sessions): ${b.lb.rate.toFixed(0)}/s p99 ${b.lb.p99.toFixed(0)} ms vs ${b.direct.rate.toFixed(0)}/s p99 ${b.direct.p99.toFixed(0)} ms = ${(b.lb.rate / b.direct.rate).toFixed(2)}x`,
  );
}

async function main() {
  const dovecot = await startDovecot({
    performance: true,
    users: Array.from({ length: DS_USERS }, (_, i) => ({ email: `ds${i}@bench.test`, password: DS_PASSWORD })),
  });
  dovecotPid = dovecot.pid;
  const dataDir = prepareDataDir('Bench-Keeper-Pass 1', BOB_PASSWORD);
  const appDir = path.join(dataDir, 'app');
  fs.mkdirSync(appDir);
  const accounts = [
    ...Array.from({ length: DS_USERS }, (_, i) => ({ domain: 'bench.test', mailbox: `ds${i}`, fullName: `DS ${i}` })),
    ...Array.from({ length: BULK - DS_USERS }, (_, i) => ({
      domain: `dept${i % 20}.bench.test`,
      mailbox: `user${i}`,
      fullName: `Bench User ${i}`,
    })),
  ].map((a) => ({ ...a, password: 'NOT-A-REAL-PW', accessType: 'Y' }));
  fs.writeFileSync(path.join(appDir, 'USERLIST.DAT'), makeUserlist(accounts, 'windows-1252'));
  const synced = cli(['sync', '--data-dir', dataDir, '--app-dir', appDir, '--code-page', 'windows-1252']);
  if (synced.status !== 0) throw new Error(`sync failed: ${synced.stderr}`);
  // An archive holds mail: the logging-on users' folders get MESSAGES messages between them, so a
  // logon that touched every message (it once did) would show here.
  const repo = await openRepository({ dataDir });
  const perUser = MESSAGES / DS_USERS;
  for (let u = 0; u < DS_USERS; u++) {
    await repo.importMessages(
      `ds${u}@bench.test`,
      Array.from({ length: perUser }, (_, i) => ({
        subject: `Message ${i}`,
        from: 'sender@bench.test',
        date: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
        size: 2048,
        messageId: `<${u}.${i}@bench.test>`,
      })),
    );
  }
  await repo.close();
  const settings = defaultSettings();
  const useImap = (security: ImapSecurity) =>
    saveSettings(dataDir, {
      ...settings,
      imap: {
        ...settings.imap,
        host: '127.0.0.1',
        port: security === 'ssl' ? dovecot.imapsPort : dovecot.imapPort,
        security,
        pinnedFingerprint256: security === 'ssl' ? dovecot.fingerprint256 : null,
      },
    });
  useImap('none');
  console.log(
    `${CLIENTS} concurrent clients (each its own user and source address), ${SECONDS} s per phase, ${BULK.toLocaleString('en')} users and ${MESSAGES.toLocaleString('en')} archived messages in the database; Node ${process.version}`,
  );

  const service = await startService(dataDir);
  try {
    const pid = service.child.pid!;
    const idleRss = rssMb(pid);
    const ds = (c: number, n: number): [string, string] => [dsUser(c, n), DS_PASSWORD];
    if (!PHASES.includes('embedded')) {
      const balanced = PHASES.includes('balancer') ? await balancerPhases(dataDir, ds) : null;
      if (balanced) printBalancerGoal(balanced);
      return;
    }
    await phase(service, 'warm-up', ds);
    await bareReference('bare IMAP logons, plain IMAP', dovecot.imapPort, false);
    await reference('IMAP check alone, plain IMAP', useImap('none').imap);
    const plain = await phase(service, 'Directory Services, plain IMAP', ds, true);
    const sslImap = useImap('ssl').imap;
    await bareReference('bare IMAP logons, IMAP-SSL', dovecot.imapsPort, true);
    await reference('IMAP check alone, IMAP-SSL', sslImap);
    const ssl = await phase(service, 'Directory Services, IMAP-SSL', ds, true);
    const t0 = performance.now();
    await verifyPassword(await hashPassword('x'), 'x');
    const hashMs = (performance.now() - t0) / 2;
    const integrated = await phase(service, 'integrated (scrypt)', () => ['bob', BOB_PASSWORD]);
    const admin = await openBridge(service, { cookie: await logOn(service, 'admin', 'Bench-Keeper-Pass 1') });
    const beforeList = rssMb(pid);
    const listed = await admin.call('users:list');
    admin.ws.close();
    const busyRss = rssMb(pid);
    console.log(
      `Users list of ${(listed.value as unknown[] | undefined)?.length ?? '?'} rows: RSS ${beforeList.toFixed(0)} MB before, ${busyRss.toFixed(0)} MB after`,
    );
    const balanced = PHASES.includes('balancer') ? await balancerPhases(dataDir, ds) : null;
    console.log('');
    console.log(
      `goal: >= ${GOALS.logonsPerSecond} Directory Services logons/s with p99 <= ${GOALS.p99Ms} ms: plain ${plain.rate.toFixed(0)}/s p99 ${plain.p99.toFixed(0)} ms, IMAP-SSL ${ssl.rate.toFixed(0)}/s p99 ${ssl.p99.toFixed(0)} ms`,
    );
    console.log(
      `integrated logons are bounded by scrypt (N=${SCRYPT_PARAMS.N}, r=${SCRYPT_PARAMS.r}, p=${SCRYPT_PARAMS.p}): one hash ~${hashMs.toFixed(0)} ms in this process -> ${integrated.rate.toFixed(1)} logons/s`,
    );
    if (balanced) printBalancerGoal(balanced);
    console.log(
      `resident memory with ${BULK.toLocaleString('en')} users: ${idleRss.toFixed(0)} MB after start, ${busyRss.toFixed(0)} MB after the benchmark and a ${(listed.value as unknown[] | undefined)?.length ?? '?'}-row Users list (goal <= ${GOALS.rssMb} MB)`,
    );
  } finally {
    console.log(`service stopped with exit ${await service.stop()}`);
    await dovecot.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench server: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

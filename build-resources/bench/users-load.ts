/**
 * Benchmark of many administrators at once (issue 18): 200 administrator sessions, each on its own
 * WebSocket to a real `mdsync server` on 127.0.0.1 with 100,000 users, page through the Users list
 * (`users:page`, 100 rows a page, one page after another, some sorted or searched), while another
 * administrator logs on over HTTPS every second. Prints the logon times and the service's resident
 * memory next to the goals (logon < 2 s, service < 500 MB) and the pages' rate and latency; never
 * fails on a missed goal. It runs on the embedded store, then on a private PostgreSQL (the several-servers
 * set-up), one after the other; `MDSYNC_BENCH_STORE=embedded` or `=postgres` runs one of them.
 * `npm run bench -- users-load`, or `npx tsx build-resources/bench/users-load.ts [sessions] [seconds]`
 * after `npm run build`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { makeUserlist } from '../../electron/core/mdaemon/testing/make-userlist';
import { postgresUnavailable, startPostgres } from '../../electron/testing/servers/postgres';
import {
  type BridgeClient,
  cli,
  logOn,
  openBridge,
  prepareDataDir,
  startService,
} from '../../electron/web/testing/service-process';
import { loadLine } from './common/machine';

const SESSIONS = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 30);
const USERS = 100_000;
const PAGE = 100;
const ADMIN_PASSWORD = 'Bench-Keeper-Pass 1';
const GOALS = { logonMs: 2000, rssMb: 500 };
/** A call unanswered this long counts as failed (`timeout`). */
const CALL_TIMEOUT_MS = 15_000;

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** Sessions the service keeps per user: the administrators the sessions are spread over. */
const SESSIONS_PER_ADMIN = 20;
const adminName = (k: number) => `bench-admin-${k}`;

/** Logs on, retrying after the throttle's wait when the service says it is busy. */
async function logOnPatiently(service: Parameters<typeof logOn>[0], userName: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await logOn(service, userName, ADMIN_PASSWORD);
    } catch (err) {
      const wait = Number(/"retryAfterSeconds":(\d+)/.exec(String(err))?.[1] ?? 0);
      if (attempt > 20 || wait === 0) throw err;
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
  }
}

/** What one session asks for its n-th page: mostly the next page, sometimes sorted or searched. */
function query(session: number, n: number): Record<string, unknown> {
  const offset = ((session * 37 + n) % (USERS / PAGE)) * PAGE;
  if (n % 10 === 9) return { offset: 0, limit: PAGE, search: `user${(session * 7 + n) % 1000}` };
  if (n % 10 === 5) return { offset, limit: PAGE, sort: 'fullName', descending: true };
  return { offset, limit: PAGE };
}

/** One run on the store the environment names (MDSYNC_DATABASE_URL for PostgreSQL, else embedded). */
async function measure(store: string): Promise<void> {
  console.log(`-- ${store} store --`);
  const dataDir = prepareDataDir(ADMIN_PASSWORD, 'Bench-Integrated 1');
  const appDir = path.join(dataDir, 'app');
  fs.mkdirSync(appDir);
  const accounts = Array.from({ length: USERS }, (_, i) => ({
    domain: `dept${i % 20}.bench.test`,
    mailbox: `user${i}`,
    fullName: `Bench User ${i}`,
  }));
  fs.writeFileSync(path.join(appDir, 'USERLIST.DAT'), makeUserlist(accounts, 'windows-1252'));
  const synced = cli(['sync', '--data-dir', dataDir, '--app-dir', appDir, '--code-page', 'windows-1252']);
  if (synced.status !== 0) throw new Error(`sync failed: ${synced.stderr}`);

  const admins = Math.ceil(SESSIONS / SESSIONS_PER_ADMIN);
  for (let k = 0; k < admins; k++) {
    const added = cli(
      [
        'users',
        'add',
        adminName(k),
        '--auth',
        'integrated',
        '--privilege',
        'admin',
        '--password-stdin',
        '--data-dir',
        dataDir,
      ],
      `${ADMIN_PASSWORD}\n`,
    );
    if (added.status !== 0) throw new Error(`users add failed: ${added.stderr}`);
  }

  const service = await startService(dataDir, ['--max-connections-per-address', String(SESSIONS + 50)]);
  const pid = service.child.pid!;
  const clients: BridgeClient[] = [];
  try {
    const idleRss = rssMb(pid);
    const opening = performance.now();
    // The service keeps 20 sessions per user and checks one logon per user name at once: the
    // sessions are spread over several administrators, who log on side by side.
    for (let next = 0; next < SESSIONS;) {
      const batch = Array.from({ length: Math.min(admins, SESSIONS - next) }, () => next++);
      const cookies = await Promise.all(batch.map((i) => logOnPatiently(service, adminName(i % admins))));
      clients.push(...(await Promise.all(cookies.map((cookie) => openBridge(service, { cookie })))));
    }
    console.log(
      `${SESSIONS} sessions of ${admins} administrators opened in ${((performance.now() - opening) / 1000).toFixed(1)} s; ${USERS.toLocaleString('en')} users; RSS ${rssMb(pid).toFixed(0)} MB (${idleRss.toFixed(0)} MB after start); Node ${process.version}`,
    );

    const latencies: number[] = [];
    const failures = new Map<string, number>();
    const logons: number[] = [];
    let peakRss = rssMb(pid);
    const deadline = performance.now() + SECONDS * 1000;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 250);
    let closed = 0;
    const paging = clients.map(async (client, s) => {
      let open = true;
      void client.closed().then(() => {
        open = false;
        closed++;
      });
      for (let n = 0; open && performance.now() < deadline; n++) {
        const t = performance.now();
        const r = await Promise.race([
          client.call('users:page', query(s, n)),
          new Promise<{ ok: false; error: { code: string } }>((resolve) =>
            setTimeout(() => resolve({ ok: false, error: { code: 'timeout' } }), CALL_TIMEOUT_MS).unref(),
          ),
        ]);
        if (r.ok) latencies.push(performance.now() - t);
        else failures.set(r.error?.code ?? '?', (failures.get(r.error?.code ?? '?') ?? 0) + 1);
      }
    });
    // Another administrator logs on while they page: once a second, each timed.
    const logging = (async () => {
      await new Promise((r) => setTimeout(r, 1000));
      while (performance.now() < deadline) {
        const t = performance.now();
        try {
          await logOn(service, 'admin', ADMIN_PASSWORD);
          logons.push(performance.now() - t);
        } catch (err) {
          failures.set(`logon: ${String(err).slice(0, 60)}`, 1);
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const started = performance.now();
    await Promise.all([...paging, logging]);
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    logons.sort((a, b) => a - b);
    if (closed > 0) failures.set('sessions closed by the service', closed);
    const failed = failures.size ? `; failed: ${[...failures].map(([k, v]) => `${v} ${k}`).join(', ')}` : '';
    console.log(
      `Users list pages by ${SESSIONS} sessions for ${seconds.toFixed(0)} s: ${(latencies.length / seconds).toFixed(0)} pages/s, p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}${failed}`,
    );
    console.log(
      `administrator logon meanwhile: max ${ms(logons[logons.length - 1] ?? NaN)}, p50 ${ms(percentile(logons, 50))} over ${logons.length} logons (goal < ${ms(GOALS.logonMs)})`,
    );
    for (const c of clients) c.ws.close();
    await new Promise((r) => setTimeout(r, 2000));
    console.log(
      `service resident memory: peak ${peakRss.toFixed(0)} MB while paging, ${rssMb(pid).toFixed(0)} MB after they left (goal < ${GOALS.rssMb} MB)`,
    );
  } finally {
    for (const c of clients) c.ws.close();
    console.log(`service stopped with exit ${await service.stop()}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    console.log(loadLine());
  }
}

async function main(): Promise<void> {
  const only = process.env.MDSYNC_BENCH_STORE;
  if (only !== 'postgres') await measure('embedded');
  if (only === 'embedded') return;
  const missing = postgresUnavailable();
  if (missing) {
    console.log(`postgres store: not measured: ${missing}`);
    return;
  }
  const server = await startPostgres({ durable: true });
  try {
    // Every CLI command and the service started below inherit these: the database and its password.
    process.env.MDSYNC_DATABASE_URL = await server.createDatabase('users_load');
    process.env.PGPASSWORD = server.password;
    await measure('postgres');
  } finally {
    delete process.env.MDSYNC_DATABASE_URL;
    delete process.env.PGPASSWORD;
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench users-load: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});

/**
 * Benchmark of the UI with 100,000 MDaemon accounts, in browser mode driven through Debian's
 * Chromium: the time from clicking "Test Settings" to the first result rows on screen (goal ≤ 3 s),
 * the same for a run with nothing to change (its one-line "No changes" answer, goal ≤ 3 s), and
 * from clicking "Users" to the first users listed (goal ≤ 1 s). `npm run bench -- ui`, or
 * `npx tsx build-resources/bench/ui.ts [count] [runs]` after `npm run build`.
 *
 * The App directory is generated once under bench-data/ (gitignored); the data directory is a
 * fresh temp dir. The page's WebSocket is watched from an init script, so each run is split into
 * server phases (the arrival of `sync:progress` events), transfer + parse of the answer, and
 * rendering. The answer carries the counts and the first page of changes (the rest are paged on
 * demand), so its size is printed too. Prints figures next to the goal (≤ 3 s) and never fails on
 * a missed goal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { makeUserlist } from '../../electron/core/mdaemon/testing/make-userlist';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/harness/chromium';
import { loadLine } from './common/machine';

const COUNT = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 3);
const GOAL_MS = 3000;
const USERS_GOAL_MS = 1000;
const ROOT = path.resolve(__dirname, '../..');
const APP = path.join(ROOT, 'bench-data', `ui-${COUNT}`, 'app');
const ADMIN_PASSWORD = 'Bench-Keeper-Pass 1';

/** What the init script records per WebSocket message. */
interface Seen {
  kind: string;
  bytes: number;
  /** When the browser created the event (the frame had arrived). */
  stamp: number;
  start: number;
  end: number;
}

interface Bench {
  seen: Seen[];
  click: number;
  rows: number;
  paint: number;
}

function generate(): void {
  const file = path.join(APP, 'USERLIST.DAT');
  if (fs.existsSync(file)) return;
  fs.mkdirSync(APP, { recursive: true });
  const accounts = Array.from({ length: COUNT }, (_, i) => ({
    domain: `d${i % 10}.example`,
    mailbox: `user${String(i).padStart(6, '0')}`,
    fullName: `User ${i}`,
  }));
  fs.writeFileSync(file, makeUserlist(accounts, 'cp1252'));
  fs.writeFileSync(path.join(APP, 'Groups.dat'), '');
}

function startWeb(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/web.cjs'), '--data-dir', dataDir, '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`browser mode exited (${code}) before printing its URL`)));
  });
}

/** Installed before the page's scripts: times every message the bridge socket delivers. */
function watchSockets(): void {
  const w = window as unknown as { __bench: Bench };
  w.__bench = { seen: [], click: 0, rows: 0, paint: 0 };
  const wrap = (fn: (ev: MessageEvent) => unknown) =>
    function (this: WebSocket, ev: MessageEvent) {
      const start = performance.now();
      const r = fn.call(this, ev);
      const data = typeof ev.data === 'string' ? ev.data : '';
      const kind =
        /^\{"event":"sync:progress","payload":\{"phase":"(\w+)"/.exec(data)?.[1] ??
        (data.startsWith('{"id"') ? 'answer' : 'other');
      w.__bench.seen.push({ kind, bytes: data.length, stamp: ev.timeStamp, start, end: performance.now() });
      return r;
    };
  const Orig = window.WebSocket;
  // The bridge client listens through `onmessage` (renderer/src/ws-api.ts).
  const desc = Object.getOwnPropertyDescriptor(Orig.prototype, 'onmessage')!;
  const get = Reflect.get(desc, 'get') as (this: WebSocket) => unknown;
  const setter = Reflect.get(desc, 'set') as (this: WebSocket, fn: unknown) => void;
  Object.defineProperty(Orig.prototype, 'onmessage', {
    configurable: true,
    get,
    set(this: WebSocket, fn: ((ev: MessageEvent) => unknown) | null) {
      setter.call(this, fn ? wrap(fn) : null);
    },
  });
}

/** Arms the page for one run: the click time and the first row's appearance and paint. */
async function arm(page: Page): Promise<void> {
  await page.evaluate(() => {
    const b = (window as unknown as { __bench: Bench }).__bench;
    b.seen = [];
    b.click = b.rows = b.paint = 0;
    document.addEventListener('click', () => (b.click = performance.now()), { capture: true, once: true });
    const obs = new MutationObserver(() => {
      if (!b.click || b.rows) return;
      // A row still loading its page (aria-busy) is not a first row.
      const rows = document.querySelector('[role="table"][aria-label="Changes"] [aria-rowindex="2"]:not([aria-busy])');
      const none = Array.from(document.querySelectorAll('[role="status"]')).some((e) =>
        e.textContent?.startsWith('No changes:'),
      );
      if (!rows && !none) return;
      b.rows = performance.now();
      obs.disconnect();
      requestAnimationFrame(() => setTimeout(() => (b.paint = performance.now()), 0));
    });
    obs.observe(document.body, { childList: true, subtree: true });
  });
}

/**
 * After a reload the session may be kept (browser mode keeps it) or not: logs on as admin when the
 * logon screen shows, then waits until the saved App directory has been read.
 */
async function logOn(page: Page): Promise<void> {
  const logOnButton = page.getByRole('button', { name: 'Log on' });
  const domain = page
    .getByRole('group', { name: 'Domains' })
    .getByRole('checkbox', { name: 'd0.example', exact: true });
  await logOnButton.or(domain).first().waitFor({ timeout: 60_000 });
  if (await logOnButton.isVisible()) {
    await page.getByRole('textbox', { name: 'User name' }).fill('admin');
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await logOnButton.click();
  }
  await domain.waitFor({ timeout: 60_000 });
}

/** From a click on Users to its first users listed, on a freshly loaded page. */
async function usersOnce(page: Page): Promise<number> {
  await page.reload();
  await logOn(page);
  const nav = page.getByRole('navigation', { name: 'Administrative Tools' }).getByRole('button', { name: 'Users' });
  const started = await page.evaluate(() => performance.now());
  await nav.click();
  await page.waitForFunction(() => !!document.querySelector('[role="grid"][aria-label="Users"] #user-row-0'), null, {
    timeout: 120_000,
    polling: 'raf',
  });
  const shown = await page.evaluate(() => performance.now());
  await page
    .getByRole('navigation', { name: 'Administrative Tools' })
    .getByRole('button', { name: 'Directory Services' })
    .click();
  return shown - started;
}

/** One Test Settings run on a freshly loaded page (so no earlier result is on screen): its timings. */
async function testOnce(page: Page): Promise<Bench> {
  await page.reload();
  await logOn(page);
  await arm(page);
  await page.getByRole('button', { name: 'Test Settings' }).click();
  await page.waitForFunction(() => (window as unknown as { __bench: Bench }).__bench.paint > 0, null, {
    timeout: 120_000,
    polling: 100,
  });
  await page.waitForFunction(() => !document.querySelector('[aria-label="Synchronization progress"]'), null, {
    timeout: 120_000,
  });
  const bench = await page.evaluate(() => (window as unknown as { __bench: Bench }).__bench);
  // The results open in a dialog over the form: closed, the form's buttons are at hand again.
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
  await page.getByRole('button', { name: 'Test Settings' }).waitFor({ state: 'visible' });
  return bench;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Splits a run into phases by the messages the page saw. */
function breakdown(b: Bench): Record<string, number> {
  const first = (kind: string, last = false) => {
    const xs = b.seen.filter((m) => m.kind === kind);
    return (last ? xs[xs.length - 1] : xs[0])?.stamp ?? NaN;
  };
  const answer = b.seen.find((m) => m.kind === 'answer');
  const readAt = first('read');
  const planAt = first('plan');
  const planDone = first('plan', true);
  const doneAt = first('done');
  return {
    total: b.paint - b.click,
    'to server': readAt - b.click,
    read: planAt - readAt,
    plan: planDone - planAt,
    'history+': doneAt - planDone,
    'send+transfer': (answer?.stamp ?? NaN) - doneAt,
    'wait main thread': (answer?.start ?? NaN) - (answer?.stamp ?? NaN),
    parse: (answer?.end ?? NaN) - (answer?.start ?? NaN),
    render: b.rows - (answer?.end ?? NaN),
    paint: b.paint - b.rows,
    MB: (answer?.bytes ?? 0) / 1e6,
  };
}

function printRuns(label: string, runs: Bench[], goal = GOAL_MS): void {
  const parts = runs.map(breakdown);
  const total = median(parts.map((p) => p.total!));
  const mid = parts.find((p) => p.total === total)!;
  console.log(
    `Test Settings → first rows, ${label}: ${s(total)} (goal ≤ ${s(goal)}) [runs: ${parts.map((p) => s(p.total!)).join(', ')}]`,
  );
  const fields = Object.entries(mid)
    .filter(([k]) => k !== 'total' && k !== 'MB')
    .map(([k, v]) => `${k} ${Math.round(v)} ms`);
  console.log(`  median run: ${fields.join(' · ')} · answer ${mid.MB!.toFixed(1)} MB`);
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist/web.cjs'))) throw new Error('run `npm run build` first');
  generate();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-bench-ui-'));
  const { child, url } = await startWeb(dataDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    // As source text: tsx's name helper (`__name`) does not exist in the page.
    await page.addInitScript({ content: `var __name = (f) => f; (${watchSockets.toString()})();` });
    await page.goto(url);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByLabel('Confirm password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Set administrator password' }).click();
    await page.getByRole('textbox', { name: 'MDaemon App Directory' }).fill(APP);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Settings saved.').waitFor();
    // Every run starts from a reload, which ends the session: log on as an administrator does.

    const creates: Bench[] = [];
    for (let i = 0; i < RUNS; i++) creates.push(await testOnce(page));
    printRuns(`${COUNT.toLocaleString('en-US')} creates`, creates);

    const started = performance.now();
    await page.getByRole('button', { name: 'Synchronize now' }).click();
    await page.getByRole('heading', { name: /^Synchronize now/ }).waitFor({ timeout: 300_000 });
    console.log(
      `  (Synchronize now of ${COUNT.toLocaleString('en-US')} users, for the no-change run: ${s(performance.now() - started)})`,
    );
    const same: Bench[] = [];
    for (let i = 0; i < RUNS; i++) same.push(await testOnce(page));
    printRuns('no change ("No changes: … up to date")', same);

    const lists: number[] = [];
    for (let i = 0; i < RUNS; i++) lists.push(await usersOnce(page));
    console.log(
      `Users → first rows, ${COUNT.toLocaleString('en-US')} users: ${s(median(lists))} (goal ≤ ${s(USERS_GOAL_MS)}) [runs: ${lists.map(s).join(', ')}]`,
    );
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(loadLine());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

/**
 * One synchronization run, from reading MDaemon to the history entry: Test Settings
 * (dryRun: plan only, no lock) or Synchronize now (plan and apply under the writer lock, in one
 * transaction).
 *
 * A source that cannot be read changes nothing and its UserError reaches the caller; the run is
 * recorded as failed. A cancelled run changes nothing either.
 */
import type { DirectoryRead, SourceWarning, SyncProgress, SyncReport, SyncRun } from '../../../shared/model';
import type { ParsedDeleteLimit } from '../../../shared/delete-limit';
import type { Settings } from '../../../shared/settings';
import { UserError } from '../../../shared/result';
import type { ArchiveRepository, NewRun, SyncSession } from '../db/port';
import { type Plan, type PlanOptions, type CurrentUser, appliedCreateReason, planSteps, summarize } from './plan';

/** Everything a run needs; the database is given open (and stays open: the caller closes it). */
export interface RunSyncOptions {
  readonly repository: ArchiveRepository;
  readonly readDirectory: () => Promise<DirectoryRead>;
  readonly settings: Settings;
  readonly dryRun: boolean;
  readonly confirmDeletes?: boolean;
  /** A limit for this run only (`--delete-limit`, parsed there). */
  readonly deleteLimit?: ParsedDeleteLimit;
  /** Who started it: a user name, `cli` or `schedule`. */
  readonly actor: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SyncProgress) => void;
  readonly now?: () => Date;
  /**
   * Test Settings only: write the history entry after the report is handed back (the report then
   * has no runId) and give the write to this callback, so the app answers without waiting for
   * the database file to be persisted. Without it the entry is written first.
   */
  readonly recordLater?: (recorded: Promise<number | null>) => void;
}

const EMPTY_SUMMARY = summarize([]);

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new UserError('cancelled', 'the synchronization was cancelled');
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'error';
}

/** Runs a test or a synchronization and returns its report. */
export async function runSync(opts: RunSyncOptions): Promise<SyncReport> {
  const repo = opts.repository;
  if (opts.dryRun) return await testRun(repo, opts);
  // The App directory is read before the writer lock is taken: a slow or hung read (a share
  // that stopped answering) keeps no other writer waiting. The plan is made under the lock.
  const startedAt = (opts.now?.() ?? new Date()).toISOString();
  let read: DirectoryRead;
  try {
    read = await readSource(opts);
  } catch (err) {
    await repo.recordRun(failedRow(opts, startedAt, err), []).catch(() => null);
    throw err;
  }
  return await repo.exclusive((session) =>
    syncRun(session, { ...opts, readDirectory: () => Promise.resolve(read) }, startedAt),
  );
}

/** Reads the App directory, checking for cancellation around it. */
async function readSource(opts: RunSyncOptions): Promise<DirectoryRead> {
  checkAbort(opts.signal);
  opts.onProgress?.({ phase: 'read', done: 0, total: 0 });
  let read: DirectoryRead;
  try {
    read = await opts.readDirectory();
  } catch (err) {
    checkAbort(opts.signal); // a reader stopped by the signal says so in its own way
    throw err;
  }
  checkAbort(opts.signal);
  return read;
}

/** What a run keeps of its read and plan phases. */
interface Planned {
  /** The warnings of the directory read; the accounts are not kept (see readAndPlan). */
  readonly sourceWarnings: SourceWarning[];
  readonly plan: Plan;
}

/**
 * Reads and plans, checking for cancellation between the phases. Only the plan and the read's
 * warnings outlive it: the accounts and the archive's users (about 90 MB at 200,000) can go before
 * the changes are applied or the history entry written, which copies the whole database file.
 */
async function readAndPlan(
  repo: Pick<ArchiveRepository, 'currentUsers' | 'keptFolderNames'>,
  opts: RunSyncOptions,
): Promise<Planned> {
  const progress = opts.onProgress;
  const read = await readSource(opts);
  progress?.({ phase: 'plan', done: 0, total: read.accounts.length });
  const [current, keptFolders] = await Promise.all([repo.currentUsers(), repo.keptFolderNames()]);
  const plan = await planInSlices(read, opts, current, {
    keptFolders,
    confirmDeletes: opts.confirmDeletes,
    deleteLimitOverride: opts.deleteLimit,
  });
  progress?.({ phase: 'plan', done: read.accounts.length, total: read.accounts.length });
  checkAbort(opts.signal);
  return { sourceWarnings: read.warnings, plan };
}

/** The longest the plan holds the event loop before letting progress, answers and a cancel through. */
const PLAN_SLICE_MS = 40;

/**
 * Runs the pure plan in steps, yielding to the event loop every {@link PLAN_SLICE_MS}: the
 * progress of the comparison reaches the page (accounts compared, scaled to those read) and a
 * cancel is heard between slices.
 */
async function planInSlices(
  read: DirectoryRead,
  opts: RunSyncOptions,
  current: readonly CurrentUser[],
  planOptions: PlanOptions,
): Promise<Plan> {
  const steps = planSteps(read, opts.settings, current, planOptions);
  const accounts = read.accounts.length;
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart < PLAN_SLICE_MS) continue;
    const { done, total } = step.value;
    const shown = total > 0 ? Math.floor((done / total) * accounts) : 0;
    if (shown < accounts) opts.onProgress?.({ phase: 'plan', done: shown, total: accounts });
    await new Promise((resolve) => setImmediate(resolve));
    checkAbort(opts.signal);
    sliceStart = performance.now();
  }
}

function report(
  dryRun: boolean,
  { sourceWarnings, plan }: Planned,
  changes: Plan['changes'],
  runId: number | null,
): SyncReport {
  return { dryRun, summary: plan.summary, changes, warnings: [...sourceWarnings, ...plan.warnings], runId };
}

function runRow(
  opts: RunSyncOptions,
  startedAt: string,
  status: SyncRun['status'],
  plan: Plan | null,
  message: string | null,
): NewRun {
  const finishedAt = (opts.now?.() ?? new Date()).toISOString();
  return {
    startedAt,
    finishedAt,
    actor: opts.actor,
    dryRun: opts.dryRun,
    status,
    summary: plan?.summary ?? EMPTY_SUMMARY,
    message,
  };
}

/** The history row of a run that stopped before applying anything. */
function failedRow(opts: RunSyncOptions, startedAt: string, err: unknown): NewRun {
  const cancelled = err instanceof UserError && err.code === 'cancelled';
  return runRow(opts, startedAt, cancelled ? 'cancelled' : 'failed', null, oneLine(err));
}

/** Test Settings: no writer lock; the history entry is written by its own short transaction, skipped if the lock stays busy. */
async function testRun(repo: ArchiveRepository, opts: RunSyncOptions): Promise<SyncReport> {
  const startedAt = (opts.now?.() ?? new Date()).toISOString();
  const recordQuietly = (row: NewRun, changes: Plan['changes']) => repo.recordRun(row, changes).catch(() => null);
  let result: Planned;
  try {
    result = await readAndPlan(repo, opts);
  } catch (err) {
    await recordQuietly(failedRow(opts, startedAt, err), []);
    throw err;
  }
  const { plan } = result;
  const row = runRow(opts, startedAt, 'tested', plan, null);
  if (opts.recordLater) {
    // After the caller's own continuation (sending the answer) has run.
    opts.recordLater(new Promise((resolve) => setImmediate(resolve)).then(() => recordQuietly(row, plan.changes)));
    opts.onProgress?.({ phase: 'done', done: 1, total: 1 });
    const { runId: _none, ...rest } = report(true, result, plan.changes, null);
    return rest;
  }
  const runId = await recordQuietly(row, plan.changes);
  opts.onProgress?.({ phase: 'done', done: 1, total: 1 });
  return report(true, result, plan.changes, runId);
}

/** Synchronize now: plan and apply with the writer lock held throughout, applied in one transaction. */
async function syncRun(session: SyncSession, opts: RunSyncOptions, startedAt: string): Promise<SyncReport> {
  let result: Planned;
  try {
    result = await readAndPlan(session, opts);
  } catch (err) {
    await recordFailure(session, failedRow(opts, startedAt, err));
    throw err;
  }
  const { plan } = result;
  const total = plan.changes.length;
  let outcome: { applied: Plan['changes']; runId: number };
  try {
    const message = plan.summary.held > 0 ? `${plan.summary.held} deletes held for confirmation` : null;
    outcome = await session.apply({
      changes: plan.changes,
      defaults: opts.settings.defaultPrivileges,
      run: () => runRow(opts, startedAt, 'applied', plan, message),
      onProgress: (done) => opts.onProgress?.({ phase: 'apply', done, total }),
      appliedReason: appliedCreateReason,
    });
  } catch (err) {
    await recordFailure(session, failedRow(opts, startedAt, err));
    throw err;
  }
  const { applied, runId } = outcome;
  opts.onProgress?.({ phase: 'done', done: 1, total: 1 });
  return report(false, result, applied, runId);
}

/** Records a run that changed nothing; best effort, the run's own error is what matters. */
async function recordFailure(session: SyncSession, row: NewRun): Promise<void> {
  try {
    await session.recordRun(row, []);
  } catch {
    // the history stays without this entry (the store may be what failed)
  }
}

/** Synchronization history in PostgreSQL: one row per run, its changes in one deflated JSON blob. */
import zlib from 'node:zlib';
import { Change, PlanSummary, type SyncRun } from '../../../../shared/model';
import type { NewRun } from '../port';
import { HISTORY_KEEP_RUNS, TEST_RUN_KEEP_CHANGES } from '../store-common';
import type { Db } from './users';

/** Records a run (a test keeps its first changes only) and prunes old runs; returns its id. */
export async function insertRun(db: Db, run: NewRun, changes: readonly Change[]): Promise<number> {
  const all = changes.filter((c) => c.action !== 'unchanged');
  const kept = run.dryRun ? all.slice(0, TEST_RUN_KEEP_CHANGES) : all;
  if (kept.length < all.length) {
    const note = `history keeps the first ${kept.length} of ${all.length} changes of this test`;
    run = { ...run, message: run.message ? `${run.message}; ${note}` : note };
  }
  const blob = zlib.deflateRawSync(Buffer.from(JSON.stringify(kept)), { level: 1 });
  const r = await db.query<{ id: string }>(
    `INSERT INTO sync_runs (started_at, finished_at, actor, dry_run, status, summary, message, changes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [run.startedAt, run.finishedAt, run.actor, run.dryRun, run.status, JSON.stringify(run.summary), run.message, blob],
  );
  await db.query('DELETE FROM sync_runs WHERE id <= (SELECT id FROM sync_runs ORDER BY id DESC LIMIT 1 OFFSET $1)', [
    HISTORY_KEEP_RUNS,
  ]);
  return Number(r.rows[0]?.id);
}

function summaryOf(text: string): PlanSummary {
  try {
    const parsed = PlanSummary.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // zeros below
  }
  return { create: 0, update: 0, delete: 0, unchanged: 0, skip: 0, held: 0 };
}

/** Runs, newest first, optionally filtered. */
export async function listRuns(
  db: Db,
  limit: number,
  filter: { actor?: string; dryRun?: boolean } = {},
): Promise<SyncRun[]> {
  const r = await db.query<{
    id: string;
    started_at: string;
    finished_at: string | null;
    actor: string;
    dry_run: boolean;
    status: SyncRun['status'];
    summary: string;
    message: string | null;
  }>(
    `SELECT id, started_at, finished_at, actor, dry_run, status, summary, message FROM sync_runs
     WHERE ($2::text IS NULL OR actor = $2) AND ($3::boolean IS NULL OR dry_run = $3) ORDER BY id DESC LIMIT $1`,
    [limit, filter.actor ?? null, filter.dryRun ?? null],
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    startedAt: x.started_at,
    finishedAt: x.finished_at,
    actor: x.actor,
    dryRun: x.dry_run,
    status: x.status,
    summary: summaryOf(x.summary),
    message: x.message,
  }));
}

/** The stored changes of a run; empty for an unknown run or a damaged blob. */
export async function runChanges(db: Db, runId: number): Promise<Change[]> {
  const r = await db.query<{ changes: Buffer }>('SELECT changes FROM sync_runs WHERE id = $1', [runId]);
  const blob = r.rows[0]?.changes;
  if (!blob) return [];
  try {
    const parsed = Change.array().safeParse(JSON.parse(zlib.inflateRawSync(blob).toString('utf8')));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

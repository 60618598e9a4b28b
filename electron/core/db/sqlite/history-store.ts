/**
 * Synchronization history in SQL: one row per run, its changes in one deflated JSON blob.
 *
 * A run of 100,000 creates is one row of about a megabyte instead of 100,000 rows to insert,
 * store and export on every later commit. `unchanged` lines are not stored (their number is in
 * the summary), and the oldest runs beyond a retention count go.
 */
import zlib from 'node:zlib';
import { Change, PlanSummary, type SyncRun } from '../../../../shared/model';
import type { NewRun } from '../port';
import { HISTORY_KEEP_RUNS, TEST_RUN_KEEP_CHANGES } from '../store-common';
import { type Sql, num, str } from './sql';

export { HISTORY_KEEP_RUNS } from '../store-common';

/** Changes per piece of the blob (under 128 KB of JSON, young garbage): no JSON text of a whole run is built. */
const PIECE = 500;

/**
 * `changes` as a deflated JSON array, made piece by piece: every piece but the last ends with a
 * sync flush (a byte-aligned, non-final block), so the pieces joined are one raw deflate stream
 * that inflateRawSync reads whole.
 */
export function deflateChanges(changes: readonly Change[]): Buffer {
  const parts: Buffer[] = [];
  const open = { level: 1, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  for (let i = 0; i < changes.length; i += PIECE) {
    const text = changes
      .slice(i, i + PIECE)
      .map((c) => JSON.stringify(c))
      .join(',');
    parts.push(zlib.deflateRawSync(Buffer.from(`${i === 0 ? '[' : ','}${text}`), open));
  }
  parts.push(zlib.deflateRawSync(Buffer.from(changes.length === 0 ? '[]' : ']'), { level: 1 }));
  return Buffer.concat(parts);
}

/** Records a run and its changes (all but `unchanged`; a test run only its first ones); returns the run id. */
export function insertRun(sql: Sql, run: NewRun, changes: readonly Change[]): number {
  const all = changes.filter((c) => c.action !== 'unchanged');
  const kept = run.dryRun ? all.slice(0, TEST_RUN_KEEP_CHANGES) : all;
  if (kept.length < all.length) {
    const note = `history keeps the first ${kept.length} of ${all.length} changes of this test`;
    run = { ...run, message: run.message ? `${run.message}; ${note}` : note };
  }
  const blob = deflateChanges(kept);
  const id = sql.insert(
    'INSERT INTO sync_runs (started_at, finished_at, actor, dry_run, status, summary, message, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [
      run.startedAt,
      run.finishedAt,
      run.actor,
      run.dryRun ? 1 : 0,
      run.status,
      JSON.stringify(run.summary),
      run.message,
      new Uint8Array(blob),
    ],
  );
  pruneRuns(sql, HISTORY_KEEP_RUNS);
  return id;
}

/** Drops runs older than the newest `keep`. */
export function pruneRuns(sql: Sql, keep: number): void {
  const cutoff = sql.one('SELECT id FROM sync_runs ORDER BY id DESC LIMIT 1 OFFSET ?', [keep]);
  if (cutoff) sql.run('DELETE FROM sync_runs WHERE id <= ?', [num(cutoff[0])]);
}

function parseSummary(text: string): PlanSummary {
  try {
    const parsed = PlanSummary.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through to zeros
  }
  return { create: 0, update: 0, delete: 0, unchanged: 0, skip: 0, held: 0 };
}

/** The newest runs first. */
export function listRunRows(sql: Sql, limit: number): SyncRun[] {
  return sql
    .all(
      'SELECT id, started_at, finished_at, actor, dry_run, status, summary, message FROM sync_runs ORDER BY id DESC LIMIT ?',
      [limit],
    )
    .map((r) => ({
      id: num(r[0]),
      startedAt: str(r[1]),
      finishedAt: r[2] === null ? null : str(r[2]),
      actor: str(r[3]),
      dryRun: num(r[4]) === 1,
      status: str(r[5]) as SyncRun['status'],
      summary: parseSummary(str(r[6])),
      message: r[7] === null ? null : str(r[7]),
    }));
}

/** The stored changes of a run, in plan order; empty for an unknown run or a damaged blob. */
export function runChangeRows(sql: Sql, runId: number): Change[] {
  const blob = sql.one('SELECT changes FROM sync_runs WHERE id = ?', [runId])?.[0];
  if (!(blob instanceof Uint8Array)) return [];
  try {
    const parsed = Change.array().safeParse(JSON.parse(zlib.inflateRawSync(blob).toString('utf8')));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/**
 * Synchronization history in SQL: one row per run, one per change.
 *
 * `unchanged` lines are not stored (a 100,000-user no-change run would add 100,000 rows each
 * time); their number is in the run's summary. The oldest runs beyond a retention count go.
 */
import { ChangeAction, PlanSummary, type Change, type SyncRun } from '../../../shared/model';
import { type Sql, num, str } from './sql';

/** How many runs the history keeps. */
export const HISTORY_KEEP_RUNS = 500;

/** A run to record. */
export type NewRun = Omit<SyncRun, 'id'>;

/** Records a run and its changes (all but `unchanged`); returns the run id. */
export function insertRun(sql: Sql, run: NewRun, changes: readonly Change[]): number {
  const id = sql.insert(
    'INSERT INTO sync_runs (started_at, finished_at, actor, dry_run, status, summary, message) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [run.startedAt, run.finishedAt, run.actor, run.dryRun ? 1 : 0, run.status, JSON.stringify(run.summary), run.message],
  );
  let seq = 0;
  for (const c of changes) {
    if (c.action === 'unchanged') continue;
    sql.run(
      'INSERT INTO sync_changes (run_id, seq, action, user_name, full_name, email_addresses, reason) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [id, seq++, c.action, c.userName, c.fullName, JSON.stringify(c.emailAddresses), c.reason],
    );
  }
  pruneRuns(sql, HISTORY_KEEP_RUNS);
  return id;
}

/** Drops runs older than the newest `keep`. */
export function pruneRuns(sql: Sql, keep: number): void {
  const cutoff = sql.one('SELECT id FROM sync_runs ORDER BY id DESC LIMIT 1 OFFSET ?', [keep]);
  if (!cutoff) return;
  sql.run('DELETE FROM sync_changes WHERE run_id <= ?', [num(cutoff[0])]);
  sql.run('DELETE FROM sync_runs WHERE id <= ?', [num(cutoff[0])]);
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
    .all('SELECT id, started_at, finished_at, actor, dry_run, status, summary, message FROM sync_runs ORDER BY id DESC LIMIT ?', [limit])
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

/** The stored changes of a run, in plan order. */
export function runChangeRows(sql: Sql, runId: number): Change[] {
  return sql
    .all('SELECT action, user_name, full_name, email_addresses, reason FROM sync_changes WHERE run_id = ? ORDER BY seq', [runId])
    .map((r) => {
      const action = ChangeAction.safeParse(str(r[0]));
      let emails: string[] = [];
      try {
        const parsed: unknown = JSON.parse(str(r[3]));
        if (Array.isArray(parsed)) emails = parsed.map(String);
      } catch {
        // a damaged row shows no addresses
      }
      return {
        action: action.success ? action.data : 'skip',
        userName: str(r[1]),
        fullName: str(r[2]),
        emailAddresses: emails,
        reason: str(r[4]),
      };
    });
}

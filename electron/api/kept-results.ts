/**
 * The changes of each session's last Test Settings or Synchronize now, and of the past run it last
 * opened in the history, kept on the main side so the results view can page through them
 * (`sync:results-page`) instead of receiving them whole.
 *
 * Memory is bounded: one list per session and slot (a new one replaces it), at most `max` in all (the
 * oldest goes first), and a session's run goes when it logs off or becomes another user (checked
 * on each use and by a sweep every `sweepMs`, so a log off frees it within that time).
 */
import { randomUUID } from 'node:crypto';
import type { Change } from '../../shared/model';
import { UserError } from '../../shared/result';
import { type ResultsPage, type ResultsView, pageOf, viewPositions } from '../../shared/results-page';
import type { Session } from '../app/session';

/** Which of a session's lists: its last run's, or the past run it opened in the history. */
export type KeptSlot = 'run' | 'history';

interface Kept {
  readonly key: string;
  readonly session: Session;
  readonly slot: KeptSlot;
  readonly owner: string;
  readonly changes: readonly Change[];
  /** The last view asked for and its positions: paging through one view sorts it once. */
  view: { key: string; positions: number[] | null } | null;
}

/** Options of {@link KeptResults}. */
export interface KeptResultsOptions {
  /** Runs kept in all (default 4). */
  readonly max?: number;
  /** How often sessions that logged off are swept (default 30 s). */
  readonly sweepMs?: number;
}

/** The store. */
export class KeptResults {
  private readonly runs: Kept[] = [];
  private readonly max: number;
  private readonly sweepMs: number;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(opts: KeptResultsOptions = {}) {
    this.max = Math.max(1, opts.max ?? 4);
    this.sweepMs = opts.sweepMs ?? 30_000;
  }

  /** Keeps changes for a session in a slot (replacing what it held); returns the key its pages are asked by. */
  keep(session: Session, changes: readonly Change[], slot: KeptSlot = 'run'): string {
    this.drop(session, slot);
    const owner = session.user?.userName ?? '';
    const kept: Kept = { key: randomUUID(), session, slot, owner, changes, view: null };
    this.runs.push(kept);
    while (this.runs.length > this.max) this.runs.shift();
    this.timer ??= setInterval(() => this.sweep(), this.sweepMs);
    this.timer.unref?.();
    return kept.key;
  }

  /** Frees what a session's slot holds, if anything. */
  drop(session: Session, slot: KeptSlot = 'run'): void {
    const i = this.runs.findIndex((r) => r.session === session && r.slot === slot);
    if (i >= 0) this.runs.splice(i, 1);
    this.stopIfEmpty();
  }

  /** One page of a session's kept run; a run no longer kept is a UserError `gone`. */
  page(session: Session, key: string, view: ResultsView, offset: number, limit: number): ResultsPage {
    this.sweep();
    const kept = this.runs.find((r) => r.key === key && r.session === session);
    if (!kept)
      throw new UserError('gone', 'these results are no longer kept: run Test Settings again, or open the run again');
    const viewKey = JSON.stringify([view.action, view.search.trim().toLowerCase(), view.sort, view.descending]);
    if (kept.view?.key !== viewKey) kept.view = { key: viewKey, positions: viewPositions(kept.changes, view) };
    return pageOf(kept.changes, kept.view.positions, offset, limit);
  }

  /** Runs kept now (tests and the load benchmark). */
  get size(): number {
    return this.runs.length;
  }

  /** Drops the runs of sessions that logged off or are now someone else. */
  sweep(): void {
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const r = this.runs[i]!;
      if ((r.session.user?.userName ?? '') !== r.owner || r.owner === '') this.runs.splice(i, 1);
    }
    this.stopIfEmpty();
  }

  /** Drops everything and stops the sweep. */
  clear(): void {
    this.runs.length = 0;
    this.stopIfEmpty();
  }

  private stopIfEmpty(): void {
    if (this.runs.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}

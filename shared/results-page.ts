/**
 * A run's results a page at a time: Test Settings and Synchronize now answer the counts, the
 * warnings and the first page; the changes stay on the main side, and the results view asks for
 * further pages (filtered by action, searched, sorted) as it scrolls. 100,000 changes then cost the
 * renderer the rows looked at, not the whole list. A past run of the history is opened the same way
 * (`history:open`) and paged by the same pure function.
 */
import { z } from 'zod';
import { Change, ChangeAction, PlanSummary, SourceWarning, type ChangeAction as Action } from './model';

/** How the rows are filtered and ordered. */
export const ResultsView = z.object({
  /** One action, or all of them. */
  action: z.union([ChangeAction, z.literal('all')]).default('all'),
  /** Part of the user name, full name or an address, any case. */
  search: z.string().max(200).default(''),
  /** `plan`: the order of the plan (by user name, deletes last). */
  sort: z.enum(['plan', 'userName', 'action']).default('plan'),
  descending: z.boolean().default(false),
});
export type ResultsView = z.infer<typeof ResultsView>;

/** The most rows one page may carry. */
export const RESULTS_PAGE_MAX = 1000;

/** One page of a kept run's results. */
export const ResultsPageQuery = ResultsView.extend({
  /** The key the run's answer gave (`results`). */
  results: z.string().min(1).max(64),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(RESULTS_PAGE_MAX).default(100),
});
export type ResultsPageQuery = z.infer<typeof ResultsPageQuery>;

/** The page, the number of changes matching the view, and of all changes. */
export const ResultsPage = z.object({
  rows: z.array(Change),
  total: z.number().int(),
  all: z.number().int(),
});
export type ResultsPage = z.infer<typeof ResultsPage>;

/**
 * What Test Settings and Synchronize now answer: the counts by action, the warnings, the history
 * entry, and the first page of the changes in plan order; `results` names the kept changes for
 * `sync:results-page`.
 */
export const RunAnswer = z.object({
  dryRun: z.boolean(),
  summary: PlanSummary,
  warnings: z.array(SourceWarning),
  runId: z.number().int().nullable().optional(),
  results: z.string(),
  first: ResultsPage,
});
export type RunAnswer = z.infer<typeof RunAnswer>;

/** A past run's changes opened for paging (`history:open`): `results` names them for `sync:results-page`. */
export const KeptChanges = z.object({
  results: z.string(),
  first: ResultsPage,
});
export type KeptChanges = z.infer<typeof KeptChanges>;

/** Rows in the first page of a run's answer. */
export const FIRST_PAGE = 100;

const ORDER: Record<Action, number> = Object.fromEntries(ChangeAction.options.map((a, i) => [a, i])) as Record<
  Action,
  number
>;

function matches(c: Change, needle: string): boolean {
  if (c.userName.toLowerCase().includes(needle) || c.fullName.toLowerCase().includes(needle)) return true;
  for (const a of c.emailAddresses) if (a.toLowerCase().includes(needle)) return true;
  return false;
}

/**
 * The positions of the changes a view shows, in its order; null when it shows all in plan order
 * (no index array is made for the common case).
 */
export function viewPositions(changes: readonly Change[], view: ResultsView): number[] | null {
  const needle = view.search.trim().toLowerCase();
  if (view.action === 'all' && needle === '' && view.sort === 'plan' && !view.descending) return null;
  const out: number[] = [];
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    if ((view.action === 'all' || c.action === view.action) && (needle === '' || matches(c, needle))) out.push(i);
  }
  if (view.sort !== 'plan') {
    const keys = new Map<number, string>();
    for (const i of out) keys.set(i, changes[i]!.userName.toLowerCase());
    const byAction = view.sort === 'action';
    out.sort((a, b) => {
      if (byAction) {
        const d = ORDER[changes[a]!.action] - ORDER[changes[b]!.action];
        if (d !== 0) return d;
      }
      const x = keys.get(a)!;
      const y = keys.get(b)!;
      return x < y ? -1 : x > y ? 1 : a - b;
    });
  }
  if (view.descending) out.reverse();
  return out;
}

/** One page of the changes through a view's positions (from {@link viewPositions}). */
export function pageOf(
  changes: readonly Change[],
  positions: readonly number[] | null,
  offset: number,
  limit: number,
): ResultsPage {
  const total = positions ? positions.length : changes.length;
  const end = Math.min(total, offset + limit);
  const rows: Change[] = [];
  for (let i = offset; i < end; i++) rows.push(changes[positions ? positions[i]! : i]!);
  return { rows, total, all: changes.length };
}

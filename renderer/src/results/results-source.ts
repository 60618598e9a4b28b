/**
 * Where a results view gets its pages: a run kept on the main side (`sync:results-page`), or a
 * list already in the renderer (a history entry), paged by the same pure function.
 */
import type { Change } from '../../../shared/model';
import {
  type ResultsPage,
  type ResultsView,
  type RunAnswer,
  pageOf,
  viewPositions,
} from '../../../shared/results-page';
import type { Result } from '../../../shared/result';
import { call } from '../lib/call';

/** A source of change pages. */
export interface ResultsSource {
  /** Names the changes: a new key is a new list. */
  readonly key: string;
  fetch(view: ResultsView, offset: number, limit: number): Promise<Result<ResultsPage>>;
  /** The first page of the plain view (all, plan order), when it came with the answer. */
  readonly first?: ResultsPage;
}

/** The pages of a run's answer, asked of the main side. */
export function runSource(answer: RunAnswer): ResultsSource {
  return {
    key: answer.results,
    first: answer.first,
    fetch: (view, offset, limit) => call('sync:results-page', { ...view, results: answer.results, offset, limit }),
  };
}

/** The pages of a list the renderer holds. */
export function listSource(key: string, changes: readonly Change[]): ResultsSource {
  let last: { key: string; positions: number[] | null } | null = null;
  return {
    key,
    fetch: (view, offset, limit) => {
      const viewKey = JSON.stringify(view);
      if (last?.key !== viewKey) last = { key: viewKey, positions: viewPositions(changes, view) };
      return Promise.resolve({ ok: true, value: pageOf(changes, last.positions, offset, limit) });
    },
  };
}

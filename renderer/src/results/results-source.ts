/**
 * Where a results view gets its pages: changes kept on the main side (a run's, or a past run's
 * opened in the history), asked for a page at a time with `sync:results-page`.
 */
import type { KeptChanges, ResultsPage, ResultsView } from '../../../shared/results-page';
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

/** The pages of changes kept on the main side: a run's answer, or a past run opened in the history. */
export function keptSource(kept: KeptChanges): ResultsSource {
  return {
    key: kept.results,
    first: kept.first,
    fetch: (view, offset, limit) => call('sync:results-page', { ...view, results: kept.results, offset, limit }),
  };
}

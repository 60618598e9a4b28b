/**
 * The changes of a plan or run in the shared paged table: only the visible rows are in the DOM and
 * they come a page at a time, so 100,000 changes scroll as smoothly as 10. The Action and User
 * name headers sort.
 */
import { useCallback } from 'react';
import type { Change } from '../../../shared/model';
import type { ResultsView } from '../../../shared/results-page';
import { PagedTable, type Column, type TableSort } from '../common/PagedTable';
import { ACTION_COLORS, ACTION_LABELS } from './actions';

const COLUMNS = '96px minmax(160px, 1.2fr) minmax(120px, 1fr) minmax(180px, 1.5fr) minmax(160px, 1.5fr)';
const MIN_WIDTH = 716;

const addresses = (c: Change) => c.emailAddresses.join(', ');
const COLUMN_DEFS: readonly Column<Change>[] = [
  {
    label: 'Action',
    sortKey: 'action',
    bold: true,
    render: (c) => ACTION_LABELS[c.action],
    style: (c) => ({ color: ACTION_COLORS[c.action] }),
  },
  { label: 'User name', sortKey: 'userName', render: (c) => c.userName, title: (c) => c.userName },
  { label: 'Full name', render: (c) => c.fullName, title: (c) => c.fullName },
  { label: 'Email addresses', render: addresses, title: addresses },
  { label: 'Reason', render: (c) => c.reason, title: (c) => c.reason },
];

/** The order of the rows: the plan's, or by a column. */
export type ChangesSort = Pick<ResultsView, 'sort' | 'descending'>;

interface Props {
  /** Rows in the view. */
  count: number;
  /** The row at an index, or undefined while its page loads. */
  rowAt: (index: number) => Change | undefined;
  /** Rows about to be shown: their pages are asked for. */
  onRange: (start: number, end: number) => void;
  sort: ChangesSort;
  onSort: (sort: ChangesSort) => void;
  /** Height of the scrolling body in pixels, or `'fill'` to take the free height of a flex column. */
  height?: number | 'fill';
  label?: string;
}

/** The table; an empty list shows a one-line note instead of rows. */
export function ChangesTable({ count, rowAt, onRange, sort, onSort, height = 320, label = 'Changes' }: Props) {
  const onTableSort = useCallback(
    (s: TableSort) => onSort({ sort: s.key as ChangesSort['sort'], descending: s.descending }),
    [onSort],
  );
  return (
    <PagedTable
      kind="table"
      label={label}
      columns={COLUMN_DEFS}
      template={COLUMNS}
      minWidth={MIN_WIDTH}
      count={count}
      rowAt={rowAt}
      onRange={onRange}
      sort={sort.sort === 'plan' ? null : { key: sort.sort, descending: sort.descending }}
      onSort={onTableSort}
      height={height}
      empty="No changes to show."
    />
  );
}

/**
 * The changes of a plan or run as a virtualized ARIA table: only the visible rows are in the DOM,
 * and their rows come a page at a time (a row not yet loaded says so), so 100,000 changes scroll as
 * smoothly as 10. The Action and User name headers sort.
 */
import { useEffect, useRef } from 'react';
import Box from '@mui/material/Box';
import TableSortLabel from '@mui/material/TableSortLabel';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Change } from '../../../shared/model';
import type { ResultsView } from '../../../shared/results-page';
import { ACTION_COLORS, ACTION_LABELS } from './actions';

const ROW_HEIGHT = 26;
const COLUMNS = '96px minmax(160px, 1.2fr) minmax(120px, 1fr) minmax(180px, 1.5fr) minmax(160px, 1.5fr)';
const MIN_WIDTH = 716;
const HEADERS: { label: string; sort?: 'action' | 'userName' }[] = [
  { label: 'Action', sort: 'action' },
  { label: 'User name', sort: 'userName' },
  { label: 'Full name' },
  { label: 'Email addresses' },
  { label: 'Reason' },
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

/** The smallest body a filling table shrinks to: a few rows stay visible in a small window. */
const FILL_MIN_HEIGHT = 6 * ROW_HEIGHT;

/** The table; an empty list shows a one-line note instead of rows. */
export function ChangesTable({ count, rowAt, onRange, sort, onSort, height = 320, label = 'Changes' }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const fill = height === 'fill';
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (count > 0) onRange(first, last);
  }, [first, last, count, onRange]);

  return (
    <Box
      role="table"
      aria-label={label}
      aria-rowcount={count + 1}
      sx={{
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        fontSize: '0.8125rem',
        bgcolor: 'background.paper',
        ...(fill && { flex: 1, minHeight: FILL_MIN_HEIGHT, display: 'flex', flexDirection: 'column' }),
        '& .row': { display: 'grid', gridTemplateColumns: COLUMNS, alignItems: 'center' },
        '& .cell': { px: 1, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
        '& .head': {
          fontWeight: 600,
          bgcolor: 'app.surface',
          borderBottom: 1,
          borderColor: 'divider',
          height: ROW_HEIGHT + 2,
        },
        '& .body': { minWidth: MIN_WIDTH },
        '& .body .row': {
          position: 'absolute',
          top: 0,
          left: 0,
          width: '100%',
          minWidth: MIN_WIDTH,
          height: ROW_HEIGHT,
          borderBottom: '1px solid',
          borderBottomColor: 'divider',
        },
        '& .body .row:hover': { bgcolor: 'app.rowHover' },
        '& .action': { fontWeight: 600 },
      }}
    >
      <Box
        ref={scrollRef}
        tabIndex={0}
        aria-label={`${label}: scroll with the arrow keys`}
        sx={{
          ...(fill ? { flex: 1, minHeight: 0 } : { height }),
          overflow: 'auto',
          '&:focus-visible': { outline: '2px solid', outlineColor: 'primary.main' },
        }}
      >
        <div role="rowgroup" style={{ position: 'sticky', top: 0, zIndex: 1, minWidth: MIN_WIDTH }}>
          <div role="row" aria-rowindex={1} className="row head">
            {HEADERS.map((h) => {
              const active = h.sort !== undefined && sort.sort === h.sort;
              return (
                <div
                  role="columnheader"
                  className="cell"
                  key={h.label}
                  aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : undefined}
                >
                  {h.sort ? (
                    <TableSortLabel
                      active={active}
                      direction={active && sort.descending ? 'desc' : 'asc'}
                      onClick={() => onSort({ sort: h.sort!, descending: active ? !sort.descending : false })}
                    >
                      {h.label}
                    </TableSortLabel>
                  ) : (
                    h.label
                  )}
                </div>
              );
            })}
          </div>
        </div>
        {count === 0 ? (
          <div role="rowgroup">
            <Box role="row" sx={{ p: 1, color: 'text.secondary' }}>
              <span role="cell">No changes to show.</span>
            </Box>
          </div>
        ) : (
          <div role="rowgroup" className="body" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((v) => {
              const c = rowAt(v.index);
              if (!c)
                return (
                  <div
                    key={v.key}
                    role="row"
                    aria-rowindex={v.index + 2}
                    aria-busy="true"
                    className="row"
                    style={{ transform: `translateY(${v.start}px)` }}
                  >
                    <div role="cell" className="cell" style={{ color: 'gray' }}>
                      Loading…
                    </div>
                  </div>
                );
              const addresses = c.emailAddresses.join(', ');
              return (
                <div
                  key={v.key}
                  role="row"
                  aria-rowindex={v.index + 2}
                  className="row"
                  style={{ transform: `translateY(${v.start}px)` }}
                >
                  <div role="cell" className="cell action" style={{ color: ACTION_COLORS[c.action] }}>
                    {ACTION_LABELS[c.action]}
                  </div>
                  <div role="cell" className="cell" title={c.userName}>
                    {c.userName}
                  </div>
                  <div role="cell" className="cell" title={c.fullName}>
                    {c.fullName}
                  </div>
                  <div role="cell" className="cell" title={addresses}>
                    {addresses}
                  </div>
                  <div role="cell" className="cell" title={c.reason}>
                    {c.reason}
                  </div>
                </div>
              );
            })}
          </div>
        )}
      </Box>
    </Box>
  );
}

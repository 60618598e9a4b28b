/**
 * A virtualized ARIA table over rows that come a page at a time (the Users list, a run's results):
 * only the visible rows are in the DOM, a row whose page is still loading says so, the visible
 * range is reported so its pages are asked for, and sortable headers sort. As a `grid` it has one
 * selected row: arrow keys, Home/End and Page keys move it, Enter opens, Delete asks to delete.
 */
import { useEffect, useRef, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';
import Box from '@mui/material/Box';
import TableSortLabel from '@mui/material/TableSortLabel';
import { useVirtualizer } from '@tanstack/react-virtual';

const ROW = 26;

/** One column: its header, how a row shows in it, and the sort key its header sorts by. */
export interface Column<Row> {
  readonly label: string;
  readonly sortKey?: string;
  readonly render: (row: Row) => ReactNode;
  /** The cell's tooltip (the full text of a cut one). */
  readonly title?: (row: Row) => string;
  readonly style?: (row: Row) => CSSProperties;
  readonly bold?: boolean;
}

/** The sort: a column's key, and its direction. */
export interface TableSort {
  readonly key: string;
  readonly descending: boolean;
}

interface Props<Row> {
  label: string;
  /** `table`: read-only rows; `grid`: one selected row, keyboard navigation. */
  kind: 'table' | 'grid';
  columns: readonly Column<Row>[];
  /** CSS grid columns, and the width below which the table scrolls sideways inside itself. */
  template: string;
  minWidth: number;
  count: number;
  rowAt: (index: number) => Row | undefined;
  onRange: (start: number, end: number) => void;
  sort: TableSort | null;
  onSort: (sort: TableSort) => void;
  /** Pixels, `'fill'` (the free height of a flex column), or a CSS height. */
  height: number | string;
  /** Shown when there are no rows. */
  empty?: string;
  selected?: number | null;
  onSelect?: (index: number) => void;
  onOpen?: (index: number) => void;
  onDelete?: (index: number) => void;
  /** The id of a row (a grid's active descendant). */
  rowId?: (index: number) => string;
}

/** The smallest body a filling table shrinks to: a few rows stay visible in a small window. */
const FILL_MIN_HEIGHT = 6 * ROW;

/** The table. */
export function PagedTable<Row>(p: Props<Row>) {
  const { kind, count, selected = null, rowId } = p;
  const grid = kind === 'grid';
  const cellRole = grid ? 'gridcell' : 'cell';
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 12 });
  const items = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { onRange } = p;
  const index = selected ?? -1;
  const fill = p.height === 'fill';

  useEffect(() => {
    if (count > 0) onRange(first, last);
  }, [first, last, count, onRange]);
  useEffect(() => {
    if (grid && index >= 0) v.scrollToIndex(index, { align: 'auto' });
  }, [grid, index, v]);

  const onKey = (e: KeyboardEvent) => {
    if (!grid || count === 0) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW * 10) / ROW) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: count - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      p.onSelect?.(Math.max(0, Math.min(count - 1, index < 0 ? 0 : moves[e.key]!)));
    } else if (e.key === 'Enter' && selected !== null) {
      e.preventDefault();
      p.onOpen?.(selected);
    } else if (e.key === 'Delete' && selected !== null) {
      e.preventDefault();
      p.onDelete?.(selected);
    }
  };

  const tableAria = { role: kind, 'aria-label': p.label, 'aria-rowcount': count + 1 };
  return (
    <Box
      {...(grid ? {} : tableAria)}
      sx={{
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        bgcolor: 'background.paper',
        fontSize: '0.8125rem',
        ...(fill && { flex: 1, minHeight: FILL_MIN_HEIGHT, display: 'flex', flexDirection: 'column' }),
        '& .row': {
          display: 'grid',
          gridTemplateColumns: p.template,
          alignItems: 'center',
          minWidth: p.minWidth,
          height: ROW,
        },
        '& .cell': { px: 1, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
        '& .head': { fontWeight: 600, bgcolor: 'app.surface', borderBottom: 1, borderColor: 'divider' },
        '& .body .row': {
          position: 'absolute',
          top: 0,
          left: 0,
          width: '100%',
          borderBottom: '1px solid',
          borderBottomColor: 'divider',
          cursor: 'default',
        },
        '& .body .row:hover': { bgcolor: 'app.rowHover' },
        '& .body .row[aria-selected="true"]': { bgcolor: 'app.rowSelected' },
      }}
    >
      <Box
        ref={scrollRef}
        {...(grid
          ? { ...tableAria, 'aria-activedescendant': index >= 0 && rowId ? rowId(index) : undefined }
          : { 'aria-label': `${p.label}: scroll with the arrow keys` })}
        tabIndex={0}
        onKeyDown={onKey}
        sx={{
          ...(fill ? { flex: 1, minHeight: 0 } : { height: p.height }),
          ...(typeof p.height === 'string' && !fill && { minHeight: 240 }),
          overflow: 'auto',
          '&:focus-visible': { outline: '2px solid', outlineColor: 'primary.main' },
        }}
      >
        <div role="rowgroup" style={{ position: 'sticky', top: 0, zIndex: 1 }}>
          <div role="row" aria-rowindex={1} className="row head">
            {p.columns.map((c) => {
              const active = c.sortKey !== undefined && p.sort?.key === c.sortKey;
              const descending = active && p.sort?.descending === true;
              return (
                <div
                  role="columnheader"
                  className="cell"
                  key={c.label}
                  aria-sort={active ? (descending ? 'descending' : 'ascending') : undefined}
                >
                  {c.sortKey ? (
                    <TableSortLabel
                      active={active}
                      direction={descending ? 'desc' : 'asc'}
                      onClick={() => p.onSort({ key: c.sortKey!, descending: active ? !descending : false })}
                    >
                      {c.label}
                    </TableSortLabel>
                  ) : (
                    c.label
                  )}
                </div>
              );
            })}
          </div>
        </div>
        {count === 0 && p.empty ? (
          <div role="rowgroup">
            <Box role="row" sx={{ p: 1, color: 'text.secondary' }}>
              <span role={cellRole}>{p.empty}</span>
            </Box>
          </div>
        ) : (
          <div
            role="rowgroup"
            className="body"
            style={{ height: v.getTotalSize(), position: 'relative', minWidth: p.minWidth }}
          >
            {items.map((item) => {
              const row = p.rowAt(item.index);
              const place = { transform: `translateY(${item.start}px)` };
              if (row === undefined)
                return (
                  <div
                    key={item.key}
                    role="row"
                    aria-rowindex={item.index + 2}
                    aria-busy="true"
                    className="row"
                    style={place}
                  >
                    <div role={cellRole} className="cell" style={{ color: 'gray' }}>
                      Loading…
                    </div>
                  </div>
                );
              return (
                <div
                  key={item.key}
                  id={rowId?.(item.index)}
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-selected={grid ? item.index === selected : undefined}
                  className="row"
                  style={place}
                  onClick={grid ? () => p.onSelect?.(item.index) : undefined}
                  onDoubleClick={grid ? () => p.onOpen?.(item.index) : undefined}
                >
                  {p.columns.map((c) => (
                    <div
                      key={c.label}
                      role={cellRole}
                      className="cell"
                      title={c.title?.(row)}
                      style={{ ...(c.bold && { fontWeight: 600 }), ...c.style?.(row) }}
                    >
                      {c.render(row)}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </Box>
    </Box>
  );
}

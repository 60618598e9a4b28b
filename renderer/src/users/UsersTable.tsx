/**
 * The user list as a virtualized ARIA grid with one selected row: arrow keys, Home/End and
 * Page keys move the selection, Enter opens Properties, Delete asks to delete. Rows come a page at
 * a time from the server (use-users-pages.ts); the User name and Full name headers sort.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import Box from '@mui/material/Box';
import TableSortLabel from '@mui/material/TableSortLabel';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ChannelOutput } from '../../../shared/contract';

type UserRow = ChannelOutput<'users:page'>['rows'][number];

const ROW = 26;
// Fits the 1024-px window beside the navigation without scrolling sideways.
const COLUMNS = 'minmax(170px, 1.6fr) minmax(110px, 1fr) minmax(120px, 1.2fr) 116px 104px 72px';
const MIN_WIDTH = 692;

/** The sortable columns. */
export type UsersSort = { by: 'userName' | 'fullName'; descending: boolean };

const HEADERS: { label: string; sort?: UsersSort['by'] }[] = [
  { label: 'User name', sort: 'userName' },
  { label: 'Full name', sort: 'fullName' },
  { label: 'Other addresses' },
  { label: 'Authentication' },
  { label: 'Logon' },
  { label: 'Messages' },
];

/** Administrator, may log on, or neither, in words. */
export function logonLabel(u: Pick<UserRow, 'privileges'>): string {
  if (u.privileges.includes('admin')) return 'Administrator';
  return u.privileges.includes('login') ? 'May log on' : 'No logon';
}

/** The addresses other than the user name itself (it is shown in its own column). */
function otherAddresses(u: UserRow): string {
  const name = u.userName.toLowerCase();
  return u.emailAddresses.filter((a) => a.toLowerCase() !== name).join(', ');
}

interface Props {
  count: number;
  rowAt: (index: number) => UserRow | undefined;
  /** Rows about to be shown: their pages are asked for. */
  onRange: (start: number, end: number) => void;
  selected: number | null;
  onSelect: (index: number) => void;
  onOpen: (index: number) => void;
  onDelete: (index: number) => void;
  sort: UsersSort;
  onSort: (sort: UsersSort) => void;
}

const rowId = (i: number) => `user-row-${i}`;

/** The grid. */
export function UsersTable({ count, rowAt, onRange, selected, onSelect, onOpen, onDelete, sort, onSort }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 12,
  });
  const index = selected ?? -1;
  const items = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (index >= 0) v.scrollToIndex(index, { align: 'auto' });
  }, [index, v]);
  useEffect(() => {
    if (count > 0) onRange(first, last);
  }, [first, last, count, onRange]);

  const onKey = (e: KeyboardEvent) => {
    if (count === 0) return;
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
      onSelect(Math.max(0, Math.min(count - 1, index < 0 ? 0 : moves[e.key]!)));
    } else if (e.key === 'Enter' && selected !== null) {
      e.preventDefault();
      onOpen(selected);
    } else if (e.key === 'Delete' && selected !== null) {
      e.preventDefault();
      onDelete(selected);
    }
  };

  return (
    <Box
      sx={{
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        bgcolor: 'background.paper',
        fontSize: '0.8125rem',
        '& .row': {
          display: 'grid',
          gridTemplateColumns: COLUMNS,
          alignItems: 'center',
          minWidth: MIN_WIDTH,
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
        role="grid"
        aria-label="Users"
        aria-rowcount={count + 1}
        aria-activedescendant={index >= 0 ? rowId(index) : undefined}
        tabIndex={0}
        onKeyDown={onKey}
        sx={{
          height: 'calc(100vh - 290px)',
          minHeight: 240,
          overflow: 'auto',
          '&:focus-visible': { outline: '2px solid', outlineColor: 'primary.main' },
        }}
      >
        <div role="rowgroup" style={{ position: 'sticky', top: 0, zIndex: 1 }}>
          <div role="row" aria-rowindex={1} className="row head">
            {HEADERS.map((h) => {
              const active = h.sort !== undefined && sort.by === h.sort;
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
                      onClick={() => onSort({ by: h.sort!, descending: active ? !sort.descending : false })}
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
        <div
          role="rowgroup"
          className="body"
          style={{ height: v.getTotalSize(), position: 'relative', minWidth: MIN_WIDTH }}
        >
          {items.map((item) => {
            const u = rowAt(item.index);
            if (!u)
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  className="row"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <div role="gridcell" className="cell" style={{ color: 'gray' }}>
                    Loading…
                  </div>
                </div>
              );
            const addresses = otherAddresses(u);
            return (
              <div
                key={item.key}
                id={rowId(item.index)}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={item.index === selected}
                className="row"
                style={{ transform: `translateY(${item.start}px)` }}
                onClick={() => onSelect(item.index)}
                onDoubleClick={() => onOpen(item.index)}
              >
                <div role="gridcell" className="cell" title={u.userName}>
                  {u.userName}
                </div>
                <div role="gridcell" className="cell" title={u.fullName}>
                  {u.fullName}
                </div>
                <div role="gridcell" className="cell" title={addresses}>
                  {addresses}
                </div>
                <div role="gridcell" className="cell">
                  {u.authentication === 'integrated' ? 'Integrated' : 'Directory Services'}
                </div>
                <div role="gridcell" className="cell">
                  {logonLabel(u)}
                </div>
                <div role="gridcell" className="cell" style={{ textAlign: 'right' }}>
                  {u.messages.toLocaleString()}
                </div>
              </div>
            );
          })}
        </div>
      </Box>
    </Box>
  );
}

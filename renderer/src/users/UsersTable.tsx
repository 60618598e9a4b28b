/**
 * The user list as a virtualized ARIA grid with one selected row: arrow keys, Home/End and
 * Page keys move the selection, Enter opens Properties, Delete asks to delete.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import Box from '@mui/material/Box';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ChannelOutput } from '../../../shared/contract';

type UserRow = ChannelOutput<'users:list'>[number];

const ROW = 26;
const COLUMNS = 'minmax(180px, 1.3fr) minmax(140px, 1fr) minmax(200px, 1.6fr) 140px 90px';
const MIN_WIDTH = 750;
const HEADERS = ['User name', 'Full name', 'Email addresses', 'Authentication', 'Messages'];

interface Props {
  users: readonly UserRow[];
  selected: string | null;
  onSelect: (userName: string) => void;
  onOpen: (userName: string) => void;
  onDelete: (userName: string) => void;
}

const rowId = (i: number) => `user-row-${i}`;

/** The grid. */
export function UsersTable({ users, selected, onSelect, onOpen, onDelete }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: users.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 12,
  });
  const index = users.findIndex((u) => u.userName === selected);

  useEffect(() => {
    if (index >= 0) v.scrollToIndex(index, { align: 'auto' });
  }, [index, v]);

  const onKey = (e: KeyboardEvent) => {
    if (users.length === 0) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW * 10) / ROW) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: users.length - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      const next = Math.max(0, Math.min(users.length - 1, index < 0 ? 0 : moves[e.key]!));
      onSelect(users[next]!.userName);
    } else if (e.key === 'Enter' && selected) {
      e.preventDefault();
      onOpen(selected);
    } else if (e.key === 'Delete' && selected) {
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
        '& .head': { fontWeight: 600, bgcolor: '#f3f5f7', borderBottom: 1, borderColor: 'divider' },
        '& .body .row': {
          position: 'absolute',
          top: 0,
          left: 0,
          width: '100%',
          borderBottom: '1px solid #eef0f2',
          cursor: 'default',
        },
        '& .body .row:hover': { bgcolor: '#f5f8fb' },
        '& .body .row[aria-selected="true"]': { bgcolor: '#dce8f4' },
      }}
    >
      <Box
        ref={scrollRef}
        role="grid"
        aria-label="Users"
        aria-rowcount={users.length + 1}
        aria-activedescendant={index >= 0 ? rowId(index) : undefined}
        tabIndex={0}
        onKeyDown={onKey}
        sx={{
          height: 'calc(100vh - 230px)',
          minHeight: 240,
          overflow: 'auto',
          '&:focus-visible': { outline: '2px solid', outlineColor: 'primary.main' },
        }}
      >
        <div role="rowgroup" style={{ position: 'sticky', top: 0, zIndex: 1 }}>
          <div role="row" aria-rowindex={1} className="row head">
            {HEADERS.map((h) => (
              <div role="columnheader" className="cell" key={h}>
                {h}
              </div>
            ))}
          </div>
        </div>
        <div
          role="rowgroup"
          className="body"
          style={{ height: v.getTotalSize(), position: 'relative', minWidth: MIN_WIDTH }}
        >
          {v.getVirtualItems().map((item) => {
            const u = users[item.index]!;
            const addresses = u.emailAddresses.join(', ');
            return (
              <div
                key={item.key}
                id={rowId(item.index)}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={u.userName === selected}
                className="row"
                style={{ transform: `translateY(${item.start}px)` }}
                onClick={() => onSelect(u.userName)}
                onDoubleClick={() => onOpen(u.userName)}
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

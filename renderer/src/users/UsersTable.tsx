/**
 * The user list in the shared paged table, as a grid with one selected row: arrow keys, Home/End
 * and Page keys move the selection, Enter opens Properties, Delete asks to delete. Rows come a page
 * at a time from the server (use-users-pages.ts); the User name and Full name headers sort.
 */
import { useCallback } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import { PagedTable, type Column, type TableSort } from '../common/PagedTable';

type UserRow = ChannelOutput<'users:page'>['rows'][number];

// Fits the 1024-px window beside the navigation without scrolling sideways.
const COLUMNS = 'minmax(170px, 1.6fr) minmax(110px, 1fr) minmax(120px, 1.2fr) 116px 104px 72px';
const MIN_WIDTH = 692;

/** The sortable columns. */
export type UsersSort = { by: 'userName' | 'fullName'; descending: boolean };

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

const COLUMN_DEFS: readonly Column<UserRow>[] = [
  { label: 'User name', sortKey: 'userName', render: (u) => u.userName, title: (u) => u.userName },
  { label: 'Full name', sortKey: 'fullName', render: (u) => u.fullName, title: (u) => u.fullName },
  { label: 'Other addresses', render: otherAddresses, title: otherAddresses },
  {
    label: 'Authentication',
    render: (u) => (u.authentication === 'integrated' ? 'Integrated' : 'Directory Services'),
  },
  { label: 'Logon', render: logonLabel },
  { label: 'Messages', render: (u) => u.messages.toLocaleString(), style: () => ({ textAlign: 'right' }) },
];

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
  const onTableSort = useCallback(
    (s: TableSort) => onSort({ by: s.key as UsersSort['by'], descending: s.descending }),
    [onSort],
  );
  return (
    <PagedTable
      kind="grid"
      label="Users"
      columns={COLUMN_DEFS}
      template={COLUMNS}
      minWidth={MIN_WIDTH}
      count={count}
      rowAt={rowAt}
      onRange={onRange}
      sort={{ key: sort.by, descending: sort.descending }}
      onSort={onTableSort}
      height="calc(100vh - 290px)"
      selected={selected}
      onSelect={onSelect}
      onOpen={onOpen}
      onDelete={onDelete}
      rowId={rowId}
    />
  );
}

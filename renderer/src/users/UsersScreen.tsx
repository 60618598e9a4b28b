/**
 * Users: the archive's user database a page at a time from the server, sorted, searched and
 * filtered there (authentication, who may log on), with New user…, Properties… and Delete.
 */
import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { ErrorAlert } from '../common/ErrorAlert';
import { plural } from '../lib/format';
import { useAction } from '../lib/use-action';
import { UserPropertiesDialog } from './UserPropertiesDialog';
import { UsersTable, type UsersSort } from './UsersTable';
import { useUsersPages, type UsersListQuery } from './use-users-pages';

type Auth = UsersListQuery['authentication'];
type Priv = UsersListQuery['privilege'];

/** Typing in the search box asks the server after this pause. */
const SEARCH_DEBOUNCE_MS = 250;

/** The screen. */
export function UsersScreen() {
  const remove = useAction('users:delete');
  const [search, setSearch] = useState('');
  const [searched, setSearched] = useState('');
  const [auth, setAuth] = useState<Auth>('all');
  const [priv, setPriv] = useState<Priv>('all');
  const [sort, setSort] = useState<UsersSort>({ by: 'userName', descending: false });
  const list = useUsersPages({
    search: searched,
    sort: sort.by,
    descending: sort.descending,
    authentication: auth,
    privilege: priv,
  });
  const [selected, setSelected] = useState<number | null>(null);
  const [editing, setEditing] = useState<{ kind: 'new' } | { kind: 'edit'; userName: string } | null>(null);
  const [editUser, setEditUser] = useState<ReturnType<typeof list.rowAt> | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => setSearched(search.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search]);
  // A new query is a new list: the selection was an index into the old one.
  useEffect(() => setSelected(null), [searched, auth, priv, sort]);

  const current = selected === null ? null : (list.rowAt(selected) ?? null);
  const isBuiltInAdmin = (name: string | null | undefined) => name?.toLowerCase() === 'admin';
  const open = (index: number) => {
    const u = list.rowAt(index);
    if (!u) return;
    setEditUser(u);
    setEditing({ kind: 'edit', userName: u.userName });
  };
  const askDelete = (index: number) => {
    const name = list.rowAt(index)?.userName;
    if (name && !isBuiltInAdmin(name)) setDeleting(name);
  };
  const filtered = searched !== '' || auth !== 'all' || priv !== 'all';
  const countText =
    list.total === null
      ? ''
      : filtered
        ? `${plural(list.total, 'user')} of ${(list.all ?? 0).toLocaleString()}`
        : plural(list.total, 'user');

  const confirmDelete = async () => {
    const name = deleting;
    setDeleting(null);
    if (!name) return;
    const r = await remove.run({ userName: name });
    if (!r.ok) return;
    setNotice(
      r.value.folderKept
        ? `User “${name}” was deleted. The archive folder was kept: it holds ${plural(r.value.messages, 'message')}.`
        : `User “${name}” was deleted, together with the empty archive folder.`,
    );
    setSelected(null);
    list.reload();
  };

  return (
    <Box sx={{ p: 2 }}>
      <Typography variant="h1" sx={{ mb: 1 }}>
        Users
      </Typography>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mb: 1, flexWrap: 'wrap' }}>
        <TextField
          label="Search users"
          type="search"
          margin="none"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          sx={{ width: 220 }}
        />
        <TextField
          select
          label="Authentication"
          margin="none"
          value={auth}
          onChange={(e) => setAuth(e.target.value as Auth)}
          sx={{ width: 170 }}
        >
          <MenuItem value="all">All</MenuItem>
          <MenuItem value="integrated">Integrated</MenuItem>
          <MenuItem value="directoryServices">Directory Services</MenuItem>
        </TextField>
        <TextField
          select
          label="Logon"
          margin="none"
          value={priv}
          onChange={(e) => setPriv(e.target.value as Priv)}
          sx={{ width: 160 }}
        >
          <MenuItem value="all">All</MenuItem>
          <MenuItem value="admin">Administrators</MenuItem>
          <MenuItem value="login">May log on</MenuItem>
          <MenuItem value="none">May not log on</MenuItem>
        </TextField>
        <Typography variant="body2" color="text.secondary" sx={{ flex: 1, minWidth: 100 }} role="status">
          {countText}
        </Typography>
      </Box>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mb: 1, flexWrap: 'wrap' }}>
        <Button variant="contained" onClick={() => setEditing({ kind: 'new' })}>
          New user…
        </Button>
        <Button onClick={() => selected !== null && open(selected)} disabled={!current}>
          Properties…
        </Button>
        <Button
          color="error"
          onClick={() => selected !== null && askDelete(selected)}
          disabled={!current || isBuiltInAdmin(current.userName) || remove.busy}
        >
          Delete
        </Button>
        <Button onClick={list.reload}>Refresh</Button>
      </Box>
      {notice && (
        <Alert severity="success" onClose={() => setNotice(null)} sx={{ mb: 1 }} role="status">
          {notice}
        </Alert>
      )}
      <ErrorAlert error={list.error} />
      <ErrorAlert error={remove.error} onClose={() => remove.setError(null)} />
      {list.loading && list.total === null && <LinearProgress aria-label="Loading users" />}
      <UsersTable
        count={list.total ?? 0}
        rowAt={list.rowAt}
        onRange={list.ensure}
        selected={selected}
        onSelect={setSelected}
        onOpen={open}
        onDelete={askDelete}
        sort={sort}
        onSort={setSort}
      />
      <UserPropertiesDialog
        open={editing?.kind === 'new' || (editing?.kind === 'edit' && !!editUser)}
        user={editing?.kind === 'edit' ? (editUser ?? null) : null}
        onClose={(savedName) => {
          setEditing(null);
          setEditUser(null);
          if (savedName) list.reload();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete user?"
        confirmLabel="Delete"
        danger
        onCancel={() => setDeleting(null)}
        onConfirm={() => void confirmDelete()}
      >
        <Typography>
          Delete the user “{deleting}”? An archive folder that holds messages is kept; an empty one is deleted with the
          user.
        </Typography>
      </ConfirmDialog>
    </Box>
  );
}

/** Users: the archive's user database, searchable, with New user…, Properties… and Delete. */
import { useMemo, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { ErrorAlert } from '../common/ErrorAlert';
import { plural } from '../lib/format';
import { useAction } from '../lib/use-action';
import { useQuery } from '../lib/use-query';
import { UserPropertiesDialog } from './UserPropertiesDialog';
import { UsersTable } from './UsersTable';

/** The screen. */
export function UsersScreen() {
  const list = useQuery('users:list', {});
  const remove = useAction('users:delete');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ kind: 'new' } | { kind: 'edit'; userName: string } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const users = useMemo(() => {
    const all = list.data ?? [];
    const q = search.trim().toLowerCase();
    if (!q) return all;
    return all.filter(
      (u) =>
        u.userName.toLowerCase().includes(q) ||
        u.fullName.toLowerCase().includes(q) ||
        u.emailAddresses.some((a) => a.toLowerCase().includes(q)),
    );
  }, [list.data, search]);

  const current = list.data?.find((u) => u.userName === selected) ?? null;
  const editUser = editing?.kind === 'edit' ? (list.data?.find((u) => u.userName === editing.userName) ?? null) : null;
  const isBuiltInAdmin = (name: string | null) => name?.toLowerCase() === 'admin';

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
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mb: 1 }}>
        <TextField
          label="Search users"
          type="search"
          margin="none"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          sx={{ width: 280 }}
        />
        <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }} role="status">
          {list.data && `${plural(users.length, 'user')}${search ? ` of ${list.data.length.toLocaleString()}` : ''}`}
        </Typography>
        <Button variant="contained" onClick={() => setEditing({ kind: 'new' })}>
          New user…
        </Button>
        <Button onClick={() => selected && setEditing({ kind: 'edit', userName: selected })} disabled={!current}>
          Properties…
        </Button>
        <Button
          color="error"
          onClick={() => selected && setDeleting(selected)}
          disabled={!current || isBuiltInAdmin(selected) || remove.busy}
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
      {list.loading && !list.data && <LinearProgress aria-label="Loading users" />}
      <UsersTable
        users={users}
        selected={selected}
        onSelect={setSelected}
        onOpen={(name) => setEditing({ kind: 'edit', userName: name })}
        onDelete={(name) => !isBuiltInAdmin(name) && setDeleting(name)}
      />
      <UserPropertiesDialog
        open={editing?.kind === 'new' || editUser !== null}
        user={editUser}
        onClose={(savedName) => {
          setEditing(null);
          if (savedName) {
            setSelected(savedName);
            list.reload();
          }
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

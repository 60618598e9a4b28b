/** Folder access: read / write / delete per archive folder, folders added from folders:list. */
import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import IconButton from '@mui/material/IconButton';
import MenuItem from '@mui/material/MenuItem';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import type { FolderAccess } from '../../../shared/model';
import { ErrorAlert } from '../common/ErrorAlert';
import { useQuery } from '../lib/use-query';
import { OWN_FOLDER } from './user-draft';

type Right = 'read' | 'write' | 'delete';
const RIGHTS: { key: Right; label: string }[] = [
  { key: 'read', label: 'Read' },
  { key: 'write', label: 'Write' },
  { key: 'delete', label: 'Delete' },
];

interface Props {
  value: FolderAccess[];
  onChange: (next: FolderAccess[]) => void;
  userName: string;
}

/** The editor. */
export function FolderAccessEditor({ value, onChange, userName }: Props) {
  const folders = useQuery('folders:list', {});
  const [toAdd, setToAdd] = useState('');
  const nameOf = (f: string) => (f === OWN_FOLDER ? `${userName || 'new user'} (own archive)` : f);
  const available = (folders.data ?? []).filter(
    (f) => !value.some((v) => v.folder.toLowerCase() === f.name.toLowerCase()),
  );

  const set = (i: number, right: Right, on: boolean) =>
    onChange(value.map((v, j) => (j === i ? { ...v, [right]: on } : v)));
  const add = () => {
    if (!toAdd) return;
    onChange([...value, { folder: toAdd, read: true, write: false, delete: false }]);
    setToAdd('');
  };

  return (
    <Box>
      <Table aria-label="Folder access">
        <TableHead>
          <TableRow>
            <TableCell>Folder</TableCell>
            {RIGHTS.map((r) => (
              <TableCell key={r.key} align="center" sx={{ width: 70 }}>
                {r.label}
              </TableCell>
            ))}
            <TableCell sx={{ width: 48 }} />
          </TableRow>
        </TableHead>
        <TableBody>
          {value.length === 0 && (
            <TableRow>
              <TableCell colSpan={5} sx={{ color: 'text.secondary' }}>
                No folder access.
              </TableCell>
            </TableRow>
          )}
          {value.map((f, i) => (
            <TableRow key={f.folder || '(own)'}>
              <TableCell>{nameOf(f.folder)}</TableCell>
              {RIGHTS.map((r) => (
                <TableCell key={r.key} align="center">
                  <Checkbox
                    checked={f[r.key]}
                    onChange={(e) => set(i, r.key, e.target.checked)}
                    slotProps={{ input: { 'aria-label': `${r.label} ${nameOf(f.folder)}` } }}
                  />
                </TableCell>
              ))}
              <TableCell>
                <IconButton
                  aria-label={`Remove ${nameOf(f.folder)}`}
                  onClick={() => onChange(value.filter((_, j) => j !== i))}
                >
                  <DeleteOutlinedIcon fontSize="small" />
                </IconButton>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mt: 1 }}>
        <TextField
          select
          label="Folder to add"
          value={toAdd}
          onChange={(e) => setToAdd(e.target.value)}
          disabled={available.length === 0}
          helperText={folders.data && available.length === 0 ? 'All folders are listed.' : ' '}
          sx={{ flex: 1 }}
        >
          {available.map((f) => (
            <MenuItem key={f.name} value={f.name}>
              {f.name}
              {f.owner === null ? ' (no user)' : ''} — {f.messages.toLocaleString()} messages
            </MenuItem>
          ))}
        </TextField>
        <Button onClick={add} disabled={!toAdd} sx={{ mb: 2.5 }}>
          Add folder
        </Button>
      </Box>
      <ErrorAlert error={folders.error} />
    </Box>
  );
}

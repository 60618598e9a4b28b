/** The user Properties dialog: General Information, Privileges and Folder access tabs. */
import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import type { ChannelOutput } from '../../../shared/contract';
import { ErrorAlert } from '../common/ErrorAlert';
import { PrivilegeChecklist } from '../common/PrivilegeChecklist';
import { call } from '../lib/call';
import type { AppError } from '../../../shared/result';
import { FolderAccessEditor } from './FolderAccessEditor';
import { GeneralTab } from './GeneralTab';
import { draftFrom, toInput, validateDraft, type UserDraft } from './user-draft';

type UserRow = ChannelOutput<'users:list'>[number];
type TabId = 'general' | 'privileges' | 'folders';

interface Props {
  open: boolean;
  /** The user to edit, or null for New user…. */
  user: UserRow | null;
  /** Closes with the saved user's name, or null when cancelled. */
  onClose: (savedUserName: string | null) => void;
}

/** The dialog. */
export function UserPropertiesDialog({ open, user, onClose }: Props) {
  const [draft, setDraft] = useState<UserDraft>(() => draftFrom(user));
  const [tab, setTab] = useState<TabId>('general');
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    if (open) {
      setDraft(draftFrom(user));
      setTab('general');
      setError(null);
      setTouched(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, user?.userName]);

  const builtInAdmin = user?.userName.toLowerCase() === 'admin';
  const errors = validateDraft(draft, user);
  const valid = Object.keys(errors).length === 0;
  const change = (patch: Partial<UserDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = async () => {
    setTouched(true);
    if (!valid) {
      setTab('general');
      return;
    }
    setBusy(true);
    setError(null);
    const input = toInput(draft);
    const r = user
      ? await call('users:update', { ...input, originalUserName: user.userName })
      : await call('users:create', input);
    setBusy(false);
    if (r.ok) onClose(r.value.userName);
    else setError(r.error);
  };

  return (
    <Dialog open={open} onClose={() => onClose(null)} aria-labelledby="user-properties-title" maxWidth="sm" fullWidth>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <DialogTitle id="user-properties-title">{user ? `Properties of ${user.userName}` : 'New user'}</DialogTitle>
        <DialogContent sx={{ minHeight: 420 }}>
          <Tabs
            value={tab}
            onChange={(_, t: TabId) => setTab(t)}
            aria-label="User properties"
            sx={{ borderBottom: 1, borderColor: 'divider', mb: 1 }}
          >
            <Tab value="general" label="General Information" id="tab-general" aria-controls="panel-general" />
            <Tab value="privileges" label="Privileges" id="tab-privileges" aria-controls="panel-privileges" />
            <Tab value="folders" label="Folder access" id="tab-folders" aria-controls="panel-folders" />
          </Tabs>
          <Box role="tabpanel" id="panel-general" aria-labelledby="tab-general" hidden={tab !== 'general'}>
            <GeneralTab
              draft={draft}
              onChange={change}
              errors={touched ? errors : {}}
              liveErrors={errors}
              isNew={!user}
              builtInAdmin={builtInAdmin}
            />
          </Box>
          <Box role="tabpanel" id="panel-privileges" aria-labelledby="tab-privileges" hidden={tab !== 'privileges'}>
            {builtInAdmin ? (
              <Box sx={{ color: 'text.secondary' }}>The built-in admin always has the Administrator privilege.</Box>
            ) : (
              <PrivilegeChecklist value={draft.privileges} onChange={(privileges) => change({ privileges })} />
            )}
          </Box>
          <Box role="tabpanel" id="panel-folders" aria-labelledby="tab-folders" hidden={tab !== 'folders'}>
            {open && (
              <FolderAccessEditor
                value={draft.folderAccess}
                onChange={(folderAccess) => change({ folderAccess })}
                userName={draft.userName}
              />
            )}
          </Box>
          <ErrorAlert error={error} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => onClose(null)}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy || (touched && !valid)}>
            OK
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

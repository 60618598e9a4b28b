/** Default Privileges…: what synchronization gives the users it creates. OK applies to the form. */
import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormLabel from '@mui/material/FormLabel';
import type { Settings } from '../../../shared/settings';
import { PrivilegeChecklist } from '../common/PrivilegeChecklist';

type Defaults = Settings['defaultPrivileges'];

interface Props {
  open: boolean;
  value: Defaults;
  onClose: (next: Defaults | null) => void;
}

/** The dialog; edits a copy, so Cancel leaves the form as it was. */
export function DefaultPrivilegesDialog({ open, value, onClose }: Props) {
  const [draft, setDraft] = useState<Defaults>(value);
  useEffect(() => {
    if (open) setDraft(value);
  }, [open, value]);
  const own = draft.ownFolder;
  const setOwn = (patch: Partial<Defaults['ownFolder']>) => setDraft({ ...draft, ownFolder: { ...own, ...patch } });

  return (
    <Dialog open={open} onClose={() => onClose(null)} aria-labelledby="default-privileges-title">
      <DialogTitle id="default-privileges-title">Default Privileges</DialogTitle>
      <DialogContent>
        <Box sx={{ display: 'flex', gap: 4 }}>
          <PrivilegeChecklist
            legend="Global privileges"
            value={draft.privileges}
            onChange={(privileges) => setDraft({ ...draft, privileges })}
          />
          <FormControl component="fieldset" variant="standard">
            <FormLabel component="legend">Access to the user's own archive</FormLabel>
            <FormGroup>
              <FormControlLabel
                label="Read"
                control={<Checkbox checked={own.read} onChange={(e) => setOwn({ read: e.target.checked })} />}
              />
              <FormControlLabel
                label="Write"
                control={<Checkbox checked={own.write} onChange={(e) => setOwn({ write: e.target.checked })} />}
              />
              <FormControlLabel
                label="Delete"
                control={<Checkbox checked={own.delete} onChange={(e) => setOwn({ delete: e.target.checked })} />}
              />
            </FormGroup>
          </FormControl>
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={() => onClose(null)}>Cancel</Button>
        <Button variant="contained" onClick={() => onClose(draft)}>
          OK
        </Button>
      </DialogActions>
    </Dialog>
  );
}

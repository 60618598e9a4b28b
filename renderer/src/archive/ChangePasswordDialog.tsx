/** Change Password for integrated users: current password, the new one twice. */
import { useEffect, useState } from 'react';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { ErrorAlert } from '../common/ErrorAlert';
import { useAction } from '../lib/use-action';
import { NewPasswordFields, passwordsAgree } from '../common/NewPasswordFields';

interface Props {
  open: boolean;
  onClose: (changed: boolean) => void;
  /** The logged-on user's name: the new password must not contain it. */
  userName: string;
}

/** The dialog; the fields are cleared whenever it opens. */
export function ChangePasswordDialog({ open, onClose, userName }: Props) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const change = useAction('auth:change-password');
  const { setError } = change;

  useEffect(() => {
    if (open) {
      setCurrent('');
      setNext('');
      setAgain('');
      setError(null);
    }
  }, [open, setError]);

  const canSubmit = passwordsAgree(next, again, userName) && !change.busy;

  const submit = async () => {
    if (!canSubmit) return;
    const r = await change.run({ current, next });
    if (r.ok) onClose(true);
  };

  return (
    <Dialog open={open} onClose={() => onClose(false)} aria-labelledby="change-password-title" maxWidth="xs" fullWidth>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <DialogTitle id="change-password-title">Change Password</DialogTitle>
        <DialogContent>
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            autoFocus
            fullWidth
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
          <NewPasswordFields
            userName={userName}
            label="New password"
            value={next}
            again={again}
            onChange={setNext}
            onAgainChange={setAgain}
          />
          <ErrorAlert error={change.error} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => onClose(false)}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={!canSubmit}>
            Change Password
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

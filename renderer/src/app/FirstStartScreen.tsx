/** First start: the built-in `admin` gets its password, typed twice. */
import { useState } from 'react';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { SessionUser } from '../../../shared/model';
import { ErrorAlert } from '../common/ErrorAlert';
import { useAction } from '../lib/use-action';
import { CenteredCard } from './CenteredCard';

interface Props {
  onDone: (user: SessionUser) => void;
}

/** The "Set administrator password" form. */
export function FirstStartScreen({ onDone }: Props) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const setup = useAction('auth:setup-admin');
  const mismatch = again.length > 0 && password !== again;
  const canSubmit = password.length > 0 && password === again && !setup.busy;

  const submit = async () => {
    if (!canSubmit) return;
    const r = await setup.run({ password });
    if (r.ok) onDone(r.value);
  };

  return (
    <CenteredCard title="Set administrator password" onSubmit={() => void submit()}>
      <Typography variant="body2" color="text.secondary">
        This is the first start. Choose the password of the built-in administrator, <b>admin</b>.
      </Typography>
      <TextField label="User name" value="admin" disabled fullWidth />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        autoFocus
        fullWidth
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <TextField
        label="Confirm password"
        type="password"
        autoComplete="new-password"
        fullWidth
        value={again}
        error={mismatch}
        helperText={mismatch ? 'The passwords do not match.' : ' '}
        onChange={(e) => setAgain(e.target.value)}
      />
      <ErrorAlert error={setup.error} />
      <Button type="submit" variant="contained" disabled={!canSubmit}>
        Set administrator password
      </Button>
    </CenteredCard>
  );
}

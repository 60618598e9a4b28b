/**
 * First start: the built-in `admin` gets its password, typed twice. In the desktop app the Server
 * field is here too, so a fresh install can go to an mdsync server without a local password first.
 */
import { useCallback, useState } from 'react';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { SessionUser } from '../../../shared/model';
import { ErrorAlert } from '../common/ErrorAlert';
import { useAction } from '../lib/use-action';
import { CenteredCard } from './CenteredCard';
import { ServerField } from './ServerField';
import { NewPasswordFields, passwordsAgree } from '../common/NewPasswordFields';

interface Props {
  onDone: (user: SessionUser) => void;
  /** The network service asks for the one-time code it printed on its console at start. */
  needsSetupCode?: boolean;
}

/** The "Set administrator password" form. */
export function FirstStartScreen({ onDone, needsSetupCode = false }: Props) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [setupCode, setSetupCode] = useState('');
  const [serverUsable, setServerUsable] = useState(false);
  const onUsable = useCallback((u: boolean) => setServerUsable(u), []);
  const setup = useAction('auth:setup-admin');
  const canSubmit =
    passwordsAgree(password, again, 'admin') &&
    !setup.busy &&
    serverUsable &&
    (!needsSetupCode || setupCode.trim() !== '');

  const submit = async () => {
    if (!canSubmit) return;
    const r = await setup.run(needsSetupCode ? { password, setupCode: setupCode.trim() } : { password });
    if (r.ok) onDone(r.value);
  };

  return (
    <CenteredCard title="Set administrator password" onSubmit={() => void submit()}>
      <ServerField onUsable={onUsable} />
      <Typography variant="body2" color="text.secondary">
        This is the first start. Choose the password of the built-in administrator, <b>admin</b>.
      </Typography>
      {needsSetupCode && (
        <TextField
          label="One-time code"
          value={setupCode}
          onChange={(e) => setSetupCode(e.target.value)}
          helperText="mdsync server printed it on its console (or in its service log) when it started."
          autoComplete="off"
          fullWidth
        />
      )}
      <TextField label="User name" value="admin" disabled fullWidth />
      <NewPasswordFields
        label="Password"
        value={password}
        again={again}
        onChange={setPassword}
        onAgainChange={setAgain}
        userName="admin"
        autoFocus
      />
      <ErrorAlert error={setup.error} />
      <Button type="submit" variant="contained" disabled={!canSubmit}>
        Set administrator password
      </Button>
    </CenteredCard>
  );
}

/**
 * Logon with user name and password; each refusal reason gets its own message. In the desktop app
 * the Server field comes first: this computer, or an mdsync server.
 */
import { useCallback, useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import type { LogonFailure, SessionUser } from '../../../shared/model';
import { ErrorAlert } from '../common/ErrorAlert';
import { useAction } from '../lib/use-action';
import { CenteredCard } from './CenteredCard';
import { ServerField } from './ServerField';

/** A headline per refusal reason; the server's message follows it. */
const FAILURE_TITLES: Record<LogonFailure, string> = {
  invalidCredentials: 'Wrong user name or password',
  notPermitted: 'Not permitted to log on',
  serverUnreachable: 'The MDaemon server cannot be reached',
  tlsError: 'The secure connection to MDaemon failed',
  timeout: 'The MDaemon server did not answer in time',
  notConfigured: 'Logon with MDaemon credentials is not set up',
  lockedOut: 'Too many failed attempts',
  busy: 'The service is busy',
};

interface Props {
  notice: string | null;
  onLoggedOn: (user: SessionUser) => void;
}

/** The logon form. */
export function LogonScreen({ notice, onLoggedOn }: Props) {
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [refusal, setRefusal] = useState<{ reason: LogonFailure; message: string } | null>(null);
  const [serverUsable, setServerUsable] = useState(false);
  const logon = useAction('auth:logon');
  const onUsable = useCallback((usable: boolean) => setServerUsable(usable), []);

  const submit = async () => {
    if (!userName || logon.busy || !serverUsable) return;
    setRefusal(null);
    const r = await logon.run({ userName, password });
    if (!r.ok) return;
    if (r.value.ok) onLoggedOn(r.value.user);
    else {
      setRefusal({ reason: r.value.reason, message: r.value.message });
      setPassword('');
    }
  };

  return (
    <CenteredCard title="Log on" onSubmit={() => void submit()}>
      {notice && !refusal && <Alert severity="info">{notice}</Alert>}
      <ServerField onUsable={onUsable} />
      <TextField
        label="User name"
        autoComplete="username"
        autoFocus
        fullWidth
        value={userName}
        onChange={(e) => setUserName(e.target.value)}
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        fullWidth
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {refusal && (
        <Alert
          severity={refusal.reason === 'invalidCredentials' ? 'warning' : 'error'}
          role="alert"
          data-reason={refusal.reason}
        >
          <AlertTitle>{FAILURE_TITLES[refusal.reason]}</AlertTitle>
          {refusal.message}
        </Alert>
      )}
      <ErrorAlert error={logon.error} />
      <Button type="submit" variant="contained" disabled={!userName || logon.busy || !serverUsable}>
        Log on
      </Button>
    </CenteredCard>
  );
}

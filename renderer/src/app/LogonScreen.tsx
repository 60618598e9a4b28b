/**
 * Logon with user name and password; each refusal reason gets its own message. In the desktop app
 * the Server field comes first: this computer, or an mdsync server.
 */
import { useCallback, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import TextField from '@mui/material/TextField';
import type { LogonFailure, SessionUser } from '../../../shared/model';
import { ErrorAlert } from '../common/ErrorAlert';
import { useAction } from '../lib/use-action';
import { formatWait, retryAfterSeconds, useCountdown } from '../lib/retry-after';
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
  /** When a throttled logon may be tried again (ms since the epoch). */
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const waitLeft = useCountdown(waitUntil);
  const waiting = waitUntil !== null && waitLeft > 0;
  // A slow answer is the throttle's delay after failed logons (or a slow MDaemon): say so.
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    if (!logon.busy) return setSlow(false);
    const timer = setTimeout(() => setSlow(true), 1500);
    return () => clearTimeout(timer);
  }, [logon.busy]);

  const submit = async () => {
    if (!userName || logon.busy || !serverUsable || waiting) return;
    setRefusal(null);
    setWaitUntil(null);
    const r = await logon.run({ userName, password });
    const wait = retryAfterSeconds(r.ok ? (r.value.ok ? null : r.value) : r.error);
    if (wait !== null) setWaitUntil(Date.now() + wait * 1000);
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
      {waiting ? (
        <Alert severity="warning" role="alert" data-reason="throttled">
          <AlertTitle>Too many failed logons: try again in {formatWait(waitLeft)}</AlertTitle>
          Logons for this user name are slowed down after repeated failures.
        </Alert>
      ) : refusal && waitUntil === null ? (
        <Alert
          severity={refusal.reason === 'invalidCredentials' ? 'warning' : 'error'}
          role="alert"
          data-reason={refusal.reason}
        >
          <AlertTitle>{FAILURE_TITLES[refusal.reason]}</AlertTitle>
          {refusal.message}
        </Alert>
      ) : null}
      {!waiting && <ErrorAlert error={logon.error} />}
      {logon.busy && slow && (
        <Typography variant="body2" color="text.secondary" role="status">
          Checking… after failed logons each further attempt waits a little longer.
        </Typography>
      )}
      <Button
        type="submit"
        variant="contained"
        disabled={!userName || logon.busy || !serverUsable || waiting}
        aria-busy={logon.busy}
        startIcon={logon.busy ? <CircularProgress size={16} color="inherit" aria-label="Logging on" /> : undefined}
      >
        Log on
      </Button>
    </CenteredCard>
  );
}

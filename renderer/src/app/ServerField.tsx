/**
 * The logon screen's **Server**: This computer, or an `mdsync server` at `host[:port]`.
 *
 * Shown only where the carrier can connect (the desktop app answers `connection:get`; browser
 * mode and the service refuse it). The Electron main process makes the connection; this field
 * only shows its state: an untrusted certificate with its fingerprint and *Trust this
 * certificate* (as for MDaemon's IMAP server), a changed one with the sentence that says so. When
 * the calls' target changes, the page reloads so that everything is read from the new one.
 */
import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import type { ConnectionState } from '../../../shared/contract';
import { ErrorAlert } from '../common/ErrorAlert';
import { call } from '../lib/call';
import { useAction } from '../lib/use-action';

interface Props {
  /** Told whether Log on may be used: only on this computer or with a connected server. */
  onUsable: (usable: boolean) => void;
}

type Choice = 'local' | 'remote';

const usable = (s: ConnectionState) => s.state === 'local' || s.state === 'connected';

/** Reloads the page: app:info and the session are then read from the new target. */
function reloadForNewTarget(before: ConnectionState, after: ConnectionState): void {
  const wasRemote = before.state === 'connected';
  const isRemote = after.state === 'connected';
  if (wasRemote !== isRemote || (isRemote && before.server !== after.server)) window.location.reload();
}

/** The Server field; renders nothing outside the desktop app. */
export function ServerField({ onUsable }: Props) {
  const [state, setState] = useState<ConnectionState | null>(null);
  const [hidden, setHidden] = useState(false);
  const [choice, setChoice] = useState<Choice>('local');
  const [address, setAddress] = useState('');
  /** True once the address was edited after the last answer: the answer's alert no longer applies. */
  const [edited, setEdited] = useState(false);
  const set = useAction('connection:set');
  const trust = useAction('connection:trust');

  useEffect(() => {
    let live = true;
    void call('connection:get', {}).then((r) => {
      if (!live) return;
      if (!r.ok) {
        setHidden(true);
        onUsable(true);
        return;
      }
      setState(r.value);
      setChoice(r.value.server === null ? 'local' : 'remote');
      setAddress(r.value.server ?? '');
      onUsable(usable(r.value));
    });
    return () => {
      live = false;
    };
  }, [onUsable]);

  if (hidden || !state) return null;

  const settle = (next: ConnectionState) => {
    const before = state;
    setState(next);
    setEdited(false);
    onUsable(usable(next));
    reloadForNewTarget(before, next);
  };

  const chooseLocal = async () => {
    setChoice('local');
    if (state.state === 'local') return onUsable(true);
    const r = await set.run({ server: null });
    if (r.ok) settle(r.value);
  };

  const connect = async () => {
    if (!address.trim()) return;
    onUsable(false);
    const r = await set.run({ server: address.trim() });
    if (r.ok) settle(r.value);
  };

  const trustIt = async (fingerprint256: string) => {
    if (!state.server) return;
    const r = await trust.run({ server: state.server, fingerprint256 });
    if (r.ok) settle(r.value);
  };

  const busy = set.busy || trust.busy;
  const shown = choice === 'remote' && state.server !== null && !edited;

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <TextField
        select
        label="Server"
        value={choice}
        onChange={(e) => {
          const next = e.target.value as Choice;
          if (next === 'local') void chooseLocal();
          else {
            setChoice('remote');
            onUsable(false);
          }
        }}
        fullWidth
      >
        <MenuItem value="local">This computer</MenuItem>
        <MenuItem value="remote">An mdsync server…</MenuItem>
      </TextField>
      {choice === 'remote' && (
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
          <TextField
            label="Server address"
            placeholder="archive.example.com:8443"
            value={address}
            onChange={(e) => {
              setAddress(e.target.value);
              setEdited(true);
              onUsable(false);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void connect();
              }
            }}
            spellCheck={false}
            sx={{ flex: 1 }}
          />
          <Button onClick={() => void connect()} disabled={!address.trim() || busy} sx={{ mt: 1 }}>
            Connect
          </Button>
        </Box>
      )}
      <ErrorAlert error={set.error ?? trust.error} />
      {shown && <ConnectionAlert state={state} busy={busy} onTrust={(fp) => void trustIt(fp)} />}
    </Box>
  );
}

/** The state of a chosen server: connected, or why not, with the way out. */
function ConnectionAlert({
  state,
  busy,
  onTrust,
}: {
  state: ConnectionState;
  busy: boolean;
  onTrust: (fingerprint256: string) => void;
}) {
  const fp = state.fingerprint256;
  switch (state.state) {
    case 'local':
      return null;
    case 'connected':
      return (
        <Alert severity="success" role="status">
          Connected to {state.server}.
        </Alert>
      );
    case 'untrusted':
      return (
        <Alert
          severity="warning"
          sx={{ wordBreak: 'break-all' }}
          data-state="untrusted"
          action={
            fp && (
              <Button color="inherit" disabled={busy} onClick={() => onTrust(fp)}>
                Trust this certificate
              </Button>
            )
          }
        >
          The server's certificate is not trusted.
          {state.subject && (
            <>
              <br />
              Subject: {state.subject}
            </>
          )}
          <br />
          SHA-256 fingerprint: <code>{fp}</code>
          <br />
          Trust it only if it is the fingerprint your mdsync server printed.
        </Alert>
      );
    case 'changed':
      return (
        <Alert
          severity="error"
          sx={{ wordBreak: 'break-all' }}
          data-state="changed"
          action={
            fp && (
              <Button color="inherit" disabled={busy} onClick={() => onTrust(fp)}>
                Trust the new certificate
              </Button>
            )
          }
        >
          {state.message}
        </Alert>
      );
    case 'unreachable':
      return (
        <Alert severity="error" data-state="unreachable">
          {state.message}
        </Alert>
      );
  }
}

/**
 * The app shell: loads app:info and the session, then shows first start, logon, the
 * administrative tools or My Archive, and goes back to logon when the session ends.
 */
import { useCallback, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import type { SessionUser } from '../../../shared/model';
import { api } from '../api';
import { call } from '../lib/call';
import { useQuery } from '../lib/use-query';
import { hasUnsavedChanges } from '../lib/unsaved-changes';
import { ConfirmDialog } from '../common/ConfirmDialog';
import type { AppError } from '../../../shared/result';
import { AppFooter } from './AppFooter';
import { FirstStartScreen } from './FirstStartScreen';
import { LogonScreen } from './LogonScreen';
import { TopBar } from './TopBar';
import { AdminShell } from './AdminShell';
import { MyArchiveScreen } from '../archive/MyArchiveScreen';

/** The whole renderer. */
export function App() {
  const info = useQuery('app:info', {});
  const [session, setSession] = useState<SessionUser | null | undefined>(undefined);
  const [sessionError, setSessionError] = useState<AppError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [askLogoff, setAskLogoff] = useState(false);

  const loadSession = useCallback(() => {
    setSessionError(null);
    void call('auth:session', {}).then((r) => {
      if (r.ok) setSession(r.value);
      else {
        setSession(null);
        setSessionError(r.error);
      }
    });
  }, []);

  useEffect(loadSession, [loadSession]);
  useEffect(
    () =>
      api.on('session:ended', (p) => {
        setSession(null);
        setNotice(p.reason ? `You were logged off: ${p.reason}` : 'You were logged off.');
      }),
    [],
  );

  const logoff = useCallback(async () => {
    setAskLogoff(false);
    await call('auth:logoff', {});
    setNotice(null);
    setSession(null);
  }, []);

  const loggedOn = useCallback((user: SessionUser) => {
    setNotice(null);
    setSession(user);
  }, []);

  const appInfo = info.data;
  let body;
  if (!appInfo || session === undefined) {
    const error = info.error ?? sessionError;
    body = error ? (
      <Box sx={{ p: 4, maxWidth: 560, mx: 'auto' }}>
        <Alert
          severity="error"
          action={
            <Button
              color="inherit"
              onClick={() => {
                info.reload();
                loadSession();
              }}
            >
              Retry
            </Button>
          }
        >
          {error.message}
        </Alert>
      </Box>
    ) : (
      <Box sx={{ display: 'grid', placeItems: 'center', flex: 1 }}>
        <CircularProgress aria-label="Loading" />
      </Box>
    );
  } else if (appInfo.needsAdminPassword && !session) {
    body = (
      <FirstStartScreen
        needsSetupCode={appInfo.mode === 'server'}
        onDone={(user) => {
          info.reload();
          loggedOn(user);
        }}
      />
    );
  } else if (!session) {
    body = (
      <LogonScreen
        notice={notice}
        onLoggedOn={(user) => {
          // What app:info tells a logged-on administrator (data directory, platform) it may keep from others.
          info.reload();
          loggedOn(user);
        }}
      />
    );
  } else if (session.privileges.includes('admin')) {
    body = <AdminShell info={appInfo} />;
  } else {
    body = <MyArchiveScreen user={session} />;
  }

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100vh' }}>
      <TopBar user={session ?? null} onLogoff={() => (hasUnsavedChanges() ? setAskLogoff(true) : void logoff())} />
      <Box component="main" sx={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
        {body}
      </Box>
      <AppFooter info={appInfo} user={session ?? null} />
      <ConfirmDialog
        open={askLogoff}
        title="Log off without saving?"
        confirmLabel="Log off"
        danger
        onCancel={() => setAskLogoff(false)}
        onConfirm={() => void logoff()}
      >
        Directory Services has unsaved changes. Logging off discards them.
      </ConfirmDialog>
    </Box>
  );
}

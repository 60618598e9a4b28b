/**
 * The About line: name and version (the network service tells a stranger no version); where the
 * app runs and its data directory only to a logged-on administrator (the network service tells
 * anonymous callers neither, and a remote browser is not the desktop app).
 */
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { ChannelOutput } from '../../../shared/contract';
import type { SessionUser } from '../../../shared/model';

type AppInfo = ChannelOutput<'app:info'>;

const MODE_LABELS: Record<AppInfo['mode'], string> = {
  electron: 'Desktop app',
  browser: 'Browser mode',
  server: 'mdsync server',
};

interface Props {
  info: AppInfo | undefined;
  user: SessionUser | null;
}

/** A status bar at the bottom of the window. */
export function AppFooter({ info, user }: Props) {
  // The service may leave these out for callers who are not logged on.
  const details = info as (Partial<Pick<AppInfo, 'mode' | 'dataDir'>> & Omit<AppInfo, 'mode' | 'dataDir'>) | undefined;
  const admin = !!user?.privileges.includes('admin');
  const mode = admin && details?.mode ? MODE_LABELS[details.mode] : null;
  const dataDir = admin && details?.dataDir ? details.dataDir : null;
  return (
    <Box
      component="footer"
      aria-label="About"
      sx={{
        px: 2,
        py: 0.25,
        borderTop: 1,
        borderColor: 'divider',
        bgcolor: 'background.default',
        display: 'flex',
        gap: 2,
        color: 'text.secondary',
        minWidth: 0,
      }}
    >
      {info && (
        <>
          <Typography variant="caption">{info.version ? `${info.name} ${info.version}` : info.name}</Typography>
          {mode && <Typography variant="caption">{mode}</Typography>}
          {dataDir && (
            <Typography variant="caption" sx={{ flex: 1, textAlign: 'right', minWidth: 0 }} noWrap title={dataDir}>
              Data directory: {dataDir}
            </Typography>
          )}
        </>
      )}
    </Box>
  );
}

/** The About line: version, mode and data directory. */
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { ChannelOutput } from '../../../shared/contract';

interface Props {
  info: ChannelOutput<'app:info'> | undefined;
}

/** A status bar at the bottom of the window. */
export function AppFooter({ info }: Props) {
  return (
    <Box
      component="footer"
      aria-label="About"
      sx={{
        px: 2,
        py: 0.25,
        borderTop: 1,
        borderColor: 'divider',
        bgcolor: '#f6f7f9',
        display: 'flex',
        gap: 2,
        color: 'text.secondary',
      }}
    >
      {info && (
        <>
          <Typography variant="caption">
            {info.name} {info.version}
          </Typography>
          <Typography variant="caption">{info.mode === 'browser' ? 'Browser mode' : 'Desktop app'}</Typography>
          <Typography variant="caption" sx={{ flex: 1, textAlign: 'right' }} noWrap>
            Data directory: {info.dataDir}
          </Typography>
        </>
      )}
    </Box>
  );
}

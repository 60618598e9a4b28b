/** The title bar: product name, the theme menu, who is logged on, and "Log off" on every screen after logon. */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import LogoutIcon from '@mui/icons-material/Logout';
import type { SessionUser } from '../../../shared/model';
import { ThemeMenu } from './ThemeMenu';

interface Props {
  user: SessionUser | null;
  onLogoff: () => void;
}

/** The app's header bar. */
export function TopBar({ user, onLogoff }: Props) {
  const area = user ? (user.privileges.includes('admin') ? 'Administrative Tools' : 'My Archive') : null;
  return (
    <Box
      component="header"
      sx={{
        display: 'flex',
        alignItems: 'center',
        gap: 1.5,
        px: 2,
        py: 0.75,
        bgcolor: 'app.topBar',
        color: '#fff',
      }}
    >
      <Typography component="div" sx={{ fontWeight: 700, letterSpacing: 0.3 }}>
        mdsync
      </Typography>
      {area && (
        <Typography component="div" sx={{ opacity: 0.85 }}>
          {area}
        </Typography>
      )}
      <Box sx={{ flex: 1 }} />
      <ThemeMenu />
      {user && (
        <>
          <Typography component="div" sx={{ opacity: 0.85 }} aria-label="Logged on user">
            {user.fullName ? `${user.fullName} (${user.userName})` : user.userName}
          </Typography>
          <Button
            onClick={onLogoff}
            startIcon={<LogoutIcon fontSize="small" />}
            sx={{ color: '#fff', borderColor: 'rgba(255,255,255,0.5)' }}
          >
            Log off
          </Button>
        </>
      )}
    </Box>
  );
}

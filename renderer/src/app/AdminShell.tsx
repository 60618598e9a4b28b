/**
 * The administrative tools: a navigation list at the left, the chosen screen at the right.
 *
 * Directory Services stays mounted while another screen is shown, so unsaved edits survive a
 * look at the user list; Users and History mount fresh and so show the current database.
 */
import { useState } from 'react';
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import ListSubheader from '@mui/material/ListSubheader';
import DnsOutlinedIcon from '@mui/icons-material/DnsOutlined';
import PeopleOutlinedIcon from '@mui/icons-material/PeopleOutlined';
import HistoryIcon from '@mui/icons-material/History';
import type { ChannelOutput } from '../../../shared/contract';
import { DirectoryServicesScreen } from '../directory/DirectoryServicesScreen';
import { UsersScreen } from '../users/UsersScreen';
import { HistoryScreen } from '../history/HistoryScreen';
import { DbStateBanner } from './DbStateBanner';

type ScreenId = 'directory' | 'users' | 'history';

const SCREENS: { id: ScreenId; label: string; icon: React.ReactNode }[] = [
  { id: 'directory', label: 'Directory Services', icon: <DnsOutlinedIcon fontSize="small" /> },
  { id: 'users', label: 'Users', icon: <PeopleOutlinedIcon fontSize="small" /> },
  { id: 'history', label: 'Synchronization History', icon: <HistoryIcon fontSize="small" /> },
];

interface Props {
  info: ChannelOutput<'app:info'>;
}

/** Navigation and the administrative screens. */
export function AdminShell({ info }: Props) {
  const [screen, setScreen] = useState<ScreenId>('directory');
  return (
    <Box sx={{ display: 'flex', flex: 1, minHeight: 0 }}>
      <Box
        component="nav"
        aria-label="Administrative Tools"
        sx={{ width: 220, flexShrink: 0, borderRight: 1, borderColor: 'divider', bgcolor: 'app.surface' }}
      >
        <List
          dense
          subheader={
            <ListSubheader component="div" sx={{ bgcolor: 'transparent', lineHeight: '32px' }}>
              Users and Privileges
            </ListSubheader>
          }
        >
          {SCREENS.map((s) => (
            <ListItemButton
              key={s.id}
              selected={screen === s.id}
              aria-current={screen === s.id ? 'page' : undefined}
              onClick={() => setScreen(s.id)}
            >
              <ListItemIcon sx={{ minWidth: 30 }}>{s.icon}</ListItemIcon>
              <ListItemText primary={s.label} />
            </ListItemButton>
          ))}
        </List>
      </Box>
      <Box sx={{ flex: 1, minWidth: 0, overflow: 'auto' }}>
        <DbStateBanner />
        <Box hidden={screen !== 'directory'} sx={{ height: '100%' }}>
          <DirectoryServicesScreen info={info} />
        </Box>
        {screen === 'users' && <UsersScreen />}
        {screen === 'history' && <HistoryScreen />}
      </Box>
    </Box>
  );
}

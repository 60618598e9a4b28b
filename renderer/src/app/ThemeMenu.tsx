/** The title bar's theme menu: System (follows the OS), Light or Dark; MUI remembers the choice in localStorage. */
import { useState } from 'react';
import IconButton from '@mui/material/IconButton';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Tooltip from '@mui/material/Tooltip';
import CheckIcon from '@mui/icons-material/Check';
import DarkModeIcon from '@mui/icons-material/DarkModeOutlined';
import LightModeIcon from '@mui/icons-material/LightModeOutlined';
import SystemIcon from '@mui/icons-material/SettingsBrightness';
import { useColorScheme } from '@mui/material/styles';

type Mode = 'system' | 'light' | 'dark';

const CHOICES: readonly { mode: Mode; label: string }[] = [
  { mode: 'system', label: 'System' },
  { mode: 'light', label: 'Light' },
  { mode: 'dark', label: 'Dark' },
];

const ICONS: Record<Mode, typeof SystemIcon> = { system: SystemIcon, light: LightModeIcon, dark: DarkModeIcon };

/** A button naming the current theme choice, opening the three choices. */
export function ThemeMenu() {
  const { mode, setMode } = useColorScheme();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const current: Mode = mode ?? 'system';
  const label = CHOICES.find((c) => c.mode === current)?.label ?? 'System';
  const Icon = ICONS[current];
  return (
    <>
      <Tooltip title={`Theme: ${label}`}>
        <IconButton
          aria-label={`Theme: ${label}`}
          aria-haspopup="menu"
          aria-expanded={anchor ? 'true' : undefined}
          onClick={(e) => setAnchor(e.currentTarget)}
          sx={{ color: '#fff' }}
        >
          <Icon fontSize="small" />
        </IconButton>
      </Tooltip>
      <Menu anchorEl={anchor} open={!!anchor} onClose={() => setAnchor(null)} aria-label="Theme">
        {CHOICES.map((c) => (
          <MenuItem
            key={c.mode}
            role="menuitemradio"
            aria-checked={c.mode === current}
            onClick={() => {
              setMode(c.mode);
              setAnchor(null);
            }}
          >
            <ListItemIcon>{c.mode === current && <CheckIcon fontSize="small" />}</ListItemIcon>
            <ListItemText>{c.label}</ListItemText>
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}

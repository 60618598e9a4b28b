/** Options: automatic deletion with its guard, user-name format, disabled accounts, aliases. */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { Settings } from '../../../shared/settings';
import { Section } from '../common/Section';

interface Props {
  sync: Settings['sync'];
  onChange: (patch: Partial<Settings['sync']>) => void;
  /** The Delete limit as typed, which may be invalid and so not yet in the settings. */
  deleteLimitText: string;
  onDeleteLimitText: (text: string) => void;
  deleteLimitError: string | null;
  onDefaultPrivileges: () => void;
}

/** The Options section, with the Default Privileges… button. */
export function OptionsSection(p: Props) {
  const { sync, onChange } = p;
  return (
    <Section title="Options">
      <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 2, flexWrap: 'wrap' }}>
        <FormControlLabel
          sx={{ mt: 1 }}
          label="Automatically delete users"
          control={
            <Checkbox checked={sync.deleteUsers} onChange={(e) => onChange({ deleteUsers: e.target.checked })} />
          }
        />
        <TextField
          label="Delete limit"
          value={p.deleteLimitText}
          onChange={(e) => p.onDeleteLimitText(e.target.value)}
          disabled={!sync.deleteUsers}
          error={!!p.deleteLimitError}
          helperText={p.deleteLimitError ?? 'N users or N% (up to 100 %); empty: 5 or 10 %, whichever is more'}
          placeholder="default"
          sx={{ width: 260 }}
        />
      </Box>
      {sync.deleteUsers && (sync.domains.length > 0 || sync.groups.length > 0) && (
        <Typography variant="body2" color="warning.main" role="note" sx={{ mb: 0.5 }}>
          With a domain or group filter, users outside the filter are deleted too: only the filtered MDaemon accounts
          count as still there.
        </Typography>
      )}
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
        <TextField
          select
          label="User names"
          value={sync.userNameFormat}
          onChange={(e) => onChange({ userNameFormat: e.target.value as Settings['sync']['userNameFormat'] })}
          sx={{ width: 260 }}
        >
          <MenuItem value="email">Email address (user@domain)</MenuItem>
          <MenuItem value="mailbox">Mailbox (user)</MenuItem>
        </TextField>
        <FormControlLabel
          label="Include disabled accounts"
          control={
            <Checkbox
              checked={sync.includeDisabled}
              onChange={(e) => onChange({ includeDisabled: e.target.checked })}
            />
          }
        />
        <FormControlLabel
          label="Import aliases"
          control={
            <Checkbox checked={sync.importAliases} onChange={(e) => onChange({ importAliases: e.target.checked })} />
          }
        />
        <Box sx={{ flex: 1 }} />
        <Button onClick={p.onDefaultPrivileges}>Default Privileges…</Button>
      </Box>
    </Section>
  );
}

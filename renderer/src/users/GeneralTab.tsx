/** General Information: names, email addresses, and how the user authenticates. */
import Box from '@mui/material/Box';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import TextField from '@mui/material/TextField';
import { PASSWORD_RULE } from '../../../shared/password-rule';
import type { Authentication } from '../../../shared/model';
import type { UserDraft, validateDraft } from './user-draft';

type Errors = ReturnType<typeof validateDraft>;

/** Said under the fields a synchronization overwrites. */
const SYNCED_NOTE = 'Taken from MDaemon: the next synchronization overwrites changes made here.';

interface Props {
  draft: UserDraft;
  onChange: (patch: Partial<UserDraft>) => void;
  /** Errors to show (after the first OK). */
  errors: Errors;
  /** Errors as of now, for the password mismatch shown while typing. */
  liveErrors: Errors;
  isNew: boolean;
  builtInAdmin: boolean;
}

/** The tab's fields. */
export function GeneralTab({ draft, onChange, errors, liveErrors, isNew, builtInAdmin }: Props) {
  // Directory Services users come from MDaemon: a synchronization writes these fields again.
  const synced = !isNew && draft.authentication === 'directoryServices';
  const integrated = draft.authentication === 'integrated';
  const mismatch = draft.password2 ? liveErrors.password2 : errors.password2;
  return (
    <Box>
      <TextField
        label="User name"
        fullWidth
        autoFocus={isNew}
        value={draft.userName}
        disabled={builtInAdmin}
        onChange={(e) => onChange({ userName: e.target.value })}
        error={!!errors.userName}
        helperText={errors.userName ?? (isNew ? ' ' : 'Renaming keeps the archive folder with the user.')}
      />
      <TextField
        label="Full name"
        fullWidth
        value={draft.fullName}
        onChange={(e) => onChange({ fullName: e.target.value })}
        helperText={synced ? SYNCED_NOTE : undefined}
      />
      <TextField
        label="Email addresses"
        fullWidth
        multiline
        minRows={2}
        maxRows={6}
        value={draft.addressesText}
        onChange={(e) => onChange({ addressesText: e.target.value })}
        error={!!errors.addresses}
        helperText={errors.addresses ?? (synced ? `One address per line. ${SYNCED_NOTE}` : 'One address per line.')}
      />
      <FormControl component="fieldset" disabled={builtInAdmin} sx={{ mt: 1 }}>
        <FormLabel component="legend">Authentication</FormLabel>
        <RadioGroup
          row
          value={draft.authentication}
          onChange={(e) => onChange({ authentication: e.target.value as Authentication })}
        >
          <FormControlLabel value="integrated" label="Integrated" control={<Radio />} />
          <FormControlLabel value="directoryServices" label="Directory Services" control={<Radio />} />
        </RadioGroup>
        <FormHelperText>
          {integrated
            ? 'The password is kept by the archive.'
            : 'The password is checked against the MDaemon IMAP server; the user name must match the MDaemon account.'}
        </FormHelperText>
      </FormControl>
      {integrated && (
        <Box sx={{ display: 'flex', gap: 1 }}>
          <TextField
            label="Password"
            type="password"
            autoComplete="new-password"
            fullWidth
            value={draft.password}
            onChange={(e) => onChange({ password: e.target.value })}
            error={!!errors.password}
            helperText={
              errors.password
                ? `${errors.password} ${PASSWORD_RULE}`
                : isNew
                  ? PASSWORD_RULE
                  : `Leave empty to keep the current password. ${PASSWORD_RULE}`
            }
          />
          <TextField
            label="Confirm password"
            type="password"
            autoComplete="new-password"
            fullWidth
            value={draft.password2}
            onChange={(e) => onChange({ password2: e.target.value })}
            error={!!mismatch}
            helperText={mismatch ?? ' '}
          />
        </Box>
      )}
    </Box>
  );
}

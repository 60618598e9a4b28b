/**
 * A new password typed twice, with the mismatch shown while typing.
 *
 * Used where a password is chosen (first start, Change Password), so both say the same thing.
 */
import TextField from '@mui/material/TextField';

interface Props {
  /** The label of the first field ("Password", "New password"); the second adds "Confirm". */
  label: string;
  value: string;
  again: string;
  onChange: (value: string) => void;
  onAgainChange: (value: string) => void;
  autoFocus?: boolean;
}

/** True when both fields hold the same non-empty password. */
export function passwordsAgree(value: string, again: string): boolean {
  return value.length > 0 && value === again;
}

/** The two fields. */
export function NewPasswordFields({ label, value, again, onChange, onAgainChange, autoFocus }: Props) {
  const mismatch = again.length > 0 && value !== again;
  return (
    <>
      <TextField
        label={label}
        type="password"
        autoComplete="new-password"
        autoFocus={autoFocus}
        fullWidth
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <TextField
        label={`Confirm ${label.toLowerCase()}`}
        type="password"
        autoComplete="new-password"
        fullWidth
        value={again}
        error={mismatch}
        helperText={mismatch ? 'The passwords do not match.' : ' '}
        onChange={(e) => onAgainChange(e.target.value)}
      />
    </>
  );
}

/**
 * A new password typed twice: the password rule stated under the field before typing, what breaks
 * it and the mismatch shown while typing.
 *
 * Used where a password is chosen (first start, Change Password), so both say the same thing.
 */
import TextField from '@mui/material/TextField';
import { PASSWORD_RULE, passwordProblem } from '../../../shared/password-rule';

interface Props {
  /** The label of the first field ("Password", "New password"); the second adds "Confirm". */
  label: string;
  value: string;
  again: string;
  onChange: (value: string) => void;
  onAgainChange: (value: string) => void;
  autoFocus?: boolean;
  /** Whose password it is: it must not contain the name. */
  userName: string;
}

/** True when both fields hold the same password and it follows the rule. */
export function passwordsAgree(value: string, again: string, userName: string): boolean {
  return value.length > 0 && value === again && passwordProblem(value, userName) === null;
}

/** The two fields. */
export function NewPasswordFields({ label, value, again, onChange, onAgainChange, autoFocus, userName }: Props) {
  const mismatch = again.length > 0 && value !== again;
  const problem = value ? passwordProblem(value, userName) : null;
  return (
    <>
      <TextField
        label={label}
        type="password"
        autoComplete="new-password"
        autoFocus={autoFocus}
        fullWidth
        value={value}
        error={!!problem}
        helperText={problem ? `${problem} ${PASSWORD_RULE}` : PASSWORD_RULE}
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

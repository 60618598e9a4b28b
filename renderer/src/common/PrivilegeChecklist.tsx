/**
 * The global privileges as checkboxes, labelled as the product names them.
 *
 * Administrator stands alone: it implies everything, so checking it clears and disables the others.
 */
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormLabel from '@mui/material/FormLabel';
import { PRIVILEGE_LABELS, Privilege } from '../../../shared/model';

const ORDER = Privilege.options;

interface Props {
  value: readonly Privilege[];
  onChange: (next: Privilege[]) => void;
  legend?: string;
}

/** Toggles one privilege, keeping Administrator alone. */
export function togglePrivilege(value: readonly Privilege[], p: Privilege, on: boolean): Privilege[] {
  if (p === 'admin') return on ? ['admin'] : [];
  const rest = value.filter((v) => v !== p && v !== 'admin');
  return on ? ORDER.filter((o) => o === p || rest.includes(o)) : rest;
}

/** The checklist of global privileges. */
export function PrivilegeChecklist({ value, onChange, legend = 'Privileges' }: Props) {
  const isAdmin = value.includes('admin');
  return (
    <FormControl component="fieldset" variant="standard">
      <FormLabel component="legend">{legend}</FormLabel>
      <FormGroup>
        {ORDER.map((p) => (
          <FormControlLabel
            key={p}
            label={PRIVILEGE_LABELS[p]}
            disabled={p !== 'admin' && isAdmin}
            control={
              <Checkbox
                checked={value.includes(p)}
                onChange={(e) => onChange(togglePrivilege(value, p, e.target.checked))}
              />
            }
          />
        ))}
      </FormGroup>
    </FormControl>
  );
}

/**
 * A searchable checklist of names with counts, for the MDaemon groups and domains.
 *
 * Each checkbox is named by the item alone (the count is shown beside it), so it can be found
 * by its group or domain name. A selected name the App directory no longer has stays listed,
 * marked, so it can be unticked.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';

/** One entry of the list. */
export interface ChecklistItem {
  name: string;
  count: number;
  description?: string;
}

interface Props {
  legend: string;
  items: readonly ChecklistItem[];
  selected: readonly string[];
  onChange: (next: string[]) => void;
  /** E.g. "members" or "accounts". */
  countUnit: string;
  /** Shown when nothing is selected, e.g. "None selected: all users". */
  noneHelper: string;
  /** Shown instead of the list when there are no items. */
  emptyText: string;
  disabled?: boolean;
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The checklist. */
export function Checklist({ legend, items, selected, onChange, countUnit, noneHelper, emptyText, disabled }: Props) {
  const [search, setSearch] = useState('');
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const all = useMemo(() => {
    const missing = selected.filter((s) => !items.some((i) => sameName(i.name, s)));
    return [
      ...items.map((i) => ({ ...i, missing: false })),
      ...missing.map((name) => ({ name, count: 0, description: undefined as string | undefined, missing: true })),
    ];
  }, [items, selected]);
  const q = search.trim().toLowerCase();
  const shown = q
    ? all.filter((i) => i.name.toLowerCase().includes(q) || i.description?.toLowerCase().includes(q))
    : all;
  const isSelected = (name: string) => selected.some((s) => sameName(s, name));

  const toggle = (name: string, on: boolean) =>
    onChange(on ? [...selected.filter((s) => !sameName(s, name)), name] : selected.filter((s) => !sameName(s, name)));
  const selectAll = () => onChange([...selected, ...shown.filter((i) => !isSelected(i.name)).map((i) => i.name)]);
  const selectNone = () => onChange(q ? selected.filter((s) => !shown.some((i) => sameName(i.name, s))) : []);

  const helperId = `${legend.replace(/\W+/g, '-')}-helper`;
  // One Tab stop for the whole list; the arrow keys, Home and End move between its checkboxes.
  const activeIndex = Math.min(active, Math.max(0, shown.length - 1));
  const onListKey = (e: KeyboardEvent<HTMLElement>) => {
    const moves: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      Home: 0,
      End: shown.length - 1,
    };
    if (!(e.key in moves) || shown.length === 0) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(shown.length - 1, moves[e.key]!));
    setActive(next);
    listRef.current?.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')[next]?.focus();
  };
  return (
    <FormControl component="fieldset" disabled={disabled} sx={{ flex: 1, minWidth: 240 }} aria-describedby={helperId}>
      <FormLabel component="legend" sx={{ fontWeight: 600, color: 'text.primary' }}>
        {legend}
      </FormLabel>
      <Box sx={{ display: 'flex', gap: 0.5, alignItems: 'center' }}>
        <TextField
          label={`Search ${legend}`}
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          sx={{ flex: 1 }}
          disabled={disabled || all.length === 0}
        />
        <Button onClick={selectAll} disabled={disabled || shown.length === 0}>
          Select all
        </Button>
        <Button onClick={selectNone} disabled={disabled || selected.length === 0}>
          Select none
        </Button>
      </Box>
      <Box
        ref={listRef}
        onKeyDown={onListKey}
        sx={{ border: 1, borderColor: 'divider', borderRadius: 1, height: 168, overflow: 'auto', px: 1, py: 0.25 }}
      >
        {all.length === 0 && (
          <Typography variant="body2" color="text.secondary" sx={{ py: 1 }}>
            {emptyText}
          </Typography>
        )}
        {all.length > 0 && shown.length === 0 && (
          <Typography variant="body2" color="text.secondary" sx={{ py: 1 }}>
            Nothing matches “{search}”.
          </Typography>
        )}
        {shown.map((i, index) => (
          <Box key={i.name} sx={{ display: 'flex', alignItems: 'center' }}>
            <FormControlLabel
              sx={{ flex: 1, mr: 0, minWidth: 0 }}
              control={
                <Checkbox
                  checked={isSelected(i.name)}
                  onChange={(e) => toggle(i.name, e.target.checked)}
                  onFocus={() => setActive(index)}
                  slotProps={{ input: { 'aria-label': i.name, tabIndex: index === activeIndex ? 0 : -1 } }}
                />
              }
              label={
                <Box component="span" sx={{ display: 'flex', gap: 1, alignItems: 'baseline', minWidth: 0 }}>
                  <span>{i.name}</span>
                  {i.description && (
                    <Typography component="span" variant="caption" color="text.secondary" noWrap>
                      {i.description}
                    </Typography>
                  )}
                </Box>
              }
            />
            <Typography
              variant="caption"
              color={i.missing ? 'warning.main' : 'text.secondary'}
              sx={{ whiteSpace: 'nowrap' }}
            >
              {i.missing ? 'not in the App directory' : `${i.count.toLocaleString()} ${countUnit}`}
            </Typography>
          </Box>
        ))}
      </Box>
      <FormHelperText id={helperId}>
        {selected.length === 0
          ? noneHelper
          : `${selected.length.toLocaleString()} of ${all.length.toLocaleString()} selected`}
      </FormHelperText>
    </FormControl>
  );
}

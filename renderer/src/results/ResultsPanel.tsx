/**
 * What a Test Settings or Synchronize now run produced (or a history entry): the summary counts,
 * the changes filtered by action, CSV export, and the source warnings with file and line.
 */
import { useMemo, useState, type ReactNode } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import FileDownloadOutlinedIcon from '@mui/icons-material/FileDownloadOutlined';
import type { Change, ChangeAction, PlanSummary, SourceWarning } from '../../../shared/model';
import { plural } from '../lib/format';
import { ACTIONS, ACTION_COLORS, ACTION_LABELS } from './actions';
import { ChangesTable } from './ChangesTable';
import { changesToCsv, downloadText, timestampedName } from './csv';
import { WarningsList } from './WarningsList';

interface Props {
  title: string;
  summary: PlanSummary;
  changes: readonly Change[];
  warnings?: readonly SourceWarning[];
  /** Pixels, or `'fill'`: the panel then fills a flex column (a dialog) and the table takes the free height. */
  tableHeight?: number | 'fill';
  /** The heading's id, so a dialog can be named by it. */
  titleId?: string;
  /** h2 as a dialog's heading, h3 (default) inside a screen. */
  titleComponent?: 'h2' | 'h3';
  /** Shown under the heading, above the summary: e.g. the deletion guard's notice. */
  notice?: ReactNode;
}

type Filter = ChangeAction | 'all';

/** The results panel. */
export function ResultsPanel({
  title,
  summary,
  changes,
  warnings = [],
  tableHeight,
  titleId,
  titleComponent = 'h3',
  notice,
}: Props) {
  const fill = tableHeight === 'fill';
  const [filter, setFilterState] = useState<Filter>('all');
  // A run that changes nothing says so in one line rather than listing every unchanged user.
  const nothingChanged = ACTIONS.every((a) => a === 'unchanged' || summary[a] === 0) && summary.unchanged > 0;
  const [collapsed, setCollapsed] = useState(nothingChanged);
  const setFilter = (f: Filter) => {
    setCollapsed(false);
    setFilterState(f);
  };
  const shown = useMemo(
    () => (filter === 'all' ? changes : changes.filter((c) => c.action === filter)),
    [changes, filter],
  );

  return (
    <Box
      component="section"
      aria-label="Results"
      sx={{ display: 'flex', flexDirection: 'column', gap: 1, ...(fill && { flex: 1, minHeight: 0 }) }}
    >
      <Typography id={titleId} variant={titleComponent} component={titleComponent}>
        {title}
      </Typography>
      {notice}
      <Box role="group" aria-label="Summary" sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.75 }}>
        {ACTIONS.map((a) => (
          <Chip
            key={a}
            aria-pressed={filter === a}
            variant={filter === a ? 'filled' : 'outlined'}
            label={`${ACTION_LABELS[a]}: ${summary[a].toLocaleString()}`}
            aria-label={`${ACTION_LABELS[a]}: ${summary[a]}`}
            onClick={() => setFilter(filter === a ? 'all' : a)}
            sx={{
              color: ACTION_COLORS[a],
              borderColor: ACTION_COLORS[a],
              fontWeight: 600,
              bgcolor: filter === a ? 'app.rowSelected' : undefined,
            }}
          />
        ))}
      </Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <TextField
          select
          label="Filter by action"
          value={filter}
          onChange={(e) => setFilter(e.target.value as Filter)}
          sx={{ width: 200 }}
          margin="none"
        >
          <MenuItem value="all">All ({changes.length.toLocaleString()})</MenuItem>
          {ACTIONS.map((a) => (
            <MenuItem key={a} value={a}>
              {ACTION_LABELS[a]} ({summary[a].toLocaleString()})
            </MenuItem>
          ))}
        </TextField>
        <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }} role="status">
          {shown.length.toLocaleString()} of {changes.length.toLocaleString()} shown
        </Typography>
        <Button
          startIcon={<FileDownloadOutlinedIcon fontSize="small" />}
          disabled={shown.length === 0}
          onClick={() => downloadText(timestampedName('mdsync-changes', 'csv'), changesToCsv(shown))}
        >
          Export CSV
        </Button>
      </Box>
      {collapsed ? (
        <Alert
          severity="success"
          role="status"
          action={
            <Button color="inherit" onClick={() => setCollapsed(false)}>
              Show them
            </Button>
          }
        >
          No changes: {plural(summary.unchanged, 'user')} {summary.unchanged === 1 ? 'is' : 'are'} up to date.
        </Alert>
      ) : (
        <ChangesTable changes={shown} height={tableHeight} />
      )}
      <WarningsList warnings={warnings} maxHeight={fill ? 120 : undefined} />
    </Box>
  );
}

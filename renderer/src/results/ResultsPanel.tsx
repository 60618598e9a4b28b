/**
 * What a Test Settings or Synchronize now run produced (or a history entry): the summary counts,
 * the changes a page at a time (filtered by action, searched, sorted where the source keeps them),
 * CSV export, and the source warnings with file and line.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import FileDownloadOutlinedIcon from '@mui/icons-material/FileDownloadOutlined';
import type { Change, ChangeAction, PlanSummary, SourceWarning } from '../../../shared/model';
import { RESULTS_PAGE_MAX, type ResultsView } from '../../../shared/results-page';
import { ErrorAlert } from '../common/ErrorAlert';
import { plural } from '../lib/format';
import { usePages } from '../lib/use-pages';
import { ACTIONS, ACTION_COLORS, ACTION_LABELS } from './actions';
import { ChangesTable, type ChangesSort } from './ChangesTable';
import { changesToCsv, downloadText, timestampedName } from './csv';
import type { ResultsSource } from './results-source';
import { WarningsList } from './WarningsList';

/** Rows per page asked of the source (the answer's first page has as many). */
const PAGE_SIZE = 100;
const SEARCH_DELAY_MS = 250;

interface Props {
  title: string;
  summary: PlanSummary;
  /** Where the changes' pages come from. */
  source: ResultsSource;
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
  source,
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
  const [search, setSearch] = useState('');
  const [searched, setSearched] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setSearched(search.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [search]);
  const [sort, setSort] = useState<ChangesSort>({ sort: 'plan', descending: false });
  const view: ResultsView = { action: filter, search: searched, ...sort };
  const viewKey = JSON.stringify([source.key, view]);
  const fetch = useCallback(
    (offset: number, limit: number) => source.fetch((JSON.parse(viewKey) as [string, ResultsView])[1], offset, limit),
    [source, viewKey],
  );
  const pages = usePages<Change>(viewKey, fetch, PAGE_SIZE, source.first);
  const all = pages.all ?? ACTIONS.reduce((n, a) => n + summary[a], 0);
  const shown = pages.total ?? 0;
  const [exporting, setExporting] = useState(false);
  const exportCsv = async () => {
    setExporting(true);
    const rows: Change[] = [];
    for (let offset = 0; offset < shown; offset += RESULTS_PAGE_MAX) {
      const r = await fetch(offset, RESULTS_PAGE_MAX);
      if (!r.ok) break;
      rows.push(...r.value.rows);
    }
    setExporting(false);
    downloadText(timestampedName('mdsync-changes', 'csv'), changesToCsv(rows));
  };

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
      <Box sx={{ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: 1 }}>
        <TextField
          select
          label="Filter by action"
          value={filter}
          onChange={(e) => setFilter(e.target.value as Filter)}
          sx={{ width: 200 }}
          margin="none"
        >
          <MenuItem value="all">All ({all.toLocaleString()})</MenuItem>
          {ACTIONS.map((a) => (
            <MenuItem key={a} value={a}>
              {ACTION_LABELS[a]} ({summary[a].toLocaleString()})
            </MenuItem>
          ))}
        </TextField>
        <TextField
          type="search"
          label="Search"
          value={search}
          onChange={(e) => {
            setCollapsed(false);
            setSearch(e.target.value);
          }}
          sx={{ width: 200 }}
          margin="none"
        />
        <Typography variant="body2" color="text.secondary" sx={{ flex: 1, minWidth: 0 }} role="status">
          {pages.total === null ? 'Loading…' : `${shown.toLocaleString()} of ${all.toLocaleString()} shown`}
        </Typography>
        <Button
          startIcon={<FileDownloadOutlinedIcon fontSize="small" />}
          disabled={shown === 0 || exporting}
          onClick={() => void exportCsv()}
        >
          {exporting ? 'Exporting…' : 'Export CSV'}
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
        <>
          <ErrorAlert error={pages.error} />
          <ChangesTable
            count={shown}
            rowAt={pages.rowAt}
            onRange={pages.ensure}
            sort={sort}
            onSort={setSort}
            height={tableHeight}
          />
        </>
      )}
      <WarningsList warnings={warnings} maxHeight={fill ? 120 : undefined} />
    </Box>
  );
}

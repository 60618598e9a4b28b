/** Synchronization History: each run with time, who, test or sync, status and counts; its changes on demand. */
import { useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { SyncRun } from '../../../shared/model';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDate } from '../lib/format';
import { useQuery } from '../lib/use-query';
import { ResultsPanel } from '../results/ResultsPanel';
import { keptSource } from '../results/results-source';
import { ACTIONS, ACTION_LABELS } from '../results/actions';

const STATUS: Record<SyncRun['status'], string> = {
  running: 'Running',
  applied: 'Applied',
  tested: 'Tested',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The screen. */
export function HistoryScreen() {
  const runs = useQuery('history:list', { limit: 200 });
  const [selected, setSelected] = useState<SyncRun | null>(null);
  // The run's changes stay on the main side; the table asks for the pages it shows.
  const changes = useQuery('history:open', { runId: selected?.id ?? 0 }, selected !== null);
  const source = useMemo(() => (selected && changes.data ? keptSource(changes.data) : null), [selected, changes.data]);

  return (
    <Box sx={{ p: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', mb: 1 }}>
        <Typography variant="h1" sx={{ flex: 1 }}>
          Synchronization History
        </Typography>
        <Button onClick={runs.reload}>Refresh</Button>
      </Box>
      <ErrorAlert error={runs.error} />
      {runs.loading && !runs.data && <LinearProgress aria-label="Loading the history" />}
      <TableContainer component={Paper} sx={{ maxHeight: 300 }}>
        <Table stickyHeader aria-label="Synchronization runs">
          <TableHead>
            <TableRow>
              <TableCell>Time</TableCell>
              <TableCell>User</TableCell>
              <TableCell>Type</TableCell>
              <TableCell>Status</TableCell>
              {ACTIONS.map((a) => (
                <TableCell key={a} align="right">
                  {ACTION_LABELS[a]}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {runs.data?.length === 0 && (
              <TableRow>
                <TableCell colSpan={4 + ACTIONS.length} sx={{ color: 'text.secondary' }}>
                  No runs yet.
                </TableCell>
              </TableRow>
            )}
            {runs.data?.map((r) => (
              <TableRow
                key={r.id}
                hover
                selected={selected?.id === r.id}
                aria-selected={selected?.id === r.id}
                tabIndex={0}
                onClick={() => setSelected(r)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    setSelected(r);
                  }
                }}
                sx={{ cursor: 'pointer' }}
              >
                <TableCell>{formatDate(r.startedAt)}</TableCell>
                <TableCell>{r.actor}</TableCell>
                <TableCell>{r.dryRun ? 'Test' : 'Sync'}</TableCell>
                <TableCell title={r.message ?? undefined}>
                  {STATUS[r.status]}
                  {r.message ? `: ${r.message}` : ''}
                </TableCell>
                {ACTIONS.map((a) => (
                  <TableCell key={a} align="right">
                    {r.summary[a].toLocaleString()}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      <Box sx={{ mt: 2 }}>
        {!selected && runs.data && runs.data.length > 0 && (
          <Typography color="text.secondary">Select a run to see its changes.</Typography>
        )}
        {selected && (
          <>
            {changes.loading && <LinearProgress aria-label="Loading the changes" />}
            <ErrorAlert error={changes.error} />
            {source && !changes.loading && (
              <ResultsPanel
                key={selected.id}
                title={`${selected.dryRun ? 'Test' : 'Synchronization'} of ${formatDate(selected.startedAt)} by ${selected.actor}`}
                summary={selected.summary}
                source={source}
              />
            )}
          </>
        )}
      </Box>
    </Box>
  );
}

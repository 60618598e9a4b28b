/**
 * The results of Test Settings or Synchronize now in a dialog of their own, as the archive client
 * shows them: opened when a run ends, full height so the change table has room, with the summary,
 * the filter, CSV export, the deletion guard's "Delete anyway", the warnings and Close. Inline
 * under the form they were far below the fold and a click seemed to do nothing.
 */
import { useId, useMemo } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import { plural } from '../lib/format';
import { ResultsPanel } from '../results/ResultsPanel';
import { keptSource } from '../results/results-source';
import { RunStatus } from './RunStatus';
import type { SyncRunner } from './use-sync-runner';

interface Props {
  open: boolean;
  onClose: () => void;
  runner: SyncRunner;
  /** Runs Synchronize now again with the held deletions confirmed. */
  onDeleteAnyway: () => void;
  /** The form has an invalid field: no new run from here. */
  invalid: boolean;
  /** The test ran with settings that are not saved. */
  triedDraft: boolean;
  /** Synchronize now, from the results of Test Settings. */
  onSyncNow: () => void;
}

/** The dialog; nothing until there is a report to show. */
export function ResultsDialog({ open, onClose, runner, onDeleteAnyway, invalid, triedDraft, onSyncNow }: Props) {
  const titleId = useId();
  const report = runner.report;
  const source = useMemo(() => (report ? keptSource(report) : null), [report]);
  if (!report || !source) return null;
  const busy = runner.running !== null;
  const held = report.summary.held;

  const notice = (
    <>
      {report.dryRun && triedDraft && (
        <Alert severity="info">
          A trial of the settings on screen, which are not saved. Synchronize now saves them and applies these changes.
        </Alert>
      )}
      {held > 0 && !busy && (
        <Alert
          severity="warning"
          action={
            report.dryRun ? undefined : (
              <Button color="inherit" onClick={onDeleteAnyway} disabled={invalid}>
                Delete anyway
              </Button>
            )
          }
        >
          {plural(held, 'deletion')} {report.dryRun ? 'would be' : 'were'} held by the deletion guard
          {report.dryRun ? '.' : ': those users were kept. “Delete anyway” deletes them in a new run.'}
        </Alert>
      )}
      <RunStatus runner={runner} />
    </>
  );

  return (
    <Dialog
      open={open}
      onClose={onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="lg"
      slotProps={{ paper: { sx: { height: 'calc(100% - 48px)', maxHeight: 'none', m: 3 } } }}
    >
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', pb: 1 }}>
        <ResultsPanel
          key={runner.reportSeq}
          title={
            report.dryRun
              ? 'Test Settings: planned changes (nothing was committed)'
              : 'Synchronize now: committed changes'
          }
          titleId={titleId}
          titleComponent="h2"
          notice={notice}
          summary={report.summary}
          source={source}
          warnings={report.warnings}
          tableHeight="fill"
        />
      </DialogContent>
      <DialogActions>
        {busy && (
          <Button onClick={runner.cancel} disabled={runner.progress?.phase === 'apply'}>
            Cancel
          </Button>
        )}
        {report.dryRun && !busy && (
          <Button onClick={onSyncNow} disabled={invalid}>
            Synchronize now
          </Button>
        )}
        <Button variant="contained" onClick={onClose}>
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}

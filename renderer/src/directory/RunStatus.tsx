/**
 * Where a run stands: its progress bar while it runs, then a cancelled note or its error. Shown in
 * the sticky action bar, or in the results dialog when a run starts from there (Delete anyway),
 * so it is always where the administrator is looking.
 */
import Alert from '@mui/material/Alert';
import { ErrorAlert } from '../common/ErrorAlert';
import { ProgressLine } from './ProgressLine';
import type { SyncRunner } from './use-sync-runner';

interface Props {
  runner: SyncRunner;
}

/** Progress, cancellation and error of the current or last run; nothing when there is none. */
export function RunStatus({ runner }: Props) {
  return (
    <>
      {runner.running && <ProgressLine kind={runner.running} progress={runner.progress} />}
      {runner.cancelled && !runner.running && (
        <Alert severity="info" sx={{ my: 0.5 }} onClose={runner.clearCancelled}>
          The run was cancelled. Nothing was changed.
        </Alert>
      )}
      <ErrorAlert error={runner.error} onClose={runner.clearError} />
    </>
  );
}

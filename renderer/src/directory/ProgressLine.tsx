/**
 * The progress bar of a run, with its phase in words. Counts are shown only while they move (the
 * comparison and the changes applied, never a "0 of 100,000" that jumps to the end); once the last phase is through,
 * "Preparing the results…" covers the answer's way to the screen.
 */
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { EventPayload } from '../../../shared/contract';
import type { RunKind } from './use-sync-runner';

type Progress = EventPayload<'sync:progress'>;

/** The label of where a run stands. */
export function progressLabel(kind: RunKind, progress: Progress | null): string {
  if (!progress) return kind === 'test' ? 'Testing the settings…' : 'Synchronizing…';
  const { phase, done, total } = progress;
  switch (phase) {
    case 'read':
      return 'Reading the App directory…';
    case 'plan':
      if (done >= total && kind === 'test') return 'Preparing the results…';
      if (done >= total) return 'Applying the changes…';
      if (done > 0) return `Comparing with the user database… ${done.toLocaleString()} of ${total.toLocaleString()}`;
      return total > 0
        ? `Comparing ${total.toLocaleString()} accounts with the user database…`
        : 'Comparing with the user database…';
    case 'apply':
      if (done >= total) return 'Preparing the results…';
      return done > 0
        ? `Applying the changes… ${done.toLocaleString()} of ${total.toLocaleString()}`
        : `Applying ${total.toLocaleString()} changes…`;
    case 'done':
      return 'Preparing the results…';
  }
}

interface Props {
  kind: RunKind;
  progress: Progress | null;
}

/** Determinate only while a phase's count moves. */
export function ProgressLine({ kind, progress }: Props) {
  const moving =
    progress &&
    (progress.phase === 'apply' || progress.phase === 'plan') &&
    progress.done > 0 &&
    progress.done < progress.total;
  const pct = moving ? Math.min(100, (progress.done / progress.total) * 100) : null;
  return (
    <Box sx={{ my: 1 }}>
      <Typography variant="body2" role="status" sx={{ mb: 0.5 }}>
        {progressLabel(kind, progress)}
      </Typography>
      <LinearProgress
        aria-label="Synchronization progress"
        variant={pct === null ? 'indeterminate' : 'determinate'}
        value={pct ?? undefined}
      />
    </Box>
  );
}

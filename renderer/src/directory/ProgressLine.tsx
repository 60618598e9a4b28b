/** The progress bar of a run, with its phase in words. */
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { EventPayload } from '../../../shared/contract';
import type { RunKind } from './use-sync-runner';

const PHASES: Record<EventPayload<'sync:progress'>['phase'], string> = {
  read: 'Reading the App directory',
  plan: 'Comparing with the user database',
  apply: 'Applying the changes',
  done: 'Finishing',
};

interface Props {
  kind: RunKind;
  progress: EventPayload<'sync:progress'> | null;
}

/** Determinate when the phase knows its total. */
export function ProgressLine({ kind, progress }: Props) {
  const phase = progress ? PHASES[progress.phase] : kind === 'test' ? 'Testing the settings' : 'Synchronizing';
  const pct = progress && progress.total > 0 ? Math.min(100, (progress.done / progress.total) * 100) : null;
  return (
    <Box sx={{ my: 1 }}>
      <Typography variant="body2" role="status" sx={{ mb: 0.5 }}>
        {phase}…
        {progress && progress.total > 0 && ` ${progress.done.toLocaleString()} of ${progress.total.toLocaleString()}`}
      </Typography>
      <LinearProgress
        aria-label="Synchronization progress"
        variant={pct === null ? 'indeterminate' : 'determinate'}
        value={pct ?? undefined}
      />
    </Box>
  );
}

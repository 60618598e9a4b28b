/**
 * The button row: Test Settings, Cancel, Synchronize now, Show results, Save, with the progress,
 * cancellation and errors of a run under them.
 */
import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import { ErrorAlert } from '../common/ErrorAlert';
import type { ActionState } from '../lib/use-action';
import { RunStatus } from './RunStatus';
import type { DirectoryForm } from './use-directory-form';
import type { SyncRunner } from './use-sync-runner';

interface Props {
  dir: DirectoryForm;
  /** Save, shared with Synchronize now, which saves what it runs with. */
  save: ActionState<'settings:save'>;
  runner: SyncRunner;
  invalid: boolean;
  onTest: () => void;
  onSyncNow: () => void;
  /** The results dialog is open and shows the run's status itself. */
  resultsOpen: boolean;
  onShowResults: () => void;
}

/** Sticks to the bottom of the view while the form is scrolled, so the actions stay at hand. */
export function SyncActions({ dir, save, runner, invalid, onTest, onSyncNow, resultsOpen, onShowResults }: Props) {
  const [saved, setSaved] = useState(false);
  const hasDir = !!dir.form?.directory.appDir.trim();
  const busy = runner.running !== null;
  const canCancel = busy && runner.progress?.phase !== 'apply';

  const onSave = async () => {
    if (!dir.saveInput) return;
    setSaved(false);
    const r = await save.run(dir.saveInput);
    if (r.ok) {
      dir.accept(r.value);
      setSaved(true);
    }
  };

  return (
    <Box
      sx={{
        position: 'sticky',
        bottom: 0,
        zIndex: 2,
        bgcolor: 'background.default',
        borderTop: 1,
        borderColor: 'divider',
        py: 1,
      }}
    >
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Button variant="contained" onClick={onTest} disabled={!hasDir || busy || invalid}>
          Test Settings
        </Button>
        {busy && (
          <Button onClick={runner.cancel} disabled={!canCancel}>
            Cancel
          </Button>
        )}
        <Button variant="contained" color="primary" onClick={onSyncNow} disabled={!hasDir || busy || invalid}>
          Synchronize now
        </Button>
        {runner.report && !busy && <Button onClick={onShowResults}>Show results</Button>}
        <Box sx={{ flex: 1 }} />
        {dir.dirty && <Chip label="Unsaved changes" variant="outlined" color="warning" />}
        {saved && !dir.dirty && (
          <Typography variant="body2" color="success.main" role="status">
            Settings saved.
          </Typography>
        )}
        <Button variant="contained" onClick={() => void onSave()} disabled={!dir.dirty || invalid || save.busy}>
          Save
        </Button>
      </Box>
      {dir.dirty && !busy && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
          Test Settings tries the unsaved settings without saving them; Synchronize now saves them first.
        </Typography>
      )}
      {!resultsOpen && <RunStatus runner={runner} />}
      <ErrorAlert error={save.error} onClose={() => save.setError(null)} />
    </Box>
  );
}

/**
 * Directory Services: the MDaemon connection, the scope and options of synchronization, logon
 * with MDaemon credentials, and Test Settings / Synchronize now / Save; a run's results open in a dialog.
 */
import { useEffect, useRef, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { ChannelOutput } from '../../../shared/contract';
import { InlineNumberField } from '../common/InlineNumberField';
import { Section } from '../common/Section';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { plural } from '../lib/format';
import { call } from '../lib/call';
import { useAction } from '../lib/use-action';
import type { Result } from '../../../shared/result';
import { useUnsavedChanges } from '../lib/unsaved-changes';
import { parseDeleteLimit, parseHours, parseIdleMinutes, useParsedText } from '../lib/use-parsed-text';
import { AuthenticationSection } from './AuthenticationSection';
import { ConnectionSection } from './ConnectionSection';
import { DefaultPrivilegesDialog } from './DefaultPrivilegesDialog';
import { NotificationsSection } from './NotificationsSection';
import { OptionsSection } from './OptionsSection';
import { ResultsDialog } from './ResultsDialog';
import { SyncActions } from './SyncActions';
import { SyncScopeSection } from './SyncScopeSection';
import { useDirectoryForm } from './use-directory-form';
import { useOverview } from './use-overview';
import { useSyncRunner } from './use-sync-runner';

type Report = ChannelOutput<'sync:test'>;

interface Props {
  info: ChannelOutput<'app:info'>;
}

/** A test plan reused to decide whether Synchronize now must ask first, while it is fresh. */
const PLAN_FRESH_MS = 60_000;

/** The screen. */
export function DirectoryServicesScreen({ info }: Props) {
  const dir = useDirectoryForm(info);
  const overview = useOverview(dir.probe);
  const runner = useSyncRunner();
  const [privilegesOpen, setPrivilegesOpen] = useState(false);
  const [addressError, setAddressError] = useState<string | null>(null);
  const [notifyInvalid, setNotifyInvalid] = useState(false);
  const [confirm, setConfirm] = useState<Report['summary'] | null>(null);
  const [resultsOpen, setResultsOpen] = useState(false);
  const lastPlan = useRef<{ key: string; at: number; report: Report } | null>(null);
  const save = useAction('settings:save');
  /** The shown test results were a trial of settings that were not saved. */
  const [triedDraft, setTriedDraft] = useState(false);
  const { form, update } = dir;
  useUnsavedChanges('directory-services', dir.dirty);

  // An error belongs to the values it came from: editing them takes it away.
  const valuesKey = dir.probe ? JSON.stringify(dir.probe) : '';
  const { clearError, clearCancelled } = runner;
  const { setError: setSaveError } = save;
  useEffect(() => {
    clearError();
    clearCancelled();
    setSaveError(null);
  }, [valuesKey, clearError, clearCancelled, setSaveError]);

  const deleteLimit = useParsedText(
    form?.sync.deleteLimit ?? null,
    (v) => v ?? '',
    parseDeleteLimit,
    (v) => update('sync', { deleteLimit: v }),
  );
  const hours = useParsedText(form?.sync.autoSyncHours ?? 0, String, parseHours, (v) =>
    update('sync', { autoSyncHours: v }),
  );
  const idle = useParsedText(form?.sessions.idleMinutes ?? 30, String, parseIdleMinutes, (v) =>
    update('sessions', { idleMinutes: v }),
  );

  if (!form || !dir.probe) {
    return (
      <Box sx={{ p: 2 }}>
        {dir.loadError ? (
          <Alert
            severity="error"
            action={
              <Button color="inherit" onClick={dir.reload}>
                Retry
              </Button>
            }
          >
            The settings cannot be loaded: {dir.loadError.message}
          </Alert>
        ) : (
          <LinearProgress aria-label="Loading the settings" />
        )}
      </Box>
    );
  }
  const probe = dir.probe;
  const planKey = JSON.stringify(probe.settings);
  const invalid = !!deleteLimit.error || !!hours.error || !!idle.error || !!addressError || notifyInvalid;

  const test = async () => {
    const draft = dir.dirty;
    const r = await runner.test(probe);
    if (r.ok) {
      lastPlan.current = { key: planKey, at: Date.now(), report: r.value };
      setTriedDraft(draft);
      setResultsOpen(true);
    }
  };
  /** Synchronize now runs with the settings on screen, and they become the configuration first. */
  const saveDraft = async (): Promise<Result<unknown>> => {
    if (!dir.dirty) return { ok: true, value: null };
    const r = await call('settings:save', dir.saveInput ?? probe);
    if (!r.ok) return { ok: false, error: { ...r.error, message: `The settings were not saved: ${r.error.message}` } };
    dir.accept(r.value);
    return r;
  };
  const sync = async (confirmDeletes: boolean) => {
    setConfirm(null);
    lastPlan.current = null;
    const r = await runner.sync(probe, confirmDeletes, saveDraft);
    if (r.ok) {
      setTriedDraft(false);
      setResultsOpen(true);
    }
  };
  const syncNow = async () => {
    if (form.sync.deleteUsers) {
      const cached = lastPlan.current;
      let plan = cached && cached.key === planKey && Date.now() - cached.at < PLAN_FRESH_MS ? cached.report : null;
      if (!plan) {
        const r = await runner.test(probe);
        if (!r.ok) return;
        plan = r.value;
        lastPlan.current = { key: planKey, at: Date.now(), report: plan };
      }
      if (plan.summary.delete > 0) {
        setConfirm(plan.summary);
        return;
      }
    }
    await sync(false);
  };

  return (
    <Box sx={{ p: 2, maxWidth: 1100 }}>
      <Typography variant="h1" sx={{ mb: 1.5 }}>
        Directory Services
      </Typography>
      <ConnectionSection info={info} dir={dir} overview={overview} />
      <SyncScopeSection sync={form.sync} onChange={(p) => update('sync', p)} overview={overview} />
      <OptionsSection
        sync={form.sync}
        onChange={(p) => update('sync', p)}
        deleteLimitText={deleteLimit.text}
        onDeleteLimitText={deleteLimit.onText}
        deleteLimitError={deleteLimit.error}
        onDefaultPrivileges={() => setPrivilegesOpen(true)}
      />
      <AuthenticationSection imap={form.imap} onChange={(p) => update('imap', p)} onAddressError={setAddressError} />
      <Section title="Automatic Synchronization">
        <InlineNumberField
          id="auto-sync-hours"
          before="Synchronize automatically every"
          after="hours"
          ariaLabel="Synchronize automatically every … hours"
          field={hours}
          help="0 = off. Runs in mdsync server, or while the app is open; after Save. Each run is recorded in the history."
        />
      </Section>
      <NotificationsSection dir={dir} onInvalid={setNotifyInvalid} />
      <Section title="Sessions">
        <InlineNumberField
          id="session-idle-minutes"
          before="Log users off after"
          after="minutes without activity"
          ariaLabel="Log users off after … minutes without activity"
          field={idle}
          help="For people logged on to mdsync server from a browser or the desktop app. Default 30."
        />
      </Section>

      <SyncActions
        dir={dir}
        save={save}
        runner={runner}
        invalid={invalid}
        onTest={() => void test()}
        onSyncNow={() => void syncNow()}
        resultsOpen={resultsOpen && !!runner.report}
        onShowResults={() => setResultsOpen(true)}
      />

      <ResultsDialog
        open={resultsOpen && !!runner.report}
        onClose={() => setResultsOpen(false)}
        runner={runner}
        invalid={invalid}
        triedDraft={triedDraft}
        onSyncNow={() => {
          setResultsOpen(false);
          void syncNow();
        }}
        onDeleteAnyway={() => void sync(true)}
      />
      <DefaultPrivilegesDialog
        open={privilegesOpen}
        value={form.defaultPrivileges}
        onClose={(next) => {
          setPrivilegesOpen(false);
          if (next) update('defaultPrivileges', next);
        }}
      />
      <ConfirmDialog
        open={confirm !== null}
        title="Delete users?"
        confirmLabel="Synchronize and delete"
        danger
        onCancel={() => setConfirm(null)}
        onConfirm={() => void sync(false)}
      >
        <Typography>
          Synchronize now will delete {plural(confirm?.delete ?? 0, 'user')} whose MDaemon accounts are gone or out of
          scope. Archive folders that hold messages are kept.
        </Typography>
        {(confirm?.held ?? 0) > 0 && (
          <Typography sx={{ mt: 1 }}>
            {plural(confirm?.held ?? 0, 'further deletion')} will be held by the deletion guard.
          </Typography>
        )}
      </ConfirmDialog>
    </Box>
  );
}

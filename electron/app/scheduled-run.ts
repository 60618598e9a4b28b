/**
 * What the automatic synchronization does at its hour: a synchronization of the saved settings by
 * `schedule`, and one mail to the administrators when it failed, held deletions or skipped records.
 */
import os from 'node:os';
import type { DirectoryProbe } from '../../shared/contract';
import type { SyncReport } from '../../shared/model';
import type { SecretStore } from '../core/secret-store';
import type { SettingsStore } from '../core/settings-store';
import { notifyAfterRun, type RunOutcome } from '../core/notify/run-notice';
import type { RunOptions } from './sync-runs';

/** What a scheduled run needs. */
export interface ScheduledRunDeps {
  readonly settings: SettingsStore;
  readonly secrets: SecretStore;
  readonly run: (probe: DirectoryProbe, opts: RunOptions) => Promise<SyncReport>;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** Runs one scheduled synchronization (nothing without an App directory) and tells of its outcome. */
export async function scheduledRun(deps: ScheduledRunDeps): Promise<void> {
  const settings = deps.settings.load();
  if (!settings.directory.appDir) return;
  let outcome: RunOutcome;
  try {
    const report = await deps.run(
      { settings, sharePassword: null },
      { dryRun: false, confirmDeletes: false, actor: 'schedule' },
    );
    outcome = { ok: true, report };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.log('warn', `scheduled synchronization failed: ${message}`);
    outcome = { ok: false, error: message };
  }
  // A run that failed, held deletions or skipped records: one mail to the administrators.
  await notifyAfterRun(outcome, {
    settings: deps.settings.load().notify,
    password: deps.secrets.get('smtpPassword'),
    server: os.hostname(),
    log: deps.log,
  });
}

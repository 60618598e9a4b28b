/**
 * The mail an administrator gets when a scheduled synchronization needs a person: it failed, it
 * held deletions back for confirmation, or it skipped records. One message per run, with the
 * counts, the reasons and what to do; never a password (it holds only counts, file names, line
 * numbers and the messages the app shows). Sending is best effort: a failed send is one log line
 * and never fails the run.
 */
import type { SyncReport } from '../../../shared/model';
import type { NotifySettings } from '../../../shared/settings';
import { notifyConfigured, sendMail, type Mail } from './mailer';

/** How a scheduled run ended. */
export type RunOutcome =
  { readonly ok: true; readonly report: SyncReport } | { readonly ok: false; readonly error: string };

const MAX_LISTED = 20;

/** The message a run calls for, or null when it needs nobody. */
export function runNotice(outcome: RunOutcome, server: string): Mail | null {
  if (!outcome.ok) {
    return {
      subject: `mdsync: the scheduled synchronization failed on ${server}`,
      text: [
        `The scheduled synchronization on ${server} failed; nothing was changed.`,
        '',
        `Reason: ${outcome.error}`,
        '',
        'What to do: open Directory Services, click Test Settings to see the problem, fix the settings or the',
        'MDaemon files, then click Synchronize now (or wait for the next scheduled run).',
      ].join('\n'),
    };
  }
  const { summary, warnings } = outcome.report;
  if (summary.held === 0 && summary.skip === 0) return null;
  const lines = [
    `The scheduled synchronization on ${server} ran and needs a person:`,
    '',
    `  created ${summary.create}, updated ${summary.update}, deleted ${summary.delete}, unchanged ${summary.unchanged}`,
    `  deletions held for confirmation: ${summary.held}`,
    `  records skipped: ${summary.skip}`,
  ];
  if (summary.held > 0) {
    lines.push(
      '',
      `${summary.held} deletion${summary.held === 1 ? ' was' : 's were'} held back by the deletion guard (more users would go than the limit allows).`,
      'What to do: open Directory Services, click Test Settings to review who would be deleted, then',
      'Synchronize now and confirm the deletions, or raise the deletion limit if they are expected.',
    );
  }
  if (summary.skip > 0) {
    const listed = warnings.filter((w) => w.level !== 'note').slice(0, MAX_LISTED);
    lines.push(
      '',
      `${summary.skip} record${summary.skip === 1 ? ' was' : 's were'} skipped. The reasons:`,
      ...listed.map((w) => `  ${w.file}${w.line === null ? '' : `:${w.line}`}: ${w.message}`),
      ...(warnings.length > listed.length
        ? [`  … and ${warnings.length - listed.length} more (see Test Settings)`]
        : []),
      'What to do: correct these records in MDaemon; they are synchronized with the next run.',
    );
  }
  return {
    subject: `mdsync: the scheduled synchronization on ${server} needs a person (${summary.held} held, ${summary.skip} skipped)`,
    text: lines.join('\n'),
  };
}

/** What {@link notifyAfterRun} needs. */
export interface NotifyDeps {
  readonly settings: NotifySettings;
  readonly password: string | null;
  readonly server: string;
  log(level: 'info' | 'warn', message: string): void;
  /** The sender (tests); default {@link sendMail}. */
  send?: typeof sendMail;
}

/** Sends the run's message when it needs one; never throws (a failed send is one log line). */
export async function notifyAfterRun(outcome: RunOutcome, deps: NotifyDeps): Promise<void> {
  const mail = runNotice(outcome, deps.server);
  if (!mail || !notifyConfigured(deps.settings)) return;
  try {
    await (deps.send ?? sendMail)(deps.settings, deps.password, mail);
    deps.log('info', `the scheduled run's notice was mailed to ${deps.settings.recipients.length} recipient(s)`);
  } catch (err) {
    deps.log(
      'warn',
      `the scheduled run's notice could not be mailed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

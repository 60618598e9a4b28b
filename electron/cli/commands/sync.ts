/**
 * `mdsync sync` (and, through makeRunCommand, `mdsync test`): the plan, applied all or nothing.
 *
 * For schedules and scripts: JSON on stdout (docs/architecture.md, "The command line's JSON"), one line on stderr for what
 * needs the administrator. Exit 0 done; 1 refused, failed or deletes held; 2 bad usage or an
 * unreadable source.
 */
import { createFileLogger } from '../../core/logger';
import { dataFiles } from '../../core/paths';
import type { Change, SyncReport } from '../../../shared/model';
import { runSync } from '../../core/sync/run';
import type { CliIo, Command } from '../io';
import {
  COMMON_FLAGS,
  type CommonValues,
  type MachineDeps,
  machine,
  parseFlags,
  prepareRun,
  progressPrinter,
  repositoryOptions,
} from './common-flags';
import { withRepository } from '../../app/open-store';
import { readOnlySettings, settingsStoreFor } from '../../app/settings-choice';
import { DATABASE_USAGE } from './database-flags';

const COMMON_USAGE =
  '[--data-dir D] [--app-dir DIR] [--code-page CP] [--domain D]... [--group G]... [--delete-users] [--delete-limit N|P%] ' +
  '[--share-user U] [--share-domain D] [--share-password-stdin] [--progress] [--json] ' +
  DATABASE_USAGE;

/** How many change lines the human output lists before "and N more". */
export const SHOWN_CHANGES = 50;
const SHOWN_WARNINGS = 10;

/** Changes per written piece of the JSON. */
const JSON_PIECE = 500;

/**
 * The contract's JSON, one change per line (100,000 lines stay cheap to write and to read), written
 * piece by piece: no one string of every change, so 200,000 changes do not double the peak memory.
 */
export function writeReportJson(r: SyncReport, write: (text: string) => void): void {
  const list = (items: readonly unknown[]) => {
    if (items.length === 0) return write('[]');
    write('[\n    ');
    for (let i = 0; i < items.length; i += JSON_PIECE) {
      const piece = items.slice(i, i + JSON_PIECE).map((x) => JSON.stringify(x));
      write(`${i === 0 ? '' : ',\n    '}${piece.join(',\n    ')}`);
    }
    write('\n  ]');
  };
  write(`{\n  "dryRun": ${r.dryRun},\n  "summary": ${JSON.stringify(r.summary)},\n  "changes": `);
  list(r.changes);
  write(',\n  "warnings": ');
  list(r.warnings);
  write(`,\n  "runId": ${r.runId ?? null}\n}\n`);
}

/** The contract's JSON as one string. */
export function reportJson(r: SyncReport): string {
  const pieces: string[] = [];
  writeReportJson(r, (t) => pieces.push(t));
  return pieces.join('');
}

/** The human report: a summary line, the changes (not the unchanged ones), the warnings. */
export function reportText(r: SyncReport): string {
  const s = r.summary;
  const out = [
    r.dryRun
      ? `Test (nothing written): ${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.unchanged} unchanged, ${s.skip} skipped, ${s.held} held`
      : `Synchronized: ${s.create} created, ${s.update} updated, ${s.delete} deleted, ${s.unchanged} unchanged, ${s.skip} skipped, ${s.held} held`,
  ];
  const shown = r.changes.filter((c) => c.action !== 'unchanged');
  if (shown.length > 0) {
    const width = Math.min(40, Math.max(...shown.slice(0, SHOWN_CHANGES).map((c) => c.userName.length)));
    out.push('', `  ${'ACTION'.padEnd(9)} ${'USER'.padEnd(width)}  REASON`);
    for (const c of shown.slice(0, SHOWN_CHANGES))
      out.push(`  ${c.action.padEnd(9)} ${c.userName.padEnd(width)}  ${c.reason}`);
    if (shown.length > SHOWN_CHANGES) out.push(`  … and ${shown.length - SHOWN_CHANGES} more (see --json)`);
  }
  if (r.warnings.length > 0) {
    out.push('', `${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}:`);
    for (const w of r.warnings.slice(0, SHOWN_WARNINGS))
      out.push(`  ${w.file}${w.line === null ? '' : `:${w.line}`}: ${w.message}`);
    if (r.warnings.length > SHOWN_WARNINGS) out.push(`  … and ${r.warnings.length - SHOWN_WARNINGS} more (see --json)`);
  }
  return `${out.join('\n')}\n`;
}

/** The line telling the administrator why deletes were held and how to release them, or null. */
export function heldLine(r: SyncReport): string | null {
  const held = r.changes.filter((c): c is Change => c.action === 'held');
  if (held.length === 0) return null;
  const n = `${held.length} delete${held.length === 1 ? '' : 's'}`;
  const reason = held[0]?.reason ?? '';
  if (reason.startsWith('held by the deletion guard')) {
    return `${n} held by the deletion guard; ${r.dryRun ? 'a sync' : 'run again'} with --confirm-deletes (or a higher --delete-limit) to apply them`;
  }
  return `${n} held: ${reason.replace(/^held: /, '')}`;
}

/** The summary counts in one log line. */
function summaryLine(r: SyncReport): string {
  const s = r.summary;
  return `create ${s.create}, update ${s.update}, delete ${s.delete}, unchanged ${s.unchanged}, skip ${s.skip}, held ${s.held}`;
}

/** Builds `test` (dryRun) or `sync` over the given machine. */
export function makeRunCommand(dryRun: boolean, deps: MachineDeps = machine): Command {
  const name = dryRun ? 'test' : 'sync';
  const usage = `usage: mdsync ${name} ${COMMON_USAGE}${dryRun ? '' : ' [--confirm-deletes]'}`;
  const options = dryRun ? COMMON_FLAGS : { ...COMMON_FLAGS, 'confirm-deletes': { type: 'boolean' } as const };
  return async (argv: string[], io: CliIo): Promise<number> => {
    const { values } = parseFlags<CommonValues & { 'confirm-deletes'?: boolean }>(argv, options, usage);
    if (values.help) {
      io.stdout(`${usage}\n`);
      return 0;
    }
    const dataDir = values['data-dir'] ?? io.defaultDataDir;
    const open = {
      ...(await repositoryOptions(
        io,
        name,
        dataDir,
        values,
        values['share-password-stdin'] ? '--share-password-stdin' : undefined,
      )),
      // A test only reads: a damaged file is reported, never moved aside or replaced by its backup.
      readOnly: dryRun,
    };
    const { report, run } = await withRepository({ ...open, dataDir }, async (repository) => {
      // The settings every server shares, where the database keeps them; else this machine's.
      const settings = await settingsStoreFor(
        repository,
        readOnlySettings(() => deps.loadSettings(dataDir)),
      );
      const run = await prepareRun(values, io, { ...deps, loadSettings: () => settings.load() });
      const report = await runSync({
        repository,
        readDirectory: () => run.readDirectory(),
        settings: run.settings,
        dryRun,
        confirmDeletes: values['confirm-deletes'] === true,
        deleteLimit: run.deleteLimit,
        actor: 'cli',
        onProgress: progressPrinter(io, values.progress),
      });
      return { report, run };
    });
    if (values.json) writeReportJson(report, io.stdout);
    else io.stdout(reportText(report));
    const held = heldLine(report);
    if (held) io.stderr(`mdsync ${name}: ${held}\n`);
    createFileLogger(dataFiles(run.dataDir).log).log(
      held ? 'warn' : 'info',
      `${name} from the command line: ${summaryLine(report)}${held ? `; ${held}` : ''}`,
    );
    // The contract: held deletes are exit 1, for a test (which would hold them) as for a sync.
    return held ? 1 : 0;
  };
}

/** `mdsync sync`: the plan, applied all or nothing. */
export const syncCommand: Command = makeRunCommand(false);

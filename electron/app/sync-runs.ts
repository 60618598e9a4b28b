/**
 * Test Settings and Synchronize now in one process: one run at a time, cancellable tests, the
 * history entries of tests written after their answer, progress passed on to other pages, and a
 * stop that never leaves a synchronization half applied.
 */
import type { DirectoryProbe } from '../../shared/contract';
import type { DirectoryRead, SyncProgress, SyncReport } from '../../shared/model';
import { UserError } from '../../shared/result';
import type { Settings } from '../../shared/settings';
import type { ArchiveRepository } from '../core/db/port';
import { countRun, serviceMetrics } from '../core/metrics';
import { runSync } from '../core/sync/run';

/** Options of one Test Settings / Synchronize now run. */
export interface RunOptions {
  readonly dryRun: boolean;
  readonly confirmDeletes: boolean;
  readonly actor: string;
  readonly onProgress?: (p: SyncProgress) => void;
}

/** Where a run hears progress events (another server's pages, through the shared database). */
export type ProgressSink = (event: 'sync:progress', payload: SyncProgress) => void;

/** What the runs need. */
export interface SyncRunsDeps {
  readonly db: ArchiveRepository;
  /** The probe's settings with the code page filled in. */
  readonly settingsOf: (probe: DirectoryProbe) => Settings;
  readonly readDirectory: (
    probe: DirectoryProbe,
    signal: AbortSignal,
    onProgress: (done: number, total: number) => void,
  ) => Promise<DirectoryRead>;
  /** After a synchronization: sessions of deleted or demoted users end now, not at the next sweep. */
  readonly afterSync: () => Promise<void>;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** The run under way. */
interface Current {
  readonly controller: AbortController;
  readonly dryRun: boolean;
  readonly done: Promise<void>;
}

/** The runs of one process. */
export class SyncRuns {
  private current: Current | null = null;
  private closing = false;
  /** History entries of tests still being written after their answer went out. */
  private readonly recording = new Set<Promise<unknown>>();
  private readonly progressSinks = new Set<ProgressSink>();

  constructor(private readonly deps: SyncRunsDeps) {}

  /** Runs Test Settings or Synchronize now; one run at a time in this process. */
  async run(probe: DirectoryProbe, opts: RunOptions): Promise<SyncReport> {
    if (this.closing) throw new UserError('busy', 'the service is stopping');
    if (this.current) throw new UserError('busy', 'a synchronization is already running in this app');
    const controller = new AbortController();
    let finished!: () => void;
    this.current = { controller, dryRun: opts.dryRun, done: new Promise<void>((r) => (finished = r)) };
    const settings = this.deps.settingsOf(probe);
    const started = performance.now();
    // The caller's page sees the progress, and through the sinks, the other servers' pages.
    const progress = (p: SyncProgress) => {
      opts.onProgress?.(p);
      for (const sink of this.progressSinks) sink('sync:progress', p);
    };
    let outcome: Parameters<typeof countRun>[1]['result'] = 'failed';
    let summary: SyncReport['summary'] | undefined;
    try {
      await this.historySettled(); // runs are recorded in the order they started
      const report = await runSync({
        repository: this.deps.db,
        readDirectory: () =>
          this.deps.readDirectory(probe, controller.signal, (done, total) => progress({ phase: 'read', done, total })),
        settings,
        dryRun: opts.dryRun,
        confirmDeletes: opts.confirmDeletes,
        actor: opts.actor,
        signal: controller.signal,
        onProgress: progress,
        recordLater: opts.dryRun ? (recorded) => this.recordLater(recorded) : undefined,
      });
      this.deps.log('info', `${opts.dryRun ? 'test' : 'sync'} by ${opts.actor}: ${JSON.stringify(report.summary)}`);
      outcome = opts.dryRun ? 'tested' : 'applied';
      summary = report.summary;
      if (!opts.dryRun) await this.deps.afterSync().catch(() => undefined);
      return report;
    } catch (err) {
      if (controller.signal.aborted) outcome = 'cancelled';
      throw err;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      countRun(serviceMetrics, { dryRun: opts.dryRun, actor: opts.actor, result: outcome, seconds, summary });
      this.current = null;
      finished();
    }
  }

  /** Resolves once the history entries of finished tests are written. */
  async historySettled(): Promise<void> {
    await Promise.allSettled([...this.recording]);
  }

  /** Cancels a running test; true when there was one. */
  cancelTest(): boolean {
    if (!this.current?.dryRun) return false;
    this.current.controller.abort();
    return true;
  }

  /** Whether a test or a synchronization is running. */
  busy(): boolean {
    return this.current !== null;
  }

  /** Hears every run's progress; returns the unsubscribe. */
  subscribe(sink: ProgressSink): () => void {
    this.progressSinks.add(sink);
    return () => this.progressSinks.delete(sink);
  }

  /**
   * Refuses new runs; a test stops, a synchronization stops before it applies anything or, once
   * applying, finishes its one transaction: never half. Resolves when it has and the history is written.
   */
  async stop(): Promise<void> {
    this.closing = true;
    const running = this.current;
    if (running) {
      this.deps.log(
        'info',
        `stopping: ${running.dryRun ? 'cancelling the running test' : 'ending the running synchronization'}`,
      );
      running.controller.abort();
    }
    await running?.done;
    await this.historySettled();
  }

  private recordLater(recorded: Promise<unknown>): void {
    const p = recorded.finally(() => this.recording.delete(p));
    this.recording.add(p);
  }
}

/**
 * The product's services, composed once per process: the Electron app, browser mode, or the
 * network service (`mdsync server`).
 *
 * Electron-free: what differs between the two (settings store, secret store, folder picker) comes
 * in as dependencies. The handlers in electron/api/ are thin layers over what is built here.
 */
import { randomBytes } from 'node:crypto';
import type { DirectoryProbe } from '../../shared/contract';
import type { DirectoryRead, SyncProgress, SyncReport } from '../../shared/model';
import type { Settings } from '../../shared/settings';
import { type ArchiveRepository, type RepositoryOptions } from '../core/db/port';
import { openRepository } from '../core/db/open';
import { chooseDatabase } from '../core/db/database-choice';
import type { Logger } from '../core/logger';
import { systemCodePage } from '../core/mdaemon/default-code-page';
import { readWindowsRegistry } from '../core/mdaemon/windows-registry';
import type { SecretStore } from '../core/secret-store';
import type { SettingsStore } from '../core/settings-store';
import { createSmbSource } from '../core/smb/smb-source';
import type { Session } from './session';
import type { EventName, EventPayload } from '../../shared/contract';
import { createScheduler, type Scheduler, type Timers } from '../core/scheduler';
import type { CheckPool } from '../core/imap/check-pool';
import { countRefusals, serviceMetrics } from '../core/metrics';
import type { Authenticator } from '../core/auth/authenticate';
import { CheckGate, imapGateSize } from '../core/auth/check-gate';
import { SessionGuard } from '../core/auth/session-guard';
import { createDeviceCookies, deviceKey, type DeviceCookies } from '../core/auth/device-cookie';
import { watchUnlockRequests } from '../core/auth/unlock-requests';
import { readAppDirectory, type ReadMachine } from './app-directory';
import { createLogonAuthenticator } from './authenticator';
import { scheduledRun } from './scheduled-run';
import { settingsStoreFor } from './settings-choice';
import { SyncRuns, type RunOptions } from './sync-runs';

/** What differs between the desktop app, browser mode and the network service. */
export interface ServiceDeps {
  readonly mode: 'electron' | 'browser' | 'server';
  readonly dataDir: string;
  readonly version: string;
  readonly platform: NodeJS.Platform;
  readonly logger: Logger;
  readonly settings: SettingsStore;
  readonly secrets: SecretStore;
  /** The native folder picker, where there is one. */
  readonly browseFolder?: (start: string) => Promise<string | null>;
  /** The bundled sample App directory, where it is shipped. */
  readonly sampleAppDir?: string | null;
  /** The user database's store; default: MDSYNC_DATABASE_URL or config.json `database`, else the file. */
  readonly database?: Pick<RepositoryOptions, 'databaseUrl' | 'databasePassword'>;
  /** Where logon checks against MDaemon run (the network service's worker threads); default this thread. Closed with the services. */
  readonly imapChecks?: Pick<CheckPool, 'check' | 'close'>;
  /** The automatic synchronization's timers (tests drive the real scheduler with their own clock). */
  readonly schedulerTimers?: Timers;
}

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export type { RunOptions } from './sync-runs';

/** The services handlers call. */
export interface Services extends ServiceDeps {
  readonly db: ArchiveRepository;
  readonly authenticator: Authenticator;
  readonly defaultCodePage: string;
  readonly scheduler: Scheduler;
  /** Known-good devices (the web carrier's device cookie). */
  readonly devices: DeviceCookies;
  /** Binds sessions to users and checks every call against the user's current state. */
  readonly sessionGuard: SessionGuard;
  /** Reads the App directory the probe describes (a typed share password, or the stored one). */
  readDirectory(
    probe: DirectoryProbe,
    signal?: AbortSignal,
    onProgress?: (done: number, total: number) => void,
  ): Promise<DirectoryRead>;
  /** Runs Test Settings or Synchronize now; one run at a time in this process. */
  run(probe: DirectoryProbe, opts: RunOptions): Promise<SyncReport>;
  /** Resolves once the history entries of finished tests are written (read the history after it). */
  historySettled(): Promise<void>;
  /** Cancels a running test; true when there was one. */
  cancelTest(): boolean;
  /** Whether a test or a synchronization is running in this process. */
  busy(): boolean;
  /** Follows a window's or connection's session (for pushes); returns its release. */
  trackSession(session: Session, emit: Emit): () => void;
  /** Logs a user off everywhere (deleted, or lost the right to log on), but `except`. */
  endSessions(userName: string, reason: string, except?: Session): void;
  /**
   * Servers sharing the database: `sink` hears each event a run shows its own page (progress), to
   * pass it on; `show` gives another server's event to this server's administrators' pages.
   */
  readonly pageEvents: {
    subscribe(sink: (event: 'sync:progress', payload: SyncProgress) => void): () => void;
    show(event: string, payload: unknown): void;
  };
  /** Where ending a user's sessions is also told (the sessions shared on PostgreSQL). */
  revokeElsewhere: ((userName: string, reason: string, except?: Session) => void) | null;
  /**
   * Stops the schedule, cancels a running test, ends a running synchronization (cancelled before
   * it applies, or its one transaction finished: never half) and closes the database.
   */
  close(): Promise<void>;
}

/** A key for this process only (the desktop app and browser mode have no device cookies to keep). */
function cryptoKey(): Buffer {
  return randomBytes(32);
}

/** Builds the services of a process. */
export async function createServices(deps: ServiceDeps): Promise<Services> {
  const db = await openRepository({
    dataDir: deps.dataDir,
    ...(deps.database ?? { databaseUrl: chooseDatabase({ env: process.env, dataDir: deps.dataDir }).databaseUrl }),
    // A writer lock taken over from a dead holder is a log line (and on the administrators' banner).
    lock: { log: (m) => deps.logger.log('warn', `user database: ${m}`) },
  });
  for (const w of db.warnings) deps.logger.log('warn', w);
  const settingsStore = await settingsStoreFor(db, deps.settings);
  const defaultCodePage = await systemCodePage({ platform: deps.platform, readRegistry: readWindowsRegistry });
  const log = (level: 'info' | 'warn' | 'error', message: string) => deps.logger.log(level, message);
  serviceMetrics.poolFrom(() => db.poolStats?.() ?? null);
  const authenticator = createLogonAuthenticator(db, {
    imapSettings: () => settingsStore.load().imap,
    checkImap: deps.imapChecks?.check,
    log,
    extra: {
      // The bound on checks in flight, its refusals for load counted for the metrics.
      gate: countRefusals(new CheckGate()),
      imapGate: countRefusals(new CheckGate(imapGateSize().maxInFlight, imapGateSize().maxQueued)),
      // PostgreSQL counts failures in the database, so every server sharing it throttles the same
      // attempts; the embedded store keeps them in this process, and `mdsync users unlock` reaches
      // it through a request file in the data directory.
      throttleStore: db.throttleStore() ?? undefined,
      ...(db.throttleStore() ? {} : { pendingUnlocks: watchUnlockRequests(deps.dataDir) }),
    },
  });
  const devices = createDeviceCookies(deps.mode === 'server' ? deviceKey(deps.dataDir) : cryptoKey());

  // Every call needing a user is checked against the store; changes made elsewhere (the CLI,
  // another server) are seen by a sweep every half second.
  const sessionGuard = new SessionGuard({
    getAuthState: (name) => db.getAuthState(name),
    getAuthStates: (ids) => db.getAuthStates(ids),
    log,
  });
  /** Every page (socket) of this process, for events from other servers. */
  const pages = new Set<{ session: Session; emit: Emit }>();
  const readMachine: ReadMachine = {
    platform: deps.platform,
    readRegistry: readWindowsRegistry,
    loadSmbSource: () => Promise.resolve(createSmbSource),
  };
  const settingsOf = (probe: DirectoryProbe): Settings => {
    const s = probe.settings;
    return s.directory.codePage ? s : { ...s, directory: { ...s.directory, codePage: defaultCodePage } };
  };
  const runs = new SyncRuns({
    db,
    settingsOf,
    readDirectory: (probe, signal, onProgress) => services.readDirectory(probe, signal, onProgress),
    afterSync: () => sessionGuard.refresh(),
    log,
  });

  // Runs only after `services` exists: the closure reads it lazily.
  const scheduler = createScheduler({
    timers: deps.schedulerTimers,
    hours: () => settingsStore.load().sync.autoSyncHours,
    // The history is the truth, so a restart does not reset the schedule.
    lastScheduledRunAt: async () => {
      const last = await db.lastRun({ actor: 'schedule', dryRun: false });
      return last ? Date.parse(last.startedAt) : null;
    },
    // One process at a time among all that share the store; another one holding it runs the schedule itself.
    exclusive: (fn) => db.runAlone(fn),
    run: () => scheduledRun({ settings: settingsStore, secrets: deps.secrets, run: (p, o) => services.run(p, o), log }),
  });

  const services: Services = {
    ...deps,
    settings: settingsStore,
    db,
    authenticator,
    defaultCodePage,
    scheduler,
    sessionGuard,
    devices,

    async readDirectory(probe, signal, onProgress) {
      const { read } = await readAppDirectory(settingsOf(probe).directory, {
        machine: readMachine,
        sharePassword: probe.sharePassword ?? deps.secrets.get('sharePassword'),
        signal,
        onProgress,
      });
      return read;
    },
    run: (probe, opts) => runs.run(probe, opts),
    historySettled: () => runs.historySettled(),
    cancelTest: () => runs.cancelTest(),
    busy: () => runs.busy(),

    trackSession(session, emit) {
      const page = { session, emit };
      pages.add(page);
      const release = sessionGuard.follow(session, emit);
      return () => {
        pages.delete(page);
        release();
      };
    },

    pageEvents: {
      subscribe: (sink) => runs.subscribe(sink),
      show(event, payload) {
        if (event !== 'sync:progress') return;
        for (const { session, emit } of pages) {
          if (session.user?.privileges.includes('admin')) emit('sync:progress', payload as SyncProgress);
        }
      },
    },
    revokeElsewhere: null,

    endSessions(userName, reason, except) {
      sessionGuard.endSessionsOf(userName, reason, except);
      services.revokeElsewhere?.(userName, reason, except);
    },

    async close() {
      services.scheduler.stop();
      sessionGuard.close();
      await runs.stop();
      await deps.imapChecks?.close();
      await db.close();
    },
  };
  services.scheduler.start();
  return services;
}

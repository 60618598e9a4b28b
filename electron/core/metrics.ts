/**
 * The service's metrics, in one prom-client registry: what `GET /metrics` shows.
 *
 * One registry per process (`serviceMetrics`), so any part of the service can count what it does
 * by importing this module: the logon handler, the logon-check workers, the sessions, the bound
 * on password checks in flight, the synchronization runs, the database pool. Label values are
 * small fixed sets (a method, a result, a kind): never a user name, an address or a path, so the
 * series stay few and nothing personal leaves through them.
 */
import client from 'prom-client';

/** Sizes of a database pool at one moment. */
export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/** How a synchronization ended, for the run counters. */
export type RunResult = 'applied' | 'tested' | 'failed' | 'cancelled';

/** The counters and gauges of one process. */
export interface ServiceMetrics {
  readonly registry: client.Registry;
  /** Logons by method (`integrated`, `directoryServices`, `unknown` when the user is not known) and result (`ok` or the failure's reason). */
  readonly logons: client.Counter<'method' | 'result'>;
  /** Seconds an IMAP logon check took, by result (`ok` or its error code). */
  readonly imapCheckSeconds: client.Histogram<'result'>;
  /** Password checks running now (IMAP or hash). */
  readonly passwordChecksInFlight: client.Gauge;
  /** Password checks refused because too many were running. */
  readonly passwordChecksRefused: client.Counter;
  /** Synchronization runs by kind (`test`, `sync`), who started them (`user`, `schedule`, `cli`) and result. */
  readonly syncRuns: client.Counter<'kind' | 'trigger' | 'result'>;
  /** Seconds a synchronization run took. */
  readonly syncSeconds: client.Histogram<'kind'>;
  /** Changes made (or planned, for tests) by synchronization runs, by kind and change (created, updated, deleted, held, skipped). */
  readonly syncChanges: client.Counter<'kind' | 'change'>;
  /** Sets where the open sessions are counted from (the server's session store). */
  sessionsFrom(count: () => number): void;
  /** Sets where the database pool's sizes come from (null: the embedded store, no pool). */
  poolFrom(stats: () => PoolStats | null): void;
  /** The text of `GET /metrics`. */
  text(): Promise<string>;
}

/** Makes a process's metrics (tests make their own; the service uses {@link serviceMetrics}). */
export function createMetrics(): ServiceMetrics {
  const registry = new client.Registry();
  const registers = [registry];
  let sessions: () => number = () => 0;
  let pool: () => PoolStats | null = () => null;
  const m: ServiceMetrics = {
    registry,
    logons: new client.Counter({
      name: 'mdsync_logons_total',
      help: 'Logons by method and result.',
      labelNames: ['method', 'result'] as const,
      registers,
    }),
    imapCheckSeconds: new client.Histogram({
      name: 'mdsync_imap_check_seconds',
      help: 'Duration of the logon checks against the MDaemon IMAP server.',
      labelNames: ['result'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    passwordChecksInFlight: new client.Gauge({
      name: 'mdsync_password_checks_in_flight',
      help: 'Password checks (IMAP or stored hash) running now.',
      registers,
    }),
    passwordChecksRefused: new client.Counter({
      name: 'mdsync_password_checks_refused_total',
      help: 'Password checks refused because too many were running.',
      registers,
    }),
    syncRuns: new client.Counter({
      name: 'mdsync_sync_runs_total',
      help: 'Synchronization runs by kind, trigger and result.',
      labelNames: ['kind', 'trigger', 'result'] as const,
      registers,
    }),
    syncSeconds: new client.Histogram({
      name: 'mdsync_sync_run_seconds',
      help: 'Duration of synchronization runs.',
      labelNames: ['kind'] as const,
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    }),
    syncChanges: new client.Counter({
      name: 'mdsync_sync_changes_total',
      help: 'Users created, updated, deleted, held and skipped by synchronization runs (planned, for tests).',
      labelNames: ['kind', 'change'] as const,
      registers,
    }),
    sessionsFrom(count) {
      sessions = count;
    },
    poolFrom(stats) {
      pool = stats;
    },
    text: () => registry.metrics(),
  };
  new client.Gauge({
    name: 'mdsync_sessions_open',
    help: 'Logon sessions open on this server.',
    registers,
    collect() {
      this.set(sessions());
    },
  });
  new client.Gauge({
    name: 'mdsync_db_pool_connections',
    help: 'Database pool connections by state (PostgreSQL; absent for the embedded store).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset();
      const s = pool();
      if (!s) return;
      this.set({ state: 'total' }, s.total);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });
  client.collectDefaultMetrics({ register: registry, prefix: 'mdsync_process_' });
  return m;
}

/** This process's metrics. */
export const serviceMetrics: ServiceMetrics = createMetrics();

/** Who started a run, as a label: never the user's name. */
export function triggerOf(actor: string): 'schedule' | 'cli' | 'user' {
  return actor === 'schedule' ? 'schedule' : actor === 'cli' ? 'cli' : 'user';
}

/** Counts one finished synchronization run. */
export function countRun(
  metrics: ServiceMetrics,
  run: {
    dryRun: boolean;
    actor: string;
    result: RunResult;
    seconds: number;
    summary?: { create: number; update: number; delete: number; held: number; skip: number };
  },
): void {
  const kind = run.dryRun ? 'test' : 'sync';
  metrics.syncRuns.inc({ kind, trigger: triggerOf(run.actor), result: run.result });
  metrics.syncSeconds.observe({ kind }, run.seconds);
  const s = run.summary;
  if (!s) return;
  const changes = { created: s.create, updated: s.update, deleted: s.delete, held: s.held, skipped: s.skip };
  for (const [change, n] of Object.entries(changes)) metrics.syncChanges.inc({ kind, change }, n);
}

/**
 * A check gate (core/auth/check-gate.ts) whose refusals for load are counted: `CheckGate` itself
 * stays free of metrics.
 */
export function countRefusals<G extends { run: (...a: never[]) => Promise<{ ran: boolean; why?: string }> }>(
  gate: G,
  metrics: ServiceMetrics = serviceMetrics,
): G {
  const run = gate.run.bind(gate) as G['run'];
  gate.run = (async (...args: Parameters<G['run']>) => {
    const result = await run(...args);
    if (!result.ran && result.why === 'busy') metrics.passwordChecksRefused.inc();
    return result;
  }) as G['run'];
  return gate;
}

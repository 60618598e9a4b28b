/**
 * One long-running process serving the app: `npm run web` (browser mode) and `mdsync server` (the
 * network service) are this, with the loopback or the network policy.
 *
 * It composes the same services as the Electron app (handlers, automatic synchronization, log),
 * starts the one web server, and stops in order: no new connections, sessions ended, a running
 * test cancelled, a running synchronization ended all or nothing, the database closed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { UserError } from '../../shared/result';
import { createCheckPool, defaultPoolSize, workerScript, type CheckPool } from '../core/imap/check-pool';
import { createFileLogger, type Logger } from '../core/logger';
import { dataFiles, ensureDataDir } from '../core/paths';
import { createMemorySecretStore, type SecretStore } from '../core/secret-store';
import { takeSecretFromEnv } from '../core/secret-env';
import { createFileSettingsStore } from '../core/settings-store';
import { createHandlers } from '../api/handlers';
import type { RepositoryOptions } from '../core/db/port';
import { createServices, type Services } from '../app/services';
import { serviceMetrics } from '../core/metrics';
import { VERSION } from '../version';
import { drainThenStop, type Draining } from './drain';
import { FirstStartCode } from './first-start-code';
import { SharedSessions } from './shared-sessions';
import { deviceKey } from '../core/auth/device-cookie';
import { withinTime } from './ops-routes';
import { startServer, type RunningServer } from './http-server';
import { parsePublicUrl, serviceNames, type ServerPolicy } from './policy';
import type { SessionLimits } from './sessions';
import { loadCertificateFiles, loadOrCreateSelfSigned, machineNames, type ServerCertificate } from './tls';

/** How to serve. */
export interface ServeOptions {
  readonly mode: 'browser' | 'server';
  readonly dataDir: string;
  /** Where to listen; browser mode is always 127.0.0.1. */
  readonly host: string;
  readonly port: number;
  /** The company's certificate; without it the data directory's self-signed one (server mode). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly sessions?: Partial<SessionLimits>;
  readonly maxConnectionsPerAddress?: number;
  /** Open connections at most, all clients together (server mode). */
  readonly maxConnections?: number;
  /** Idle time of a connection carrying nothing and of an anonymous WebSocket (server mode). */
  readonly idleMs?: number;
  /** The built renderer. */
  readonly rendererDir: string;
  /** The bundled sample App directory, offered in browser mode. */
  readonly sampleAppDir?: string | null;
  /** The share password given to the service (environment or credential file), if any. */
  readonly sharePassword?: string | null;
  /** A warning about how it was given, for the log. */
  readonly sharePasswordWarning?: string | null;
  /** Fixed browser-mode token (tests). */
  readonly token?: string;
  /** The user database's store, from the command line; default: MDSYNC_DATABASE_URL, config.json, the file. */
  readonly database?: Pick<RepositoryOptions, 'databaseUrl' | 'databasePassword'>;
  /**
   * Server mode: worker threads for the logon checks against MDaemon (default: one, none on a
   * single core); 0 checks on the thread that answers requests, as browser mode always does.
   */
  readonly imapWorkers?: number;
  /** Server mode: who may read `/metrics` besides loopback (`--metrics-allow`). */
  readonly metricsAllow?: net.BlockList;
  /**
   * Server mode: on SIGTERM, how long `/readyz` says no while everything is still served, so that a
   * load balancer moves new connections elsewhere first (`--drain-grace`; default 0: stop at once).
   */
  readonly drainGraceMs?: number;
  /** Server mode: the public URLs it is reached by through a balancer (`--public-url`): Host, Origin, ready line. */
  readonly publicUrls?: readonly string[];
  /** Server mode: the trusted proxies whose connections carry a PROXY header (`--proxy-protocol-from`). */
  readonly proxyProtocolFrom?: net.BlockList;
}

/** A serving process. */
export interface Serving {
  readonly url: string;
  readonly port: number;
  /** The certificate served (server mode). */
  readonly certificate: ServerCertificate | null;
  /** First start of the service: the one-time code for setting the admin password (print it on the console only). */
  readonly setupCode: string | null;
  readonly services: Services;
  readonly server: RunningServer;
  readonly logger: Logger;
  /** Stops everything in order; resolves when the database is closed. */
  stop(): Promise<void>;
  /** Readiness goes false, then after the grace period the service stops (SIGTERM). */
  drain(): Promise<void>;
}

function secretStore(mode: ServeOptions['mode'], sharePassword: string | null | undefined): SecretStore {
  const store = createMemorySecretStore(
    mode === 'browser'
      ? 'browser mode cannot encrypt secrets at rest: the share password is kept in memory until browser mode stops'
      : 'the service keeps a typed share password in memory only; give it to the service for good as the systemd credential "share-password" or with --share-password-file (see the README)',
  );
  if (sharePassword) store.set('sharePassword', sharePassword);
  const smtpPassword = mode === 'server' ? serviceSmtpPassword(process.env) : null;
  if (smtpPassword) store.set('smtpPassword', smtpPassword);
  return store;
}

/**
 * The SMTP password (Directory Services → Notifications) handed to the service for good: systemd's
 * credential `smtp-password` (`LoadCredential=`); null without one (a password typed on the page
 * then lasts until the service stops).
 */
export function serviceSmtpPassword(env: NodeJS.ProcessEnv): string | null {
  const dir = env.CREDENTIALS_DIRECTORY;
  if (!dir) return null;
  try {
    return firstLine(fs.readFileSync(path.join(dir, 'smtp-password'), 'utf8')) || null;
  } catch {
    return null; // no such credential
  }
}

/** The service's pool of logon-check workers, or undefined to check on this thread. */
function checkPool(workers: number | undefined, logger: Logger): CheckPool | undefined {
  const size = workers ?? defaultPoolSize();
  if (size === 0) return undefined;
  const script = workerScript();
  if (!script) {
    logger.log(
      'warn',
      'the IMAP check worker is not built (dist/imap-worker.cjs); logons are checked on the main thread',
    );
    return undefined;
  }
  return createCheckPool({ script, size, onProblem: (m) => logger.log('error', m) });
}

/** Starts serving; UserError for what the administrator must fix (certificate, address in use). */
export async function serve(opts: ServeOptions): Promise<Serving> {
  if (!fs.existsSync(path.join(opts.rendererDir, 'index.html'))) {
    throw new UserError('config', 'the renderer is not built; run `npm run build` first');
  }
  // Given PEM files are checked before anything is created: bad input changes nothing.
  let certificate: ServerCertificate | null =
    opts.mode === 'server' && opts.tls ? loadCertificateFiles(opts.tls.certFile, opts.tls.keyFile) : null;
  const dataDirState = ensureDataDir(opts.dataDir);
  const logger = createFileLogger(dataFiles(opts.dataDir).log);
  if (opts.sharePasswordWarning) logger.log('warn', opts.sharePasswordWarning);
  if (dataDirState.warning) logger.log('warn', dataDirState.warning);
  let policy: ServerPolicy;
  const firstStart = opts.mode === 'server' ? new FirstStartCode() : null;
  if (opts.mode === 'server') {
    const machine = machineNames();
    certificate ??= loadOrCreateSelfSigned(opts.dataDir, machine, (m) => logger.log('info', m));
    policy = {
      kind: 'network',
      cert: certificate.cert,
      key: certificate.key,
      names: serviceNames(opts.host, certificate.names, machine),
      sessions: opts.sessions,
      maxConnectionsPerAddress: opts.maxConnectionsPerAddress,
      maxConnections: opts.maxConnections,
      firstStart: firstStart ?? undefined,
      idleMs: opts.idleMs,
      publicOrigins: (opts.publicUrls ?? []).map(parsePublicUrl),
    };
  } else {
    policy = {
      kind: 'loopback',
      token: opts.token ?? crypto.randomBytes(24).toString('base64url'),
      sessions: opts.sessions,
    };
  }
  const imapChecks = opts.mode === 'server' ? checkPool(opts.imapWorkers, logger) : undefined;
  const services = await createServices({
    mode: opts.mode,
    dataDir: opts.dataDir,
    version: VERSION,
    platform: process.platform,
    logger,
    settings: createFileSettingsStore(opts.dataDir),
    sampleAppDir: opts.mode === 'browser' ? (opts.sampleAppDir ?? null) : null,
    database: opts.database,
    secrets: secretStore(opts.mode, opts.sharePassword),
    imapChecks,
  }).catch(async (err: unknown) => {
    await imapChecks?.close(); // the database could not be opened: no workers left behind
    throw err;
  });
  if (firstStart && !(await services.db.needsAdminPassword())) firstStart.spend();
  const draining: Draining = { on: false };
  // With PostgreSQL every server on the database shares the sessions; the embedded store keeps them here.
  const table = opts.mode === 'server' && services.db.sessionTable ? await services.db.sessionTable() : null;
  // …and one device-cookie key, so that a device known to one server is known to all of them.
  if (table) services.devices.useKey(await table.sharedKey('device-cookie', deviceKey(opts.dataDir)));
  let shared: SharedSessions | null = null;
  let server: RunningServer;
  try {
    server = await startServer({
      rendererDir: opts.rendererDir,
      handlers: createHandlers(services),
      logger,
      host: opts.host,
      port: opts.port,
      policy,
      proxyFrom: opts.mode === 'server' ? opts.proxyProtocolFrom : undefined,
      share: table
        ? (store) => {
            shared = new SharedSessions(store, {
              table,
              logger,
              bind: (session, userName) => services.sessionGuard.bindByName(session, userName),
              follow: (session) => services.trackSession(session, () => undefined),
              show: (event, payload) => services.pageEvents.show(event, payload),
              limits: () => ({ idleMs: store.idleTimeMs, lifetimeMs: store.lifetimeMs }),
            });
            const sharing = shared;
            services.pageEvents.subscribe((event, payload) => sharing.publish(event, payload));
            services.revokeElsewhere = (userName, reason, except) => void sharing.endUser(userName, reason, except);
            return sharing;
          }
        : undefined,
      onSession: (session, emit) => services.trackSession(session, emit),
      // The Sessions setting, unless --session-idle fixed it for this run.
      idleMs: () => services.settings.load().sessions.idleMinutes * 60_000,
      ops:
        opts.mode === 'server'
          ? {
              // Ready: not draining, the database answers and the settings load.
              ready: async () =>
                !draining.on &&
                (await withinTime(async () => {
                  await services.db.needsAdminPassword();
                  services.settings.load();
                })),
              metrics: serviceMetrics,
              metricsAllow: opts.metricsAllow ?? new net.BlockList(),
            }
          : undefined,
    });
    serviceMetrics.sessionsFrom(() => server.sessions.size);
  } catch (err) {
    await services.close();
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? ' (in use)'
        : code === 'EADDRNOTAVAIL'
          ? ' (not an address of this machine)'
          : code
            ? ` (${code})`
            : '';
    throw new UserError('listen', `cannot listen on ${opts.host}:${opts.port}${why}`);
  }
  logger.log(
    'info',
    opts.mode === 'server'
      ? `service listening on ${server.url} (certificate SHA-256 ${certificate?.fingerprint256}), data ${opts.dataDir}`
      : `browser mode on 127.0.0.1:${server.port}, data ${opts.dataDir}`,
  );
  if (imapChecks) {
    logger.log(
      'info',
      `logons are checked against MDaemon in ${imapChecks.size} worker thread${imapChecks.size === 1 ? '' : 's'}`,
    );
  }
  let stopping: Promise<void> | null = null;
  const serving: Serving = {
    url: server.url,
    port: server.port,
    certificate,
    setupCode: firstStart?.value ?? null,
    services,
    server,
    logger,
    stop() {
      stopping ??= (async () => {
        logger.log('info', `${opts.mode === 'server' ? 'service' : 'browser mode'} stopping`);
        await server.close({ reconnect: draining.reconnect === true });
        await shared?.stop();
        await services.close();
        logger.log('info', `${opts.mode === 'server' ? 'service' : 'browser mode'} stopped`);
      })();
      return stopping;
    },
    drain: () => drainThenStop(serving, draining, opts.drainGraceMs ?? 0),
  };
  return serving;
}

/** Where the service's share password came from, and what the administrator should be told. */
export interface SharePasswordSource {
  readonly password: string | null;
  /** A warning for the console and the log, or null. */
  readonly warning: string | null;
}

/** The first line of a secret file (systemd credential, --share-password-file). */
function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/**
 * The share password handed to the service, best first: `--share-password-file` (a file, or `-`
 * for standard input: `stdin` is its text), systemd's credential `share-password`
 * (`LoadCredential=`), then MDSYNC_SHARE_PASSWORD. That one is taken out of the environment for
 * good (also from the kernel's copy in /proc/PID/environ, see `takeSecretFromEnv`); where that
 * cannot be done, it warns.
 */
export function serviceSharePassword(
  env: NodeJS.ProcessEnv,
  file?: { readonly path: string; readonly stdin?: string },
): SharePasswordSource {
  const taken = takeSecretFromEnv(env, 'MDSYNC_SHARE_PASSWORD');
  const fromEnv = taken.value;
  const envWarning =
    fromEnv && !taken.gone
      ? 'MDSYNC_SHARE_PASSWORD was read and removed, but the process\'s initial environment could not be cleared and stays readable by its user and root while it runs; give it as the systemd credential "share-password" or with --share-password-file instead'
      : null;
  if (file) {
    let text: string;
    try {
      text = file.path === '-' ? (file.stdin ?? '') : fs.readFileSync(file.path, 'utf8');
    } catch (err) {
      throw new UserError(
        'config',
        `cannot read the share password file ${file.path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    const password = firstLine(text);
    if (!password) throw new UserError('config', `the share password file ${file.path} is empty`);
    return { password, warning: fromEnv ? 'MDSYNC_SHARE_PASSWORD was ignored: --share-password-file wins' : null };
  }
  const dir = env.CREDENTIALS_DIRECTORY;
  if (dir) {
    try {
      const password = firstLine(fs.readFileSync(path.join(dir, 'share-password'), 'utf8'));
      if (password) return { password, warning: null };
    } catch {
      // no such credential: try the environment
    }
  }
  return { password: fromEnv || null, warning: envWarning };
}

/**
 * Stops on SIGTERM or SIGINT, once; resolves with the exit status (0 when the stop went well).
 * A second signal while stopping exits at once with 1.
 */
export function stopOnSignals(serving: Serving, onError: (message: string) => void): Promise<number> {
  return new Promise((resolve) => {
    let signalled = false;
    const handler = () => {
      if (signalled) process.exit(1);
      signalled = true;
      serving.drain().then(
        () => resolve(0),
        (err: unknown) => {
          onError(err instanceof Error ? err.message.split('\n')[0]! : String(err));
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}

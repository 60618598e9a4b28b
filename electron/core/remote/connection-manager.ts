/**
 * The Server choice of the desktop app: This computer, or one `mdsync server`, and the state of
 * the connection to it.
 *
 * Only a connection that came about switches the app over: while a chosen server is untrusted,
 * changed or unreachable, the Server field says so and the app's calls still go to this computer
 * (the logon screen keeps Log on disabled until the choice is settled). The choice is remembered,
 * the pins are per server; both live in the ServerStore.
 */
import type { ConnectionState } from '../../../shared/contract';
import type { Logger } from '../logger';
import { openRemoteClient, type RemoteClient, type RemoteClientOptions } from './remote-client';
import { parseServerAddress, type ServerTarget } from './server-address';
import type { ServerStore } from './server-store';
import { ConnectRefusal } from './verified-socket';

/** What the manager needs. */
export interface ConnectionManagerDeps {
  readonly store: ServerStore;
  readonly logger: Logger;
  /** Events the remote service pushes (and `session:ended` when the remote session is lost). */
  readonly onEvent: (event: string, payload: unknown) => void;
  /** Told when the calls' target changed (local ↔ remote): local sessions end. */
  readonly onTargetChanged?: () => void;
  readonly timeoutMs?: number;
  readonly retry?: RemoteClientOptions['retry'];
  readonly ca?: readonly string[];
  readonly open?: typeof openRemoteClient;
}

/** The carrier's view of the Server choice. */
export interface ConnectionManager {
  state(): ConnectionState;
  /** Chooses This computer (null) or a server; answers how the connection stands. */
  set(server: string | null): Promise<ConnectionState>;
  /** Pins a certificate of `server` (the user clicked *Trust this certificate*), then connects. */
  trust(server: string, fingerprint256: string): Promise<ConnectionState>;
  /** Connects to the remembered choice (at start-up). */
  restore(): Promise<ConnectionState>;
  /** Resolves when the start-up connection attempt is over. */
  settled(): Promise<void>;
  /** The remote client calls go to, or null for this computer. */
  remote(): RemoteClient | null;
  close(): void;
}

const LOCAL: ConnectionState = { server: null, state: 'local', message: null, fingerprint256: null, subject: null };

/** Builds the manager; call `restore()` once at start-up. */
export function createConnectionManager(deps: ConnectionManagerDeps): ConnectionManager {
  const open = deps.open ?? openRemoteClient;
  let current: ConnectionState = LOCAL;
  let client: RemoteClient | null = null;
  let starting: Promise<unknown> = Promise.resolve();
  let generation = 0;

  const drop = () => {
    const had = client !== null;
    client?.close();
    client = null;
    if (had) deps.onTargetChanged?.();
  };

  const refused = (target: ServerTarget, err: unknown): ConnectionState => {
    const r =
      err instanceof ConnectRefusal ? err : new ConnectRefusal('unreachable', `${target.key} cannot be reached`);
    return {
      server: target.key,
      state: r.state,
      message: r.message,
      fingerprint256: r.fingerprint256,
      subject: r.subject,
    };
  };

  const connect = async (server: string): Promise<ConnectionState> => {
    const target = parseServerAddress(server);
    const mine = ++generation;
    drop();
    deps.store.setLastServer(target.key);
    let next: RemoteClient;
    try {
      next = await open({
        target,
        pin: () => deps.store.pin(target.key),
        logger: deps.logger,
        timeoutMs: deps.timeoutMs,
        retry: deps.retry,
        ca: deps.ca,
        onEvent: (event, payload) => {
          if (client === next) deps.onEvent(event, payload);
        },
        onStopped: (refusal) => {
          if (client !== next) return;
          // The certificate changed under a running connection: back to this computer, and say why.
          drop();
          current = refused(target, refusal);
          deps.onEvent('session:ended', { reason: refusal.message });
        },
      });
    } catch (err) {
      if (mine === generation) current = refused(target, err);
      deps.logger.log('warn', `connection to ${target.key}: ${err instanceof Error ? err.message : String(err)}`);
      return current;
    }
    if (mine !== generation) {
      next.close(); // another choice was made meanwhile
      return current;
    }
    client = next;
    current = { server: target.key, state: 'connected', message: null, fingerprint256: null, subject: null };
    deps.logger.log('info', `connected to mdsync server ${target.key}`);
    deps.onTargetChanged?.();
    return current;
  };

  const manager: ConnectionManager = {
    state: () => current,
    async set(server) {
      if (server === null) {
        generation++;
        drop();
        deps.store.setLastServer(null);
        current = LOCAL;
        return current;
      }
      return connect(server);
    },
    async trust(server, fingerprint256) {
      const target = parseServerAddress(server);
      deps.store.setPin(target.key, fingerprint256);
      deps.logger.log('info', `certificate of ${target.key} trusted by fingerprint ${fingerprint256.toUpperCase()}`);
      return connect(target.key);
    },
    restore() {
      const last = deps.store.lastServer();
      const attempt = last ? connect(last).catch(() => current) : Promise.resolve(current);
      starting = attempt;
      return attempt;
    },
    async settled() {
      await starting.catch(() => undefined);
    },
    remote: () => client,
    close() {
      generation++;
      client?.close();
      client = null;
    },
  };
  return manager;
}

/**
 * Registers every contract channel on Electron's ipcMain, with the sender checked on each call.
 *
 * Only the app's own page (app://mdsync, main frame) may call; each window has its own session,
 * which ends when the window goes. When the app is connected to an `mdsync server`, every call but
 * the carrier's own `connection:*` is forwarded there (input checked here first), and the events
 * the service pushes are sent to the windows.
 */
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNEL_NAMES, contract, type EventName, type EventPayload } from '../../shared/contract';
import { fail, type Result } from '../../shared/result';
import type { Logger } from '../core/logger';
import { dispatch, isChannel, type Handlers } from '../api/registry';
import type { Session } from '../app/session';
import { trustedSender } from './sender-check';

export { APP_ORIGIN } from './sender-check';

/** The part of Electron's ipcMain used here (injected, so the wiring runs in plain Node too). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** A server calls can be forwarded to. */
export interface RemoteTarget {
  invoke(channel: string, input: unknown): Promise<Result<unknown>>;
}

/**
 * Where calls go: a server, or null for this computer. Asynchronous, so that calls made while the
 * remembered server is still being reached at start-up wait for the outcome.
 */
export type RemoteRoute = () => Promise<RemoteTarget | null>;

type Emit = <E extends EventName>(e: E, p: EventPayload<E>) => void;

/** What registerIpc needs. */
export interface IpcOptions {
  readonly ipcMain: IpcMainLike;
  readonly handlers: Handlers;
  readonly logger: Logger;
  /** Follows each window's session (pushes, logoff everywhere); returns its release. */
  readonly onSession?: (session: Session, emit: Emit) => () => void;
  readonly remote?: RemoteRoute;
}

/** The registration: its removal, and a way to push to every window and end local sessions. */
export interface IpcRegistration {
  dispose(): void;
  /** Sends an event to every window (the remote service's pushes). */
  broadcast(event: string, payload: unknown): void;
  /** Logs every window off locally (the calls' target changed). */
  endLocalSessions(): void;
}

/** True for the channels the carrier answers itself, wherever the other calls go. */
export function isCarrierChannel(channel: string): boolean {
  return channel.startsWith('connection:');
}

/** Wires the handlers to ipcMain. */
export function registerIpc(opts: IpcOptions): IpcRegistration {
  const { ipcMain, handlers, logger } = opts;
  const sessions = new Map<number, { session: Session; emit: Emit; wc: WebContents }>();
  const sessionOf = (wc: WebContents) => {
    let entry = sessions.get(wc.id);
    if (!entry) {
      const session: Session = { user: null };
      const emit: Emit = (e, p) => {
        if (!wc.isDestroyed()) wc.send(e, p);
      };
      const release = opts.onSession?.(session, emit);
      entry = { session, emit, wc };
      sessions.set(wc.id, entry);
      wc.once('destroyed', () => {
        sessions.delete(wc.id);
        release?.();
      });
    }
    return entry;
  };
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, async (event, input: unknown) => {
      if (!trustedSender(event)) {
        logger.log('warn', `refused ${channel} from an untrusted frame`);
        return fail('forbidden', 'untrusted sender');
      }
      const { session, emit } = sessionOf(event.sender);
      const remote = isCarrierChannel(channel) ? null : ((await opts.remote?.()) ?? null);
      if (remote) return forward(remote, channel, input);
      return dispatch(handlers, channel, input, { session, emit }, logger);
    });
  }
  return {
    dispose() {
      for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(channel);
    },
    broadcast(event, payload) {
      for (const { wc } of sessions.values()) if (!wc.isDestroyed()) wc.send(event, payload);
    },
    endLocalSessions() {
      for (const { session } of sessions.values()) session.user = null;
    },
  };
}

/** Checks a call's input against the contract, then hands it to the server. */
function forward(remote: RemoteTarget, channel: string, input: unknown): Promise<Result<unknown>> | Result<unknown> {
  if (!isChannel(channel)) return fail('unknownChannel', `unknown channel ${channel.slice(0, 64)}`);
  const parsed = contract[channel].input.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail('badInput', `invalid request: ${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
  }
  return remote.invoke(channel, input ?? {});
}

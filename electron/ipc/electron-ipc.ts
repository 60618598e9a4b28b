/**
 * Registers every contract channel on Electron's ipcMain, with the sender checked on each call.
 *
 * Only the app's own page (app://mdsync, main frame) may call; each window has its own session,
 * which ends when the window goes.
 */
import { ipcMain, type WebContents } from 'electron';
import { CHANNEL_NAMES, type EventName, type EventPayload } from '../../shared/contract';
import { fail } from '../../shared/result';
import type { Logger } from '../core/logger';
import { dispatch, type Handlers, type Session } from './registry';
import { trustedSender } from './sender-check';

export { APP_ORIGIN } from './sender-check';

/** Wires the handlers to ipcMain; returns a function that removes them. */
export function registerIpc(
  handlers: Handlers,
  logger: Logger,
  onSession?: (session: Session, emit: <E extends EventName>(e: E, p: EventPayload<E>) => void) => () => void,
): () => void {
  const sessions = new Map<
    number,
    { session: Session; emit: <E extends EventName>(e: E, p: EventPayload<E>) => void }
  >();
  const sessionOf = (wc: WebContents) => {
    let entry = sessions.get(wc.id);
    if (!entry) {
      const session: Session = { user: null };
      const emit = <E extends EventName>(e: E, p: EventPayload<E>) => {
        if (!wc.isDestroyed()) wc.send(e, p);
      };
      const release = onSession?.(session, emit);
      entry = { session, emit };
      sessions.set(wc.id, entry);
      wc.once('destroyed', () => {
        sessions.delete(wc.id);
        release?.();
      });
    }
    return entry;
  };
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, (event, input: unknown) => {
      if (!trustedSender(event)) {
        logger.log('warn', `refused ${channel} from an untrusted frame`);
        return fail('forbidden', 'untrusted sender');
      }
      const { session, emit } = sessionOf(event.sender);
      return dispatch(handlers, channel, input, { session, emit }, logger);
    });
  }
  return () => {
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(channel);
  };
}

/**
 * Handlers of `connection:*`: the desktop app's Server choice.
 *
 * These channels belong to the carrier, not to the services: only the Electron main process
 * connects to an `mdsync server`. Browser mode and the service itself answer them with one line;
 * the Electron app replaces them with `desktopConnectionHandlers` over its ConnectionManager.
 */
import { UserError } from '../../../shared/result';
import type { ConnectionManager } from '../../core/remote/connection-manager';
import type { Handlers } from '../registry';

type ConnectionChannels = 'connection:get' | 'connection:set' | 'connection:trust';

const ONLY_DESKTOP = 'only the desktop app connects to servers';

/** The handlers for carriers that do not connect anywhere (browser mode, the service). */
export function connectionHandlers(): Pick<Handlers, ConnectionChannels> {
  const refuse = () => {
    throw new UserError('unsupported', ONLY_DESKTOP);
  };
  return { 'connection:get': refuse, 'connection:set': refuse, 'connection:trust': refuse };
}

/**
 * The Electron app's handlers: a change of server ends this window's local session, since the
 * calls that follow go elsewhere.
 */
export function desktopConnectionHandlers(manager: ConnectionManager): Pick<Handlers, ConnectionChannels> {
  return {
    'connection:get': async () => {
      await manager.settled();
      return manager.state();
    },
    'connection:set': async ({ server }, ctx) => {
      ctx.session.user = null;
      return manager.set(server);
    },
    'connection:trust': async ({ server, fingerprint256 }, ctx) => {
      ctx.session.user = null;
      return manager.trust(server, fingerprint256);
    },
  };
}

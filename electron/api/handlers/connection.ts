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
 * The Electron app's handlers. When the calls' target changes, the carrier ends the windows' local
 * sessions (the manager tells it); a bad address changes nothing.
 */
export function desktopConnectionHandlers(manager: ConnectionManager): Pick<Handlers, ConnectionChannels> {
  return {
    'connection:get': async () => {
      await manager.settled();
      return manager.state();
    },
    'connection:set': ({ server }) => manager.set(server),
    'connection:trust': ({ server, fingerprint256 }) => manager.trust(server, fingerprint256),
  };
}

/** Every channel's handler, built over the services: the registry's input. */
import type { Services } from '../app/services';
import { appHandlers } from './handlers/app';
import { authHandlers } from './handlers/auth';
import { connectionHandlers } from './handlers/connection';
import { dbHandlers } from './handlers/db';
import { mdaemonHandlers } from './handlers/mdaemon';
import { notifyHandlers } from './handlers/notify';
import { settingsHandlers } from './handlers/settings';
import { syncHandlers } from './handlers/sync';
import { userHandlers } from './handlers/users';
import { AUTHORIZE, type Handlers } from './registry';

/** The handlers of all contract channels; the compiler checks none is missing. */
export function createHandlers(s: Services): Handlers {
  return {
    ...appHandlers(s),
    ...authHandlers(s),
    ...connectionHandlers(),
    ...settingsHandlers(s),
    ...mdaemonHandlers(s),
    ...notifyHandlers(s),
    ...syncHandlers(s),
    ...userHandlers(s),
    ...dbHandlers(s),
    [AUTHORIZE]: (session) => s.sessionGuard.authorize(session),
  };
}

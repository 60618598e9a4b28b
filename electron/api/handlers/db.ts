/** Handler of `db:state`: what the administrators' banner says about the user database. */
import type { Services } from '../../app/services';
import type { Handlers } from '../registry';

/**
 * `db:state`: the fallbacks to the backup the database open (or a reload) reported in this
 * process, the damaged copies kept beside the embedded file (names only: a directory listing),
 * and the writer locks this process took over from a dead holder.
 */
export function dbHandlers(s: Services): Pick<Handlers, 'db:state'> {
  return {
    'db:state': () => ({
      fallbacks: [...(s.db.fallbacks ?? [])],
      lockTakeovers: [...(s.db.lockTakeovers ?? [])],
      keptAside: s.db.keptAside?.() ?? [],
    }),
  };
}

/**
 * Who is on the other end of one window (Electron) or one browser connection.
 *
 * Declared in the application layer so that the services, the API layer (api/registry.ts) and the
 * carriers (web/, desktop/) all import it downward.
 */
import type { SessionUser } from '../../shared/model';

/** Who is logged on in one window (Electron) or one browser connection. */
export interface Session {
  user: SessionUser | null;
}

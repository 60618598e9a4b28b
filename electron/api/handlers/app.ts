/** Handlers of `app:*`: what the renderer needs to know about this installation. */
import type { Services } from '../../app/services';
import type { Handlers } from '../registry';

/** `app:log` lines one user may write: a burst, then one a minute. */
const LOG_BURST = 20;
const LOG_REFILL_MS = 60_000;

/** `app:info` and `app:log`. */
export function appHandlers(s: Services): Pick<Handlers, 'app:info' | 'app:log'> {
  const logBudget = new Map<string, { left: number; at: number }>();
  /** One more line for this user? A small per-user budget refilled over time. */
  const mayLog = (key: string): boolean => {
    const now = Date.now();
    const b = logBudget.get(key) ?? { left: LOG_BURST, at: now };
    const refill = Math.floor((now - b.at) / LOG_REFILL_MS);
    if (refill > 0) {
      b.left = Math.min(LOG_BURST, b.left + refill);
      b.at = now;
    }
    if (logBudget.size > 10_000) logBudget.clear();
    logBudget.set(key, b);
    if (b.left <= 0) return false;
    b.left -= 1;
    return true;
  };
  return {
    'app:info': async (_input, ctx) => {
      // The network service tells an anonymous caller or a plain user nothing about the machine
      // (no path, no platform): only what the logon and first-start screens need; a stranger not
      // even the version (which would name the bugs to try). Administrators get the data directory
      // (the Directory screen needs the platform).
      const full = s.mode !== 'server' || ctx.session.user?.privileges.includes('admin') === true;
      const known = s.mode !== 'server' || ctx.session.user !== null;
      return {
        name: 'mdsync',
        version: known ? s.version : '',
        dataDir: full ? s.dataDir : '',
        mode: s.mode,
        platform: full ? s.platform : '',
        needsAdminPassword: await s.db.needsAdminPassword(),
        defaultCodePage: s.defaultCodePage,
        nativeUnc: full && s.platform === 'win32',
        canBrowse: s.browseFolder !== undefined,
        sampleAppDir: full ? (s.sampleAppDir ?? null) : null,
      };
    },
    'app:log': ({ level, message }, ctx) => {
      const user = ctx.session.user?.userName ?? '(nobody)';
      const who = ctx.clientAddress ? `${user} at ${ctx.clientAddress}` : user;
      if (mayLog(user)) s.logger.log(level, `renderer (${who}): ${JSON.stringify(message).slice(1, -1)}`);
      return { done: true };
    },
  };
}

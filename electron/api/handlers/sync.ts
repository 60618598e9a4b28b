/** Handlers of `sync:*` and `imap:test`: Test Settings, Synchronize now, Test Logon. */
import { checkImapLogin } from '../../core/imap/imap-check';
import type { Services } from '../../app/services';
import type { Handlers } from '../registry';
import { checkSettings } from './settings';

/** `sync:test`, `sync:run`, `sync:cancel`, `imap:test`. */
export function syncHandlers(s: Services): Pick<Handlers, 'sync:test' | 'sync:run' | 'sync:cancel' | 'imap:test'> {
  return {
    'sync:test': (probe, ctx) =>
      s.run(
        { ...probe, settings: checkSettings(probe.settings) },
        {
          dryRun: true,
          confirmDeletes: false,
          actor: ctx.session.user?.userName ?? 'unknown',
          onProgress: (p) => ctx.emit('sync:progress', p),
        },
      ),
    'sync:run': ({ confirmDeletes, ...probe }, ctx) =>
      s.run(
        { ...probe, settings: checkSettings(probe.settings) },
        {
          dryRun: false,
          confirmDeletes,
          actor: ctx.session.user?.userName ?? 'unknown',
          onProgress: (p) => ctx.emit('sync:progress', p),
        },
      ),
    'sync:cancel': () => ({ cancelled: s.cancelTest() }),
    'imap:test': async ({ imap, userName, password }, ctx) => {
      const result = await checkImapLogin(imap, userName, password);
      s.logger.log(
        'info',
        `Test Logon by ${ctx.session.user?.userName ?? 'unknown'} for ${userName} at ${imap.host}: ${
          result.ok ? 'ok' : `${result.error?.code}: ${result.error?.message}`
        } (${Math.round(result.ms)} ms)`,
      );
      return result;
    },
  };
}

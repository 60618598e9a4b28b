/**
 * Handlers of `sync:*`, `history:open` and `imap:test`: Test Settings, Synchronize now, their
 * results' pages and a past run's, Test Logon.
 */
import type { SyncProgress, SyncReport } from '../../../shared/model';
import { FIRST_PAGE, type RunAnswer, pageOf } from '../../../shared/results-page';
import { checkImapLogin } from '../../core/imap/imap-check';
import type { Services } from '../../app/services';
import { KeptResults } from '../kept-results';
import { pageLane } from '../page-lane';
import type { CallContext, Handlers } from '../registry';
import { checkSettings } from './settings';

type SyncChannels = 'sync:test' | 'sync:run' | 'sync:results-page' | 'history:open' | 'sync:cancel' | 'imap:test';

/**
 * `sync:test`, `sync:run`, `sync:results-page`, `history:open`, `sync:cancel`, `imap:test`. A run
 * answers its counts and first page; its changes are kept for the session (`kept`) and paged from
 * there, as are a past run's once opened.
 */
export function syncHandlers(s: Services, kept = new KeptResults()): Pick<Handlers, SyncChannels> {
  const pages = pageLane();
  const answer = (report: SyncReport, ctx: CallContext): RunAnswer => {
    const { changes, ...rest } = report;
    return { ...rest, results: kept.keep(ctx.session, changes), first: pageOf(changes, null, 0, FIRST_PAGE) };
  };
  const options = (ctx: CallContext) => ({
    actor: ctx.session.user?.userName ?? 'unknown',
    onProgress: (p: SyncProgress) => ctx.emit('sync:progress', p),
  });
  return {
    'sync:test': async (probe, ctx) => {
      kept.drop(ctx.session); // the last results are freed before a new run holds its own
      const report = await s.run(
        { ...probe, settings: checkSettings(probe.settings) },
        { dryRun: true, confirmDeletes: false, ...options(ctx) },
      );
      return answer(report, ctx);
    },
    'sync:run': async ({ confirmDeletes, ...probe }, ctx) => {
      kept.drop(ctx.session);
      const report = await s.run(
        { ...probe, settings: checkSettings(probe.settings) },
        { dryRun: false, confirmDeletes, ...options(ctx) },
      );
      return answer(report, ctx);
    },
    'sync:results-page': ({ results, offset, limit, ...view }, ctx) =>
      pages.run(() => kept.page(ctx.session, results, view, offset, limit)),
    // A test's entry is written just after its answer: opening it waits for that.
    'history:open': async ({ runId }, ctx) => {
      kept.drop(ctx.session, 'history');
      await s.historySettled();
      const changes = await pages.run(() => s.db.runChanges(runId));
      return { results: kept.keep(ctx.session, changes, 'history'), first: pageOf(changes, null, 0, FIRST_PAGE) };
    },
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

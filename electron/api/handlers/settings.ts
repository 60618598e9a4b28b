/** Handlers of `settings:*`: the dialog's saved state, without ever sending a password back. */
import { parseCodePage } from '../../../shared/code-pages';
import { UserError } from '../../../shared/result';
import type { Settings } from '../../../shared/settings';
import type { Services } from '../../app/services';
import type { Handlers } from '../registry';

/** Checks what the schema cannot: the code page allowlist. */
export function checkSettings(settings: Settings): Settings {
  const cp = settings.directory.codePage;
  if (!cp) return settings;
  const parsed = parseCodePage(cp);
  if (!parsed.ok) throw new UserError('codePage', `${cp} is not a supported code page`);
  return { ...settings, directory: { ...settings.directory, codePage: parsed.value } };
}

/** `settings:get` and `settings:save`. */
export function settingsHandlers(s: Services): Pick<Handlers, 'settings:get' | 'settings:save'> {
  const view = () => ({
    settings: s.settings.load(),
    sharePasswordStored: s.secrets.has('sharePassword'),
    smtpPasswordStored: s.secrets.has('smtpPassword'),
    secretStoreUnavailable: s.secrets.unavailableReason,
  });
  return {
    'settings:get': view,
    'settings:save': async ({ settings, sharePassword, smtpPassword }, ctx) => {
      const valid = checkSettings(settings);
      if (sharePassword !== null) s.secrets.set('sharePassword', sharePassword === '' ? null : sharePassword);
      if (smtpPassword !== null) s.secrets.set('smtpPassword', smtpPassword === '' ? null : smtpPassword);
      s.settings.save(valid);
      await s.settings.flush?.(); // a shared store: the database has it before we say so
      s.scheduler.reschedule();
      s.logger.log('info', `settings saved by ${ctx.session.user?.userName ?? 'unknown'}`);
      return view();
    },
  };
}

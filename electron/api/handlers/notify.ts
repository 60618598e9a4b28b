/** Handler of `notify:test`: Send test message with the Notifications settings on screen. */
import os from 'node:os';
import { sendTestMessage, testMail } from '../../core/notify/test-message';
import type { Services } from '../../app/services';
import type { Handlers } from '../registry';

/** `notify:test`: a typed SMTP password is used once; else the stored one. Never logged. */
export function notifyHandlers(s: Services): Pick<Handlers, 'notify:test'> {
  return {
    'notify:test': async ({ notify, smtpPassword }, ctx) => {
      const by = ctx.session.user?.userName ?? 'unknown';
      const password = notify.userName ? (smtpPassword ?? s.secrets.get('smtpPassword')) : null;
      const result = await sendTestMessage(notify, password, testMail(os.hostname(), by));
      s.logger.log(
        result.ok ? 'info' : 'warn',
        `Send test message by ${by} to ${notify.recipients.length} recipient(s) via ${notify.host}: ${
          result.ok ? 'sent' : result.error
        }`,
      );
      return result;
    },
  };
}

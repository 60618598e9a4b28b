/**
 * Handlers of `auth:*`: first start, logon, logoff, password change.
 *
 * The session lives in main (per window, or per server-side session of the web carrier, which gives
 * each logon a fresh one); the renderer only learns who is logged on. Passwords arrive once and are
 * never sent back or logged.
 */
import type { SessionUser } from '../../../shared/model';
import { checkNewPassword } from '../../../shared/password-rule';
import { userRules } from '../../core/users/user-rules';
import { UserError } from '../../../shared/result';
import type { LogonUser } from '../../core/db/port';
import { serviceMetrics } from '../../core/metrics';
import type { Services } from '../../app/services';
import type { CallContext, Handlers } from '../registry';

/** The caller's address, where the carrier knows it (the web carrier; Electron IPC has none). */
function clientAddressOf(ctx: CallContext): string | undefined {
  return ctx.clientAddress;
}

function sessionUser(u: LogonUser): SessionUser {
  return { userName: u.userName, fullName: u.fullName, authentication: u.authentication, privileges: u.privileges };
}

/** `auth:setup-admin`, `auth:logon`, `auth:session`, `auth:logoff`, `auth:change-password`. */
export function authHandlers(
  s: Services,
): Pick<Handlers, 'auth:setup-admin' | 'auth:logon' | 'auth:session' | 'auth:logoff' | 'auth:change-password'> {
  return {
    'auth:setup-admin': async ({ password }, ctx) => {
      if (!(await s.db.needsAdminPassword()))
        throw new UserError('refused', 'the administrator password is already set');
      checkNewPassword(password, 'admin');
      await userRules(s.db).setInitialAdminPassword(password);
      const admin = await s.db.getLogonUser('admin');
      if (!admin) throw new UserError('notFound', 'the built-in admin is missing');
      s.logger.log('info', 'the administrator password was set at first start');
      ctx.session.user = sessionUser(admin);
      await s.sessionGuard.bindByName(ctx.session, admin.userName);
      return ctx.session.user;
    },
    'auth:logon': async ({ userName, password }, ctx) => {
      const answer = await s.authenticator.authenticate(userName, password, {
        clientAddress: clientAddressOf(ctx),
        trustedDevice: s.devices.trusts(ctx.device?.presented, userName),
        signal: ctx.signal,
      });
      if (!answer.ok) {
        serviceMetrics.logons.inc({ method: 'unknown', result: answer.reason });
        ctx.session.user = null;
        return answer;
      }
      ctx.device?.issue(s.devices.issue(answer.user.userName));
      // The session is bound to the user's id and identity stamp: every later call is checked against them.
      if (!(await s.sessionGuard.bindByName(ctx.session, answer.user.userName))) {
        serviceMetrics.logons.inc({ method: answer.user.authentication, result: 'notPermitted' });
        return {
          ok: false as const,
          reason: 'notPermitted' as const,
          message: 'This user may not log on to the archive.',
        };
      }
      serviceMetrics.logons.inc({ method: answer.user.authentication, result: 'ok' });
      return { ok: true as const, user: ctx.session.user ?? answer.user };
    },
    'auth:session': async (_input, ctx) => {
      // Privileges may have changed since logon: the database is the truth.
      return ctx.session.user ? await s.sessionGuard.authorize(ctx.session) : null;
    },
    'auth:logoff': (_input, ctx) => {
      const address = clientAddressOf(ctx);
      if (ctx.session.user)
        s.logger.log('info', `${ctx.session.user.userName} logged off${address ? ` from ${address}` : ''}`);
      ctx.session.user = null;
      return { done: true };
    },
    'auth:change-password': async ({ current, next }, ctx) => {
      const user = ctx.session.user;
      if (!user) throw new UserError('notLoggedOn', 'you are not logged on');
      const record = await s.db.getLogonUser(user.userName);
      if (!record || record.authentication !== 'integrated') {
        throw new UserError('refused', 'your password is your MDaemon password: change it in MDaemon');
      }
      if (!record.privileges.includes('changePassword') && !record.privileges.includes('admin')) {
        throw new UserError('forbidden', 'you do not have the Change Password privilege');
      }
      // Throttled and logged like a logon: a stolen session cannot guess the password at leisure.
      const checked = await s.authenticator.checkPassword(record.userName, current, {
        clientAddress: clientAddressOf(ctx),
        signal: ctx.signal,
      });
      if (!checked.ok) {
        if (checked.reason === 'invalidCredentials') {
          throw new UserError('invalidCredentials', 'the current password is not correct');
        }
        throw new UserError(checked.reason, checked.message, checked.retryAfterSeconds);
      }
      checkNewPassword(next, record.userName);
      await userRules(s.db).setPassword(record.userName, next);
      // This session goes on with the new password; the user's other sessions end.
      await s.sessionGuard.bindByName(ctx.session, record.userName);
      s.endSessions(record.userName, 'your password was changed', ctx.session);
      s.logger.log('info', `${record.userName} changed their password`);
      return { done: true };
    },
  };
}

/**
 * Handlers of `auth:*`: first start, logon, logoff, password change.
 *
 * The session lives in main (per window, or per server-side session of the web carrier, which gives
 * each logon a fresh one); the renderer only learns who is logged on. Passwords arrive once and are
 * never sent back or logged.
 */
import type { SessionUser } from '../../../shared/model';
import { checkNewPassword } from '../../../shared/password-rule';
import { UserError } from '../../../shared/result';
import type { LogonUser } from '../../core/db/repository';
import type { Services } from '../../services';
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
      await s.db.setInitialAdminPassword(password);
      const admin = await s.db.getLogonUser('admin');
      if (!admin) throw new UserError('notFound', 'the built-in admin is missing');
      s.logger.log('info', 'the administrator password was set at first start');
      ctx.session.user = sessionUser(admin);
      return ctx.session.user;
    },
    'auth:logon': async ({ userName, password }, ctx) => {
      const answer = await s.authenticator.authenticate(userName, password, { clientAddress: clientAddressOf(ctx) });
      if (!answer.ok) {
        ctx.session.user = null;
        return answer;
      }
      ctx.session.user = answer.user;
      return { ok: true as const, user: answer.user };
    },
    'auth:session': async (_input, ctx) => {
      const current = ctx.session.user;
      if (!current) return null;
      // Privileges may have changed since logon: the database is the truth.
      const u = await s.db.getLogonUser(current.userName);
      ctx.session.user =
        u && (u.privileges.includes('login') || u.privileges.includes('admin')) ? sessionUser(u) : null;
      return ctx.session.user;
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
      if (!(await s.db.verifyPassword(record.userName, current))) {
        throw new UserError('invalidCredentials', 'the current password is not correct');
      }
      checkNewPassword(next, record.userName);
      await s.db.setPassword(record.userName, next);
      s.logger.log('info', `${record.userName} changed their password`);
      return { done: true };
    },
  };
}

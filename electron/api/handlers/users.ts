/** Handlers of `users:*`, `folders:*`, `history:*` and `archive:*`: the archive's own data. */
import { JsonText } from '../../../shared/bridge-protocol';
import { checkNewPassword } from '../../../shared/password-rule';
import { userRules } from '../../core/users/user-rules';
import { publicUser, type UserRecord } from '../../core/db/port';
import type { Services } from '../../app/services';
import { pageLane } from '../page-lane';
import type { Handlers } from '../registry';

function row(u: UserRecord) {
  return { ...publicUser(u), messages: u.messages };
}

/** Users, folders, history and My Archive. */
export function userHandlers(
  s: Services,
): Pick<
  Handlers,
  | 'users:list'
  | 'users:page'
  | 'users:create'
  | 'users:update'
  | 'users:delete'
  | 'folders:list'
  | 'history:list'
  | 'archive:mine'
> {
  const rules = userRules(s.db);
  const who = (ctx: { session: { user: { userName: string } | null } }) => ctx.session.user?.userName ?? 'unknown';
  const pages = pageLane();
  return {
    // Made as JSON text by the database: no object per user (100,000 users, a service's memory).
    'users:list': () => new JsonText(s.db.listUsersJson()),
    // Pages take turns with other calls: 200 sessions paging keep a logon answered.
    'users:page': (query) => pages.run(() => s.db.usersPage(query)),
    'users:create': async (input, ctx) => {
      if (input.password && input.authentication === 'integrated') checkNewPassword(input.password, input.userName);
      const u = await rules.createUser(input);
      s.logger.log('info', `${who(ctx)} created user ${u.userName}`);
      return row(u);
    },
    'users:update': async ({ originalUserName, ...input }, ctx) => {
      if (input.password && input.authentication === 'integrated') checkNewPassword(input.password, input.userName);
      const u = await rules.updateUser(originalUserName, input, { actor: ctx.session.user?.userName });
      // An administrator changing their own user (name, password) keeps this session.
      if (ctx.session.user?.userName.toLowerCase() === originalUserName.toLowerCase()) {
        await s.sessionGuard.bindByName(ctx.session, u.userName);
      }
      // Demoted, renamed (the session follows the user), or a reset password: every session of the
      // user is re-checked now and ended where it may no longer be used.
      await s.sessionGuard.refresh();
      s.logger.log('info', `${who(ctx)} changed user ${u.userName}`);
      return row(u);
    },
    'users:delete': async ({ userName }, ctx) => {
      const result = await rules.deleteUser(userName, {
        actor: ctx.session.user?.userName,
        onDeleted: (name) => s.endSessions(name, 'your user was deleted'),
      });
      await s.sessionGuard.refresh();
      s.logger.log(
        'info',
        `${who(ctx)} deleted user ${userName}${result.folderKept ? ` (folder kept, ${result.messages} messages)` : ''}`,
      );
      return result;
    },
    'folders:list': () => s.db.listFolders(),
    // A test's entry is written just after its answer: the history waits for it.
    'history:list': async ({ limit }) => {
      await s.historySettled();
      return s.db.listRuns(limit);
    },
    'archive:mine': async (_input, ctx) => {
      const name = ctx.session.user?.userName ?? '';
      const folder = await s.db.folderOf(name);
      if (!folder) return { folder: name, messages: 0, latest: [] };
      return { ...folder, latest: await s.db.latestMessages(folder.folder, 50) };
    },
  };
}

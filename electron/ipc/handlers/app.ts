/** Handlers of `app:*`: what the renderer needs to know about this installation. */
import type { Services } from '../../services';
import type { Handlers } from '../registry';

/** `app:info` and `app:log`. */
export function appHandlers(s: Services): Pick<Handlers, 'app:info' | 'app:log'> {
  return {
    'app:info': async () => ({
      name: 'mdsync',
      version: s.version,
      dataDir: s.dataDir,
      mode: s.mode,
      platform: s.platform,
      needsAdminPassword: await s.db.needsAdminPassword(),
      defaultCodePage: s.defaultCodePage,
      nativeUnc: s.platform === 'win32',
      canBrowse: s.browseFolder !== undefined,
      sampleAppDir: s.sampleAppDir ?? null,
    }),
    'app:log': ({ level, message }) => {
      s.logger.log(level, `renderer: ${message}`);
      return { done: true };
    },
  };
}

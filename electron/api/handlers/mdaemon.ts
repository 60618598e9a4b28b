/** Handlers of `mdaemon:*`: finding the App directory and filling the dialog's checklists. */
import { UserError } from '../../../shared/result';
import { detectAppDir, directoryExists } from '../../core/mdaemon/detect';
import { readWindowsRegistry } from '../../core/mdaemon/windows-registry';
import type { Services } from '../../app/services';
import type { Handlers } from '../registry';
import { checkSettings } from './settings';

/** `mdaemon:detect`, `mdaemon:browse`, `mdaemon:overview`. */
export function mdaemonHandlers(s: Services): Pick<Handlers, 'mdaemon:detect' | 'mdaemon:browse' | 'mdaemon:overview'> {
  return {
    'mdaemon:detect': () =>
      detectAppDir({
        platform: s.platform,
        readRegistry: readWindowsRegistry,
        exists: directoryExists,
      }),
    'mdaemon:browse': async ({ start }) => {
      if (!s.browseFolder) {
        throw new UserError('unsupported', 'browser mode has no folder picker: type the path of the App directory');
      }
      return { path: await s.browseFolder(start) };
    },
    'mdaemon:overview': async (probe) => {
      const read = await s.readDirectory({ ...probe, settings: checkSettings(probe.settings) });
      const perDomain = new Map<string, number>();
      for (const a of read.accounts) perDomain.set(a.domain, (perDomain.get(a.domain) ?? 0) + 1);
      return {
        accountCount: read.accounts.length,
        domains: read.domains.map((name) => ({ name, accounts: perDomain.get(name) ?? 0 })),
        groups: read.groups.map((g) => ({ name: g.name, description: g.description, members: g.members.length })),
        warnings: read.warnings,
      };
    },
  };
}

/**
 * Builders of DirectoryRead objects and settings for the sync engine's tests and benchmark.
 *
 * The engine depends only on the DirectoryRead type, so its tests describe MDaemon's answer
 * directly instead of writing USERLIST.DAT files.
 */
import type { DirectoryRead, MdaemonAccount, MdaemonGroup } from '../../../../shared/model';
import { Settings } from '../../../../shared/settings';

/** An account from `mailbox@domain`, with optional overrides. */
export function account(email: string, extra: Partial<MdaemonAccount> = {}): MdaemonAccount {
  const [mailbox = '', domain = ''] = email.split('@');
  return { email, domain, mailbox, fullName: `Name of ${mailbox}`, accessType: 'Y', groups: [], aliases: [], ...extra };
}

/** A DirectoryRead of these accounts; domains are derived, groups and counts may be given. */
export function directory(accounts: MdaemonAccount[], extra: Partial<DirectoryRead> = {}): DirectoryRead {
  const domains = [...new Set(accounts.map((a) => a.domain))].sort();
  const groups: MdaemonGroup[] = [];
  for (const a of accounts) {
    for (const g of a.groups) {
      let group = groups.find((x) => x.name === g);
      if (!group) groups.push((group = { name: g, description: '', members: [] }));
      group.members.push(a.email.toLowerCase());
    }
  }
  return { accounts, domains, groups, warnings: [], invalidRecords: 0, ...extra };
}

/** Settings with sync options overridden. */
export function settingsWith(sync: Partial<Settings['sync']> = {}, more: Partial<Settings> = {}): Settings {
  const base = Settings.parse({});
  return { ...base, ...more, sync: { ...base.sync, ...sync } };
}

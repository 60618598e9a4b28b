/**
 * The saved settings document: versioned and zod-checked, one file in the data directory.
 *
 * Secrets are not part of it: the share password lives in the secret store (Electron's
 * safeStorage in the app; standard input or MDSYNC_SHARE_PASSWORD on the command line).
 */
import { z } from 'zod';
import { parseDeleteLimit } from './delete-limit';
import { Privilege } from './model';

/** The current settings document version; older documents are migrated on load. */
export const SETTINGS_VERSION = 1;

/**
 * A deletion guard limit as saved: a count (`5`) or a percentage of Directory Services users
 * (`10%`, at most 100), checked by the one parser (shared/delete-limit.ts) with its message.
 */
export const DeleteLimit = z.string().superRefine((text, ctx) => {
  const parsed = parseDeleteLimit(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error.message });
});

/** Where and how to read MDaemon's App directory. */
export const DirectorySettings = z.object({
  type: z.literal('mdaemon').default('mdaemon'),
  /** A local path or a UNC path (`\\server\share\dir`); empty when not configured. */
  appDir: z.string().default(''),
  /** An allowlisted code page id (shared/code-pages.ts); empty means the system default. */
  codePage: z.string().default(''),
  /** Credentials for reading a UNC path over SMB where the OS does not read it natively. */
  share: z
    .object({
      domain: z.string().default(''),
      userName: z.string().default(''),
    })
    .default({ domain: '', userName: '' }),
});
export type DirectorySettings = z.infer<typeof DirectorySettings>;

/** What a synchronization keeps in scope and how it names and deletes users. */
export const SyncSettings = z.object({
  /** Selected MDaemon domains, none = all. */
  domains: z.array(z.string()).default([]),
  /** Selected MDaemon groups, none = all users. */
  groups: z.array(z.string()).default([]),
  deleteUsers: z.boolean().default(false),
  /** The deletion guard's limit; null = the default (max of 5 and 10 %). */
  deleteLimit: DeleteLimit.nullable().default(null),
  /** User names: the full email address, or the mailbox with cross-domain collisions skipped. */
  userNameFormat: z.enum(['email', 'mailbox']).default('email'),
  includeDisabled: z.boolean().default(true),
  importAliases: z.boolean().default(true),
  /** Automatic synchronization interval in hours while the app is open; 0 = off. */
  autoSyncHours: z.number().int().min(0).max(168).default(0),
});
export type SyncSettings = z.infer<typeof SyncSettings>;

/** Privileges given to users that synchronization creates. */
export const DefaultPrivileges = z.object({
  privileges: z.array(Privilege).default(['login']),
  ownFolder: z
    .object({ read: z.boolean(), write: z.boolean(), delete: z.boolean() })
    .default({ read: true, write: false, delete: false }),
});
export type DefaultPrivileges = z.infer<typeof DefaultPrivileges>;

/** Connection security to MDaemon's IMAP server. */
export const ImapSecurity = z.enum(['none', 'starttls', 'ssl']);
export type ImapSecurity = z.infer<typeof ImapSecurity>;

/** How Directory Services users' passwords are checked against MDaemon's IMAP server. */
export const ImapSettings = z.object({
  /** Host name or address; empty when not configured. */
  host: z.string().default(''),
  /** null = the default port of the security mode (143, or 993 for IMAP-SSL). */
  port: z.number().int().min(1).max(65535).nullable().default(null),
  security: ImapSecurity.default('none'),
  /** Accept a certificate that does not verify (self-signed or non-public). */
  ignoreCertificate: z.boolean().default(false),
  /** Trust exactly this certificate, by its SHA-256 fingerprint (AB:CD:… form). */
  pinnedFingerprint256: z.string().nullable().default(null),
  loginMethod: z.enum(['auto', 'login', 'plain']).default('auto'),
  connectTimeoutMs: z.number().int().min(100).max(120000).default(5000),
  greetingTimeoutMs: z.number().int().min(100).max(120000).default(5000),
  totalTimeoutMs: z.number().int().min(100).max(300000).default(15000),
});
export type ImapSettings = z.infer<typeof ImapSettings>;

/** Logon sessions of the network service (`mdsync server`). */
export const SessionSettings = z.object({
  /** A session unused this long ends (browsers and desktop clients log on again). */
  idleMinutes: z.number().int().min(1).max(1440).default(30),
});
export type SessionSettings = z.infer<typeof SessionSettings>;

/** Mail to an administrator when a scheduled synchronization needs a person (Directory Services → Notifications). */
export const NotifySettings = z.object({
  /** SMTP server host name or address; empty: no mail is sent. */
  host: z.string().default(''),
  /** null = the default port of the security mode (25, or 465 for SSL). */
  port: z.number().int().min(1).max(65535).nullable().default(null),
  security: ImapSecurity.default('starttls'),
  /** Accept a certificate that does not verify (self-signed or non-public). */
  ignoreCertificate: z.boolean().default(false),
  /** Trust exactly this certificate, by its SHA-256 fingerprint (AB:CD:… form). */
  pinnedFingerprint256: z.string().nullable().default(null),
  /** SMTP authentication's user name; empty: none. Its password is kept like the share password. */
  userName: z.string().default(''),
  sender: z.string().default(''),
  recipients: z.array(z.string()).default([]),
});
export type NotifySettings = z.infer<typeof NotifySettings>;

/** The whole settings document. */
export const Settings = z.object({
  version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION),
  directory: DirectorySettings.default(DirectorySettings.parse({})),
  sync: SyncSettings.default(SyncSettings.parse({})),
  defaultPrivileges: DefaultPrivileges.default(DefaultPrivileges.parse({})),
  imap: ImapSettings.default(ImapSettings.parse({})),
  sessions: SessionSettings.default(SessionSettings.parse({})),
  notify: NotifySettings.default(NotifySettings.parse({})),
});
export type Settings = z.infer<typeof Settings>;

/** The settings of a new installation. */
export function defaultSettings(): Settings {
  return Settings.parse({});
}

/**
 * The one IPC contract: every channel between renderer and main, with its input and output schemas.
 *
 * The preload's `window.api`, the main-side registration, the renderer's types and the browser-mode
 * WebSocket bridge are all derived from this object; nothing is declared twice.
 */
import { z } from 'zod';
import {
  ArchiveFolder,
  ArchiveUser,
  ArchivedMessage,
  Authentication,
  CertificateInfo,
  FolderAccess,
  ImapCheckResult,
  LogonFailure,
  Privilege,
  SessionUser,
  SourceWarning,
  SyncProgress,
  SyncRun,
} from './model';
import { DbStateView } from './db-notice';
import { ImapSettings, NotifySettings, Settings } from './settings';
import { UsersPage, UsersPageQuery } from './users-page';
import { KeptChanges, ResultsPage, ResultsPageQuery, RunAnswer } from './results-page';

/** Who may call a channel: anyone, any logged-on user, or administrators only. */
export type Access = 'public' | 'user' | 'admin';

/** One channel: its access level and its input and output schemas. */
export interface ChannelDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly access: Access;
  readonly input: I;
  readonly output: O;
}

function channel<I extends z.ZodType, O extends z.ZodType>(access: Access, input: I, output: O): ChannelDef<I, O> {
  return { access, input, output };
}

const Empty = z.object({}).strict();
const Done = z.object({ done: z.literal(true) });
/** A password typed by a person: sent once to main, never sent back. */
const Password = z.string().max(1024);

/** Information about the running app, shown in the About line and used for first start. */
export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  dataDir: z.string(),
  mode: z.enum(['electron', 'browser', 'server']),
  platform: z.string(),
  /** True until the built-in admin has a password: the UI asks for one first. */
  needsAdminPassword: z.boolean(),
  /** The code page preselected when settings name none. */
  defaultCodePage: z.string(),
  /** True where the OS reads UNC paths itself (Windows); elsewhere the share needs credentials. */
  nativeUnc: z.boolean(),
  /** True where a native folder picker exists (the Electron app). */
  canBrowse: z.boolean(),
  /** The bundled fictional App directory a newcomer can try the product with, if shipped. */
  sampleAppDir: z.string().nullable(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** The settings as the renderer sees them: never a password, only whether one is stored. */
export const SettingsView = z.object({
  settings: Settings,
  sharePasswordStored: z.boolean(),
  /** Whether an SMTP password (Notifications) is stored; the password itself never comes back. */
  smtpPasswordStored: z.boolean(),
  /** Why secrets cannot be stored here, when they cannot (no safeStorage). */
  secretStoreUnavailable: z.string().nullable(),
});
export type SettingsView = z.infer<typeof SettingsView>;

/**
 * Directory settings to try before saving. A share password typed into the dialog comes along
 * once; null means "use the stored one".
 */
export const DirectoryProbe = z.object({
  settings: Settings,
  sharePassword: Password.nullable().default(null),
});
export type DirectoryProbe = z.infer<typeof DirectoryProbe>;

/** What Save sends: the probe plus an SMTP password typed once (null: keep the stored one, '': remove it). */
export const SettingsSave = DirectoryProbe.extend({ smtpPassword: Password.nullable().default(null) });
export type SettingsSave = z.infer<typeof SettingsSave>;

/** The answer of Send test message: sent, or one line why not, with the certificate when it was not trusted. */
export const NotifyTestResult = z.object({
  ok: z.boolean(),
  error: z.string().optional(),
  certificate: CertificateInfo.optional(),
});
export type NotifyTestResult = z.infer<typeof NotifyTestResult>;

/** What the dialog's checklists need from an App directory. */
export const DirectoryOverview = z.object({
  accountCount: z.number().int(),
  domains: z.array(z.object({ name: z.string(), accounts: z.number().int() })),
  groups: z.array(z.object({ name: z.string(), description: z.string(), members: z.number().int() })),
  warnings: z.array(SourceWarning),
});
export type DirectoryOverview = z.infer<typeof DirectoryOverview>;

/** A user as the Properties dialog edits it. */
export const UserInput = z.object({
  userName: z.string().min(1).max(255),
  fullName: z.string().max(255),
  emailAddresses: z.array(z.string().max(320)),
  authentication: Authentication,
  privileges: z.array(Privilege),
  folderAccess: z.array(FolderAccess),
  /** For integrated users: a new password, or null to keep the current one. */
  password: Password.nullable().default(null),
});
export type UserInput = z.infer<typeof UserInput>;

/** A row of the Users list. */
export const UserRow = ArchiveUser.extend({ messages: z.number().int() });
export type UserRow = z.infer<typeof UserRow>;

/** The logon answer: the session, or why not. */
export const LogonAnswer = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), user: SessionUser }),
  z.object({
    ok: z.literal(false),
    reason: LogonFailure,
    message: z.string(),
    /** `busy` and `lockedOut`: when to try again (the page counts down). */
    retryAfterSeconds: z.number().int().positive().optional(),
  }),
]);
export type LogonAnswer = z.infer<typeof LogonAnswer>;

/**
 * Where the desktop app's services run, as the Server field shows it: this computer, or an
 * `mdsync server` and how the connection to it stands. `untrusted` carries the certificate's
 * fingerprint for *Trust this certificate*; `changed` refuses a certificate unlike the pinned one.
 */
export const ConnectionState = z.object({
  /** null: This computer; otherwise `host:port` as chosen. */
  server: z.string().nullable(),
  state: z.enum(['local', 'connected', 'untrusted', 'changed', 'unreachable']),
  /** One sentence for the states that are not `local` or `connected`. */
  message: z.string().nullable(),
  /** The server certificate's SHA-256 fingerprint, when one was seen (`AA:BB:…`). */
  fingerprint256: z.string().nullable(),
  /** The certificate's subject (`CN=…`), when one was seen. */
  subject: z.string().nullable(),
});
export type ConnectionState = z.infer<typeof ConnectionState>;

/** A server address typed into the Server field (`host[:port]`), or null for This computer. */
const ServerAddress = z.string().trim().min(1).max(300);

/** The channels. Names read `domain:verb`. */
export const contract = {
  'app:info': channel('public', Empty, AppInfo),
  'connection:get': channel('public', Empty, ConnectionState),
  'connection:set': channel('public', z.object({ server: ServerAddress.nullable() }), ConnectionState),
  'connection:trust': channel(
    'public',
    z.object({ server: ServerAddress, fingerprint256: z.string().regex(/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/) }),
    ConnectionState,
  ),
  'app:log': channel(
    'user',
    z.object({ level: z.enum(['info', 'warn', 'error']), message: z.string().max(4000) }),
    Done,
  ),

  'auth:setup-admin': channel(
    'public',
    // setupCode: the one-time code `mdsync server` prints on its console at first start (the service only).
    z.object({ password: Password.min(1), setupCode: z.string().max(64).optional() }),
    SessionUser,
  ),
  'auth:logon': channel('public', z.object({ userName: z.string().max(255), password: Password }), LogonAnswer),
  'auth:session': channel('public', Empty, SessionUser.nullable()),
  'auth:logoff': channel('public', Empty, Done),
  'auth:change-password': channel('user', z.object({ current: Password, next: Password.min(1) }), Done),

  'settings:get': channel('admin', Empty, SettingsView),
  'settings:save': channel('admin', SettingsSave, SettingsView),
  /** Send test message: one mail with the Notifications settings on screen (a typed password, or the stored one). */
  'notify:test': channel(
    'admin',
    z.object({ notify: NotifySettings, smtpPassword: Password.nullable().default(null) }),
    NotifyTestResult,
  ),

  'mdaemon:detect': channel('admin', Empty, z.object({ appDir: z.string().nullable(), tried: z.array(z.string()) })),
  'mdaemon:browse': channel(
    'admin',
    z.object({ start: z.string().default('') }),
    z.object({ path: z.string().nullable() }),
  ),
  'mdaemon:overview': channel('admin', DirectoryProbe, DirectoryOverview),

  /**
   * Test Settings and Synchronize now answer the counts and the first page; `sync:results-page` pages
   * on, through them or through a past run opened with `history:open`.
   */
  'sync:test': channel('admin', DirectoryProbe, RunAnswer),
  'sync:run': channel('admin', DirectoryProbe.extend({ confirmDeletes: z.boolean().default(false) }), RunAnswer),
  'sync:results-page': channel('admin', ResultsPageQuery, ResultsPage),
  'sync:cancel': channel('admin', Empty, z.object({ cancelled: z.boolean() })),

  'imap:test': channel(
    'admin',
    z.object({ imap: ImapSettings, userName: z.string().min(1).max(320), password: Password }),
    ImapCheckResult,
  ),

  'users:list': channel('admin', Empty, z.array(UserRow)),
  'users:page': channel('admin', UsersPageQuery, UsersPage),
  'users:create': channel('admin', UserInput, ArchiveUser),
  'users:update': channel('admin', UserInput.extend({ originalUserName: z.string() }), ArchiveUser),
  'users:delete': channel(
    'admin',
    z.object({ userName: z.string() }),
    z.object({ folderKept: z.boolean(), messages: z.number().int() }),
  ),
  'folders:list': channel('admin', Empty, z.array(ArchiveFolder)),
  /** The user database's fallbacks to its backup this process met (the administrators' banner). */
  'db:state': channel('admin', Empty, DbStateView),

  'history:list': channel(
    'admin',
    z.object({ limit: z.number().int().min(1).max(1000).default(200) }),
    z.array(SyncRun),
  ),
  /** A run's recorded changes kept for this session: the first page now, `sync:results-page` for more. */
  'history:open': channel('admin', z.object({ runId: z.number().int() }), KeptChanges),

  'archive:mine': channel(
    'user',
    Empty,
    z.object({ folder: z.string(), messages: z.number().int(), latest: z.array(ArchivedMessage) }),
  ),
} as const satisfies Record<string, ChannelDef>;

/** Main → renderer pushes. Subscribing returns an unsubscribe function. */
export const events = {
  'sync:progress': SyncProgress,
  'session:ended': z.object({ reason: z.string() }),
} as const satisfies Record<string, z.ZodType>;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type EventName = keyof typeof events;
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
export type ChannelParsedInput<C extends ChannelName> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** The API the renderer gets as `window.api`, derived from the contract. */
export interface Api {
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** All channel and event names, for the preload and the bridge to check against. */
export const CHANNEL_NAMES = Object.keys(contract) as ChannelName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

import type { Result } from './result';

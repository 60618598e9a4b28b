/**
 * The product's domain types, as zod schemas: MDaemon accounts, archive users, plans, logons.
 *
 * Every process boundary (IPC, WebSocket, CLI JSON, settings file) parses with these, so the
 * types here are the single source of truth; the TypeScript types are inferred from them.
 */
import { z } from 'zod';

/**
 * A problem found in an MDaemon file: which file, which line (1-based, null for the whole file).
 * `level: 'note'` marks an informational line (a quirk read as usual, a framing, an alias that
 * cannot be an address); absent means a warning.
 */
export const SourceWarning = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  message: z.string(),
  level: z.literal('note').optional(),
});
export type SourceWarning = z.infer<typeof SourceWarning>;

/** MDaemon's AccessType: Y = POP and IMAP, N = neither, P = POP only, I = IMAP only, C = disabled. */
export const AccessType = z.enum(['Y', 'N', 'P', 'I', 'C']);
export type AccessType = z.infer<typeof AccessType>;

/** One USERLIST.DAT account. The Password field is never part of it. */
export const MdaemonAccount = z.object({
  email: z.string(),
  domain: z.string(),
  mailbox: z.string(),
  fullName: z.string(),
  accessType: AccessType,
  groups: z.array(z.string()),
  /** Exact aliases from Alias.dat that point at this account. */
  aliases: z.array(z.string()),
});
export type MdaemonAccount = z.infer<typeof MdaemonAccount>;

/** One Groups.dat group. */
export const MdaemonGroup = z.object({
  name: z.string(),
  description: z.string(),
  /** Member addresses, lower-cased, in file order, without duplicates. */
  members: z.array(z.string()),
});
export type MdaemonGroup = z.infer<typeof MdaemonGroup>;

/** A USERLIST.DAT record that was refused: it becomes a `skip` line of the plan. */
export const RejectedRecord = z.object({
  file: z.string(),
  line: z.number().int(),
  reason: z.string(),
});
export type RejectedRecord = z.infer<typeof RejectedRecord>;

/**
 * A USERLIST.DAT record repeating an earlier account's address (any case): the first record
 * wins, this one becomes a `skip` line. Not a broken source: it does not hold deletes.
 */
export const DuplicateRecord = z.object({
  file: z.string(),
  line: z.number().int(),
  /** The address both records have (lower case). */
  email: z.string(),
  /** The line of the record that wins. */
  firstLine: z.number().int(),
  /** This record's full name, as decoded. */
  fullName: z.string(),
});
export type DuplicateRecord = z.infer<typeof DuplicateRecord>;

/** Everything read from an App directory. */
export const DirectoryRead = z.object({
  accounts: z.array(MdaemonAccount),
  domains: z.array(z.string()),
  groups: z.array(MdaemonGroup),
  warnings: z.array(SourceWarning),
  /** Number of USERLIST.DAT records that were refused (each also has a warning); duplicates are not counted. */
  invalidRecords: z.number().int(),
  /** The refused records: accounts that cannot be synchronized. */
  rejected: z.array(RejectedRecord).optional(),
  /** Records repeating an earlier account (each also has a warning). */
  duplicates: z.array(DuplicateRecord).optional(),
  /** How USERLIST.DAT's records were framed: by their 235-byte + CR LF stride, or by line ends. */
  framing: z.enum(['records', 'lines']).optional(),
});
export type DirectoryRead = z.infer<typeof DirectoryRead>;

/** The archive's global privileges, with the names the archive server's management API uses. */
export const Privilege = z.enum([
  'admin',
  'login',
  'changePassword',
  'archive',
  'modifyArchiveProfiles',
  'export',
  'modifyExportProfiles',
  'delete',
]);
export type Privilege = z.infer<typeof Privilege>;

/** Labels of the global privileges, as the Default Privileges dialog shows them. */
export const PRIVILEGE_LABELS: Record<Privilege, string> = {
  admin: 'Administrator',
  login: 'Log on',
  changePassword: 'Change Password',
  archive: 'Archive E-mail',
  modifyArchiveProfiles: 'Modify Archiving Profiles',
  export: 'Export E-mail',
  modifyExportProfiles: 'Modify Export Profiles',
  delete: 'Delete E-mail',
};

/** How a user logs on: a password kept by the archive, or MDaemon's IMAP server. */
export const Authentication = z.enum(['integrated', 'directoryServices']);
export type Authentication = z.infer<typeof Authentication>;

/** Read / write / delete access of a user to one archive folder. */
export const FolderAccess = z.object({
  folder: z.string(),
  read: z.boolean(),
  write: z.boolean(),
  delete: z.boolean(),
});
export type FolderAccess = z.infer<typeof FolderAccess>;

/** An archive user, as `mdsync users --json` prints it. */
export const ArchiveUser = z.object({
  userName: z.string(),
  fullName: z.string(),
  emailAddresses: z.array(z.string()),
  authentication: Authentication,
  privileges: z.array(Privilege),
  folderAccess: z.array(FolderAccess),
});
export type ArchiveUser = z.infer<typeof ArchiveUser>;

/** An archive folder; `owner` is null once its user was deleted. */
export const ArchiveFolder = z.object({
  name: z.string(),
  owner: z.string().nullable(),
  messages: z.number().int(),
});
export type ArchiveFolder = z.infer<typeof ArchiveFolder>;

/** Metadata of one archived message. */
export const ArchivedMessage = z.object({
  subject: z.string(),
  from: z.string(),
  date: z.string().nullable(),
  size: z.number().int(),
});
export type ArchivedMessage = z.infer<typeof ArchivedMessage>;

/** What a synchronization does with one user. */
export const ChangeAction = z.enum(['create', 'update', 'delete', 'unchanged', 'skip', 'held']);
export type ChangeAction = z.infer<typeof ChangeAction>;

/** One line of a plan or of a run's history. */
export const Change = z.object({
  action: ChangeAction,
  userName: z.string(),
  fullName: z.string(),
  emailAddresses: z.array(z.string()),
  reason: z.string(),
});
export type Change = z.infer<typeof Change>;

/** Counts of a plan's changes by action. */
export const PlanSummary = z.object({
  create: z.number().int(),
  update: z.number().int(),
  delete: z.number().int(),
  unchanged: z.number().int(),
  skip: z.number().int(),
  held: z.number().int(),
});
export type PlanSummary = z.infer<typeof PlanSummary>;

/** The answer of Test Settings / Synchronize now, and of `mdsync test|sync --json`. */
export const SyncReport = z.object({
  dryRun: z.boolean(),
  summary: PlanSummary,
  changes: z.array(Change),
  warnings: z.array(SourceWarning),
  /** The history entry of this run, when it was recorded. */
  runId: z.number().int().nullable().optional(),
});
export type SyncReport = z.infer<typeof SyncReport>;

/** Phases of a run, for the progress bar. */
export const SyncProgress = z.object({
  phase: z.enum(['read', 'plan', 'apply', 'done']),
  /** Work done and total in this phase; total 0 when unknown. */
  done: z.number(),
  total: z.number(),
});
export type SyncProgress = z.infer<typeof SyncProgress>;

/** One synchronization run in the history. */
export const SyncRun = z.object({
  id: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Who started it: a user name, `cli`, or `schedule`. */
  actor: z.string(),
  dryRun: z.boolean(),
  status: z.enum(['running', 'applied', 'tested', 'failed', 'cancelled']),
  summary: PlanSummary,
  message: z.string().nullable(),
});
export type SyncRun = z.infer<typeof SyncRun>;

/** Error classes of an IMAP check. */
export const ImapErrorCode = z.enum(['auth', 'tls', 'network', 'timeout', 'config']);
export type ImapErrorCode = z.infer<typeof ImapErrorCode>;

/** A server certificate met on a TLS connection. */
export const CertificateInfo = z.object({
  subject: z.string(),
  fingerprint256: z.string(),
  trusted: z.boolean(),
});
export type CertificateInfo = z.infer<typeof CertificateInfo>;

/** The answer of an IMAP logon check (`mdsync imap-check --json`). */
export const ImapCheckResult = z.object({
  ok: z.boolean(),
  error: z.object({ code: ImapErrorCode, message: z.string() }).optional(),
  ms: z.number(),
  certificate: CertificateInfo.optional(),
});
export type ImapCheckResult = z.infer<typeof ImapCheckResult>;

/** Why a logon was refused (`mdsync login --json`). */
export const LogonFailure = z.enum([
  'invalidCredentials',
  'notPermitted',
  'serverUnreachable',
  'tlsError',
  'timeout',
  'notConfigured',
  'lockedOut',
  'busy',
]);
export type LogonFailure = z.infer<typeof LogonFailure>;

/** A logged-on user, as the renderer knows it. */
export const SessionUser = z.object({
  userName: z.string(),
  fullName: z.string(),
  authentication: Authentication,
  privileges: z.array(Privilege),
});
export type SessionUser = z.infer<typeof SessionUser>;

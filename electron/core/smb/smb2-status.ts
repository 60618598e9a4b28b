/**
 * NTSTATUS values an SMB2 server answers with, by name.
 *
 * The names are what smb-errors.ts maps to sentences; a status not listed here gets a
 * code-shaped name with its number, so it can still be reported.
 */

/** Names of the statuses we act on or report. */
const NAMES: Record<number, string> = {
  0x00000000: 'STATUS_SUCCESS',
  0x00000103: 'STATUS_PENDING',
  0x80000005: 'STATUS_BUFFER_OVERFLOW',
  0x80000006: 'STATUS_NO_MORE_FILES',
  0xc000000d: 'STATUS_INVALID_PARAMETER',
  0xc0000011: 'STATUS_END_OF_FILE',
  0xc0000016: 'STATUS_MORE_PROCESSING_REQUIRED',
  0xc0000022: 'STATUS_ACCESS_DENIED',
  0xc0000033: 'STATUS_OBJECT_NAME_INVALID',
  0xc0000034: 'STATUS_OBJECT_NAME_NOT_FOUND',
  0xc000003a: 'STATUS_OBJECT_PATH_NOT_FOUND',
  0xc0000043: 'STATUS_SHARING_VIOLATION',
  0xc0000056: 'STATUS_DELETE_PENDING',
  0xc000006d: 'STATUS_LOGON_FAILURE',
  0xc000006e: 'STATUS_ACCOUNT_RESTRICTION',
  0xc000006f: 'STATUS_INVALID_LOGON_HOURS',
  0xc0000070: 'STATUS_INVALID_WORKSTATION',
  0xc0000071: 'STATUS_PASSWORD_EXPIRED',
  0xc0000072: 'STATUS_ACCOUNT_DISABLED',
  0xc000009a: 'STATUS_INSUFFICIENT_RESOURCES',
  0xc00000ba: 'STATUS_FILE_IS_A_DIRECTORY',
  0xc00000bb: 'STATUS_NOT_SUPPORTED',
  0xc00000c9: 'STATUS_NETWORK_NAME_DELETED',
  0xc00000ca: 'STATUS_NETWORK_ACCESS_DENIED',
  0xc00000cc: 'STATUS_BAD_NETWORK_NAME',
  0xc00000d0: 'STATUS_REQUEST_NOT_ACCEPTED',
  0xc0000103: 'STATUS_NOT_A_DIRECTORY',
  0xc0000128: 'STATUS_FILE_CLOSED',
  0xc0000193: 'STATUS_ACCOUNT_EXPIRED',
  0xc0000203: 'STATUS_USER_SESSION_DELETED',
  0xc0000224: 'STATUS_PASSWORD_MUST_CHANGE',
  0xc0000234: 'STATUS_ACCOUNT_LOCKED_OUT',
  0xc000035c: 'STATUS_NETWORK_SESSION_EXPIRED',
  0xc000a000: 'STATUS_INVALID_SIGNATURE',
};

/** The status's name, or `STATUS_X` followed by its eight hex digits. */
export function statusName(status: number): string {
  return NAMES[status >>> 0] ?? `STATUS_X${(status >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** An SMB2 response with a non-success status; `code` is the status name. */
export class SmbStatusError extends Error {
  readonly code: string;
  constructor(readonly status: number) {
    super(statusName(status));
    this.code = statusName(status);
    this.name = 'SmbStatusError';
  }
}

/** Our client's own protocol failures (codes are mapped to sentences in smb-errors.ts). */
export type SmbProtocolCode =
  /** The server speaks none of SMB 2.0.2, 2.1, 3.0, 3.0.2, 3.1.1. */
  | 'SMB_DIALECT'
  /** The server closed the connection on our NEGOTIATE (what SMB 1-only servers do). */
  | 'SMB_DIALECT_CLOSED'
  /** A response's signature is wrong, or a response that must be signed is not. */
  | 'SMB_BAD_SIGNATURE'
  /** The share or session requires encryption and the negotiated dialect or cipher cannot do it. */
  | 'SMB_ENCRYPTION_UNAVAILABLE'
  /** An encrypted response did not decrypt. */
  | 'SMB_BAD_ENCRYPTION'
  /** The share was refused over SMB 2 where encryption (SMB 3 only) may be the reason. */
  | 'SMB_DENIED_WITHOUT_SMB3'
  /** The server granted a guest logon for a named user. */
  | 'SMB_GUEST'
  /** A message we could not parse. */
  | 'SMB_MALFORMED';

/** A protocol failure of our own client. */
export class SmbProtocolError extends Error {
  constructor(
    readonly code: SmbProtocolCode,
    /** The dialect in use, for messages (e.g. `2.1`); '' before negotiation. */
    readonly dialect = '',
  ) {
    super(code);
    this.name = 'SmbProtocolError';
  }
}

/** `0x0311` → `3.1.1`. */
export function dialectName(d: number): string {
  const major = d >> 8;
  const minor = (d >> 4) & 0xf;
  const patch = d & 0xf;
  return patch === 0 ? `${major}.${minor}` : `${major}.${minor}.${patch}`;
}

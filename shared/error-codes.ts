/**
 * Every code an expected failure (`UserError`, `Result`'s error) may carry: one closed list.
 *
 * The codes are a public interface: the CLI prints them in its JSON and maps them to exit
 * statuses, the pages and the desktop client act on some. Add a code here (and to the CLI's exit
 * mapping, which the compiler then asks for); never rename or remove one.
 */
export const ERROR_CODES = [
  // Bad usage or unreadable input (the CLI exits 2).
  'usage',
  'input',
  'config',
  'codePage',
  'notFound',
  'notUserlist',
  'unreadable',
  'encoding',
  // What the source or the store holds.
  'unstable',
  'corrupt',
  'exists',
  'tooLarge',
  'unsupported',
  'weakPassword',
  'diskFull',
  'writeFailed',
  'secretStore',
  'busy',
  'cancelled',
  'failed',
  'refused',
  // Access and logon (LogonFailure's reasons among them).
  'forbidden',
  'notLoggedOn',
  'invalidCredentials',
  'notPermitted',
  'serverUnreachable',
  'tlsError',
  'notConfigured',
  'lockedOut',
  'setupCode',
  // Networks: SMB, the service, the desktop app's remote client.
  'auth',
  'network',
  'timeout',
  'protocol',
  'listen',
  'certificateChanged',
  'disconnected',
  'unavailable',
  'readOnly',
  'gone',
  'useHttp',
  'notCarried',
  // The carriers and the API layer.
  'badInput',
  'unknownChannel',
  'invalid',
  'internal',
] as const;

/** A code of an expected failure. */
export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

/** True when a text (a code that came over a wire) is one of the codes. */
export function isErrorCode(text: unknown): text is ErrorCode {
  return typeof text === 'string' && KNOWN.has(text);
}

/**
 * What every `mdsync` command gets: its arguments, its streams, and one way to fail.
 *
 * Commands never call process.exit or print stacks: they return an exit status, or throw a
 * CliError / UserError that the dispatcher turns into one line on stderr.
 */
import { type ErrorCode, UserError, assertNever } from '../../shared/result';
import { takeSecretFromEnv } from '../core/secret-env';

/** Streams and environment of one command run (fakes in tests, the process in real life). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** All of standard input as UTF-8 (for --password-stdin). */
  readonly readStdin: () => Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The default data directory, where --data-dir is not given. */
  readonly defaultDataDir: string;
}

/**
 * A password handed over in the environment (MDSYNC_SHARE_PASSWORD, PGPASSWORD): read once and, in
 * a real run, taken out of the process's environment for good, so no later child and no reader of
 * /proc/PID/environ sees it. A test's fake environment is only read.
 */
export function envSecret(io: CliIo, name: string): string | undefined {
  return io.env === process.env ? takeSecretFromEnv(process.env, name).value : io.env[name];
}

/** A command: arguments after its name in, exit status out. */
export type Command = (argv: string[], io: CliIo) => Promise<number>;

/** A failure with its exit status: 2 for bad usage or unreadable input, 1 for refused or failed. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * The exit status of an error code: 2 for bad usage or unreadable input, 1 for refused or failed.
 * Exhaustive over ErrorCode: a new code does not compile until it is given its status here.
 */
export function exitCodeOf(code: ErrorCode): 1 | 2 {
  switch (code) {
    case 'usage':
    case 'input':
    case 'config':
    case 'codePage':
    case 'notFound':
    case 'notUserlist':
    case 'unreadable':
    case 'encoding':
      return 2;
    case 'unstable':
    case 'corrupt':
    case 'exists':
    case 'tooLarge':
    case 'unsupported':
    case 'weakPassword':
    case 'diskFull':
    case 'writeFailed':
    case 'secretStore':
    case 'busy':
    case 'cancelled':
    case 'failed':
    case 'refused':
    case 'forbidden':
    case 'notLoggedOn':
    case 'invalidCredentials':
    case 'notPermitted':
    case 'serverUnreachable':
    case 'tlsError':
    case 'notConfigured':
    case 'lockedOut':
    case 'setupCode':
    case 'auth':
    case 'network':
    case 'timeout':
    case 'protocol':
    case 'listen':
    case 'certificateChanged':
    case 'disconnected':
    case 'unavailable':
    case 'readOnly':
    case 'gone':
    case 'useHttp':
    case 'notCarried':
    case 'badInput':
    case 'unknownChannel':
    case 'invalid':
    case 'internal':
      return 1;
    default:
      return assertNever(code);
  }
}

/** The exit status for an error thrown by a command. */
export function exitCodeFor(err: unknown): 1 | 2 {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof UserError) return exitCodeOf(err.code);
  return 1;
}

/**
 * Reads a password from standard input: the first line, without its line ending.
 * Refuses an empty one. The value is never echoed or logged.
 */
export async function readPasswordFromStdin(io: CliIo): Promise<string> {
  const text = await io.readStdin();
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  if (first.length === 0) throw new CliError('no password on standard input', 2);
  return first;
}

/** Prints a value as JSON, one document on stdout. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

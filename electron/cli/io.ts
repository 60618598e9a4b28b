/**
 * What every `mdsync` command gets: its arguments, its streams, and one way to fail.
 *
 * Commands never call process.exit or print stacks: they return an exit status, or throw a
 * CliError / UserError that the dispatcher turns into one line on stderr.
 */
import { UserError } from '../../shared/result';

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

/** UserError codes that mean "bad usage or unreadable input" (exit 2); every other code exits 1. */
export const INPUT_ERROR_CODES: ReadonlySet<string> = new Set([
  'usage',
  'input',
  'config',
  'codePage',
  'notFound',
  'notUserlist',
  'unreadable',
  'encoding',
]);

/** The exit status for an error thrown by a command. */
export function exitCodeFor(err: unknown): 1 | 2 {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof UserError) return INPUT_ERROR_CODES.has(err.code) ? 2 : 1;
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

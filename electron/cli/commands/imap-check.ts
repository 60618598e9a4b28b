/**
 * `mdsync imap-check`: logs on to MDaemon's IMAP server with a user's password, and out again.
 *
 * The administrator's test of the Directory Services settings (and of a user's password), and
 * the JSON source for scripts: `{ ok, error?, ms, certificate? }` (docs/architecture.md, "The command line's JSON"). The
 * saved IMAP settings of the data directory apply, flags override them for this run only. The
 * password comes only from standard input and is never printed.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ImapCheckResult } from '../../../shared/model';
import { ImapSecurity, type ImapSettings, type Settings } from '../../../shared/settings';
import { checkImapLogin } from '../../core/imap/imap-check';
import { normalizeFingerprint, resolveTarget } from '../../core/imap/imap-target';
import { loadSettings } from '../../core/settings-store';
import { CliError, printJson, readPasswordFromStdin, type CliIo, type Command } from '../io';

/** The `[imap]` flags shared by `imap-check` and `login`. */
export const IMAP_FLAGS = {
  'imap-host': { type: 'string' },
  'imap-port': { type: 'string' },
  'imap-security': { type: 'string' },
  'ignore-cert': { type: 'boolean' },
  fingerprint: { type: 'string' },
  'login-method': { type: 'string' },
} as const;

/** Values of the `[imap]` flags as parseArgs returns them. */
export interface ImapFlagValues {
  'imap-host'?: string;
  'imap-port'?: string;
  'imap-security'?: string;
  'ignore-cert'?: boolean;
  fingerprint?: string;
  'login-method'?: string;
}

/** Applies the `[imap]` flags over saved IMAP settings; bad values are usage errors (exit 2). */
export function imapSettingsFromFlags(saved: ImapSettings, v: ImapFlagValues): ImapSettings {
  const s: ImapSettings = { ...saved };
  if (v['imap-host'] !== undefined) s.host = v['imap-host'];
  if (v['imap-port'] !== undefined) {
    const p = v['imap-port'];
    if (!/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535)
      throw new CliError(`--imap-port must be a number from 1 to 65535, not "${p}"`, 2);
    s.port = Number(p);
  }
  if (v['imap-security'] !== undefined) {
    const parsed = ImapSecurity.safeParse(v['imap-security']);
    if (!parsed.success)
      throw new CliError(`--imap-security must be none, starttls or ssl, not "${v['imap-security']}"`, 2);
    // A saved port belongs to the saved mode; with another mode, its default port unless given.
    if (parsed.data !== saved.security && v['imap-port'] === undefined) s.port = null;
    s.security = parsed.data;
  }
  if (v['ignore-cert']) s.ignoreCertificate = true;
  if (v.fingerprint !== undefined) {
    const fp = normalizeFingerprint(v.fingerprint);
    if (!fp) throw new CliError('--fingerprint must be a SHA-256 fingerprint (64 hex digits, AB:CD:… form)', 2);
    s.pinnedFingerprint256 = fp;
  }
  if (v['login-method'] !== undefined) {
    const m = v['login-method'];
    if (m !== 'auto' && m !== 'login' && m !== 'plain')
      throw new CliError(`--login-method must be auto, login or plain, not "${m}"`, 2);
    s.loginMethod = m;
  }
  return s;
}

type StrictConfig<O extends NonNullable<ParseArgsConfig['options']>> = {
  args: string[];
  options: O;
  strict: true;
  allowPositionals: false;
};

/** Parses argv with parseArgs, turning its errors into usage errors that never echo values. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  usage: string,
): ReturnType<typeof parseArgs<StrictConfig<O>>> {
  try {
    return parseArgs<StrictConfig<O>>({ args: argv, options, strict: true, allowPositionals: false });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const option = /'(-{1,2}[A-Za-z-]+)/.exec(err instanceof Error ? err.message : '')?.[1];
    const what =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown option ${option ?? ''}`
        : code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
          ? 'unexpected argument'
          : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
            ? `option ${option ?? ''} needs a value`
            : 'invalid arguments';
    throw new CliError(`${what.trim()}; ${usage}`, 2);
  }
}

/** One line describing a check's result, for people. */
export function describeImapResult(r: ImapCheckResult, where: string, user: string): string {
  const cert = r.certificate
    ? `; certificate ${r.certificate.subject}, SHA-256 ${r.certificate.fingerprint256}, ${r.certificate.trusted ? 'trusted' : 'not trusted'}`
    : '';
  return r.ok
    ? `ok: ${user} logged on to ${where} in ${r.ms} ms${cert}`
    : `${r.error?.code ?? 'failed'}: ${r.error?.message ?? 'the check failed'} (${r.ms} ms${cert})`;
}

/** Dependencies of the command, for tests. */
export interface ImapCheckCommandDeps {
  check: typeof checkImapLogin;
  loadSettings: (dataDir: string) => Settings;
}

/** The flags of `imap-check` and `login`: who, the password on stdin, and where to check. */
export const LOGON_FLAGS = {
  ...IMAP_FLAGS,
  user: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE =
  'usage: mdsync imap-check --user U --password-stdin [--imap-host H] [--imap-port P] [--imap-security none|starttls|ssl] [--ignore-cert] [--fingerprint SHA256] [--login-method auto|login|plain] [--data-dir D] [--json]';

/** Builds the command over its dependencies. */
export function makeImapCheck(deps: ImapCheckCommandDeps): Command {
  return async (argv: string[], io: CliIo): Promise<number> => {
    const { values } = parseCommandArgs(argv, LOGON_FLAGS, USAGE);
    if (values.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const user = typeof values.user === 'string' ? values.user : '';
    if (user.trim() === '') throw new CliError(`--user is required; ${USAGE}`, 2);
    if (!values['password-stdin'])
      throw new CliError('the password is read only from standard input: add --password-stdin', 2);
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : io.defaultDataDir;
    const settings = imapSettingsFromFlags(deps.loadSettings(dataDir).imap, values);
    const password = await readPasswordFromStdin(io);
    const result = await deps.check(settings, user, password);
    const target = resolveTarget(settings);
    const where = target.ok ? `${target.target.host}:${target.target.port}` : settings.host;
    if (values.json) printJson(io, result);
    else if (result.ok) io.stdout(`${describeImapResult(result, where, user)}\n`);
    else io.stderr(`${describeImapResult(result, where, user)}\n`);
    if (result.ok) return 0;
    return result.error?.code === 'config' ? 2 : 1;
  };
}

/** `mdsync imap-check`. */
export const imapCheck: Command = makeImapCheck({ check: checkImapLogin, loadSettings });

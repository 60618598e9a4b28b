/**
 * `mdsync server`: the network service, one long-running process with the app's services for
 * people logging on from their own browsers (and the desktop client).
 *
 * TLS always: the company's PEM files, or a self-signed certificate made at first start and kept
 * in the data directory. When ready it prints one line with the URL and the certificate's SHA-256
 * fingerprint, so a client can be told what to trust. SIGTERM or SIGINT stop it cleanly (exit 0).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { UserError } from '../../../shared/result';
import { serve, serviceSharePassword, stopOnSignals } from '../../web/serve';
import { CliError, type CliIo, type Command } from '../io';
import { parseFlags } from './common-flags';
import { balancerOptions } from './server-balancer-flags';
import { DATABASE_FLAGS, DATABASE_USAGE, databaseOptions, type DatabaseValues } from './database-flags';

/** The usage, as README.md's "The network service" shows it (a test keeps the two equal). */
export const USAGE = `usage: mdsync server [--listen HOST:PORT] [--data-dir D] [--tls-cert FILE --tls-key FILE]
                     [--session-idle 30m] [--session-lifetime 12h] [--max-connections-per-address 64]
                     [--max-connections N] [--connection-idle 60s] [--imap-workers N]
                     [--share-password-file FILE|-] [--public-url URL]… [--proxy-protocol-from CIDR]…
                     [--metrics-allow CIDR]… [--drain-grace 10s]
                     ${DATABASE_USAGE}`;

const FLAGS = {
  listen: { type: 'string' },
  'data-dir': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'session-idle': { type: 'string' },
  'session-lifetime': { type: 'string' },
  'max-connections-per-address': { type: 'string' },
  'max-connections': { type: 'string' },
  'connection-idle': { type: 'string' },
  'share-password-file': { type: 'string' },
  'imap-workers': { type: 'string' },
  'public-url': { type: 'string', multiple: true },
  'proxy-protocol-from': { type: 'string', multiple: true },
  'metrics-allow': { type: 'string', multiple: true },
  'drain-grace': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...DATABASE_FLAGS,
} as const;

interface Values extends DatabaseValues {
  listen?: string;
  'data-dir'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'session-idle'?: string;
  'session-lifetime'?: string;
  'max-connections-per-address'?: string;
  'max-connections'?: string;
  'connection-idle'?: string;
  'share-password-file'?: string;
  'imap-workers'?: string;
  'public-url'?: string[];
  'proxy-protocol-from'?: string[];
  'metrics-allow'?: string[];
  'drain-grace'?: string;
  help?: boolean;
}

/** The default address and port: this machine only, until another address is given. */
export const DEFAULT_LISTEN = '127.0.0.1:8443';

/** Parses `HOST:PORT`, `[IPv6]:PORT` or `PORT` (on 127.0.0.1). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim()) ?? /^()()(\d{1,5})$/.exec(text.trim());
  const host = m ? (m[1] ?? m[2] ?? '') || '127.0.0.1' : '';
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535) || (m[1] !== undefined && m[1] !== '' && net.isIPv6(m[1]) === false)) {
    throw new CliError(`--listen must be HOST:PORT (e.g. 0.0.0.0:8443 or [::]:8443), not "${text}"`, 2);
  }
  if (net.isIP(host) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(host)) {
    throw new CliError(`--listen: "${host}" is neither an address nor a host name`, 2);
  }
  return { host, port };
}

/** Parses a duration such as `30m`, `90s`, `12h` or a number of minutes. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'm') as 's' | 'm' | 'h'] : NaN;
  if (!(ms >= 1000 && ms <= 30 * 24 * 3_600_000)) {
    throw new CliError(`${flag} must be a duration such as 90s, 30m or 12h (1 s to 30 days), not "${text}"`, 2);
  }
  return Math.round(ms);
}

function rendererDir(): string {
  // dist/cli.cjs runs with __dirname = dist; from the sources, the build's output.
  const beside = path.resolve(__dirname, 'renderer');
  return fs.existsSync(beside) ? beside : path.resolve(__dirname, '../../../dist/renderer');
}

/** `mdsync server`. */
export const serverCommand: Command = async (argv: string[], io: CliIo): Promise<number> => {
  const { values } = parseFlags<Values>(argv, FLAGS, USAGE);
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const { host, port } = parseListen(values.listen ?? DEFAULT_LISTEN);
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    throw new CliError('--tls-cert and --tls-key go together (PEM files)', 2);
  }
  const max = values['max-connections-per-address'];
  const maxConnections = max === undefined ? undefined : Number(max);
  if (maxConnections !== undefined && !(Number.isInteger(maxConnections) && maxConnections >= 1)) {
    throw new CliError(`--max-connections-per-address must be a whole number ≥ 1, not "${max}"`, 2);
  }
  const total = values['max-connections'];
  const maxTotal = total === undefined ? undefined : Number(total);
  if (maxTotal !== undefined && !(Number.isInteger(maxTotal) && maxTotal >= 1)) {
    throw new CliError(`--max-connections must be a whole number ≥ 1, not "${total}"`, 2);
  }
  const idleMs = values['connection-idle'] ? parseDuration(values['connection-idle'], '--connection-idle') : undefined;
  const workers = values['imap-workers'];
  const imapWorkers = workers === undefined ? undefined : Number(workers);
  if (imapWorkers !== undefined && !(Number.isInteger(imapWorkers) && imapWorkers >= 0 && imapWorkers <= 16)) {
    throw new CliError(`--imap-workers must be a whole number from 0 to 16, not "${workers}"`, 2);
  }
  const sessions = {
    ...(values['session-idle'] ? { idleMs: parseDuration(values['session-idle'], '--session-idle') } : {}),
    ...(values['session-lifetime']
      ? { lifetimeMs: parseDuration(values['session-lifetime'], '--session-lifetime') }
      : {}),
  };
  const behind = balancerOptions(values);
  const dataDir = path.resolve(values['data-dir'] ?? io.defaultDataDir);
  const passwordFile = values['share-password-file'];
  const database = await databaseOptions(
    io,
    dataDir,
    values,
    passwordFile === '-' ? '--share-password-file -' : undefined,
  );
  let serving;
  try {
    const share = serviceSharePassword(
      process.env,
      passwordFile === undefined
        ? undefined
        : { path: passwordFile, stdin: passwordFile === '-' ? await io.readStdin() : undefined },
    );
    if (share.warning) io.stderr(`mdsync server: warning: ${share.warning}\n`);
    serving = await serve({
      mode: 'server',
      dataDir,
      host,
      port,
      tls: values['tls-cert'] ? { certFile: values['tls-cert'], keyFile: values['tls-key']! } : undefined,
      sessions,
      maxConnectionsPerAddress: maxConnections,
      maxConnections: maxTotal,
      idleMs,
      imapWorkers,
      ...behind,
      rendererDir: rendererDir(),
      sharePassword: share.password,
      sharePasswordWarning: share.warning,
      database,
    });
  } catch (err) {
    if (err instanceof UserError) throw new CliError(err.message, err.code === 'config' ? 2 : 1);
    throw err;
  }
  io.stdout(
    `mdsync server: listening on ${serving.url} (certificate SHA-256 ${serving.certificate!.fingerprint256})` +
      (behind.publicUrls ? `, reached at ${behind.publicUrls.join(' ')}` : '') +
      '\n',
  );
  if (serving.setupCode) {
    // On the console only (never in the log): whoever runs the service claims it at first start.
    io.stdout(
      `mdsync server: first start: the administrator has no password yet; set it at ${serving.url} with the one-time code ${serving.setupCode} (or: mdsync users passwd admin --password-stdin)\n`,
    );
  }
  const code = await stopOnSignals(serving, (m) => io.stderr(`mdsync server: ${m}\n`));
  // Whatever a library left open (an IMAP socket closing) must not keep a stopped service alive.
  setTimeout(() => process.exit(code), 2000).unref();
  return code;
};

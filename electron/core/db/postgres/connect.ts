/**
 * Connecting to PostgreSQL: the `postgres://user@host:port/db?sslmode=…` URL, the password kept
 * out of it, and every failure said in one sentence without the password or a stack.
 *
 * The URL is parsed here rather than by node-postgres, whose connection-string parsing would
 * overwrite an explicitly given password with the URL's (none). With no password given, the
 * driver looks in PGPASSWORD and the pgpass file itself.
 */
import type { ClientConfig } from 'pg';
import { UserError } from '../../../../shared/result';

/** The longest one statement may run (a 200,000-user first sync's largest takes a few seconds). */
export const STATEMENT_TIMEOUT_MS = 120_000;

/** sslmode values and what they ask of TLS. */
const SSL_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

/** A parsed database URL. */
export interface PgTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly sslmode: string;
  /** The URL as shown in messages: no password, ever. */
  readonly display: string;
}

/** True for a URL that names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url.trim());
}

/** Parses a `postgres://` URL; a password in it is refused (it would sit in argument lists and logs). */
export function parsePgUrl(raw: string): PgTarget {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new UserError('config', 'the database URL is not a URL; use postgres://user@host:port/database');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new UserError('config', 'the database URL must start with postgres://');
  if (u.password)
    throw new UserError(
      'config',
      'the database URL must not hold a password: use PGPASSWORD, a pgpass file or --database-password-stdin',
    );
  const user = decodeURIComponent(u.username);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!u.hostname || !user || !database)
    throw new UserError('config', 'the database URL needs a user, a host and a database: postgres://user@host:port/db');
  const port = u.port ? Number(u.port) : 5432;
  const sslmode = u.searchParams.get('sslmode') ?? 'prefer';
  if (!SSL_MODES.has(sslmode))
    throw new UserError('config', `sslmode ${sslmode} is not one of ${[...SSL_MODES].join(', ')}`);
  for (const key of u.searchParams.keys())
    if (key !== 'sslmode' && key !== 'sslrootcert')
      throw new UserError('config', `the database URL parameter ${key} is not supported (sslmode, sslrootcert are)`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return { host, port, user, database, sslmode, display: `postgres://${u.username}@${u.host}/${u.pathname.slice(1)}` };
}

/**
 * node-postgres settings for a target. `prefer`/`allow` use no TLS (node-postgres cannot fall
 * back); `require` encrypts without checking the certificate, as libpq does; `verify-ca` and
 * `verify-full` check it against `sslrootcert` or the system's CAs. `readOnly` makes every
 * connection's transactions read-only by default (default_transaction_read_only).
 */
export function pgConfig(
  target: PgTarget,
  password: string | undefined,
  sslrootcert?: string,
  readOnly = false,
): ClientConfig {
  const base: ClientConfig = {
    // No JIT: its compile time (100-150 ms) is spent on the short queries of a service, whose costs
    // a search over 100,000 users makes look large (a synchronization turns it on for itself). A
    // command that only reads: every transaction is read-only unless it says READ WRITE itself.
    options: readOnly ? '-c jit=off -c default_transaction_read_only=on' : '-c jit=off',
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    password,
    connectionTimeoutMillis: 10_000,
    application_name: 'mdsync',
    // No statement outlives its purpose (a client gone, a plan gone wrong): PostgreSQL cancels it.
    statement_timeout: STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: STATEMENT_TIMEOUT_MS,
  };
  switch (target.sslmode) {
    case 'require':
      return { ...base, ssl: { rejectUnauthorized: false } };
    case 'verify-ca':
      return { ...base, ssl: { ca: sslrootcert, rejectUnauthorized: true, checkServerIdentity: () => undefined } };
    case 'verify-full':
      return { ...base, ssl: { ca: sslrootcert, rejectUnauthorized: true, servername: target.host } };
    default:
      return { ...base, ssl: false };
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/** True when an error means the server went away or cannot be reached (the run may be retried later). */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  if (e.code && /^(08|57P0)/.test(e.code)) return true; // connection exception, admin shutdown
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(
    e.message ?? '',
  );
}

/**
 * Turns a driver error into one sentence for an administrator. UserErrors pass through. The
 * password is never part of what the driver says, but the URL shown is the display form anyway.
 */
export function pgError(err: unknown, target: PgTarget): Error {
  if (err instanceof UserError) return err;
  const e = err as { code?: string; message?: string };
  const where = `the PostgreSQL database ${target.display}`;
  if (isConnectionError(err))
    return new UserError(
      'unavailable',
      `the user database is unavailable: ${where} is unreachable or went away (${e.code ?? 'connection lost'}); nothing was changed`,
    );
  switch (e.code) {
    case '28P01':
    case '28000':
      return new UserError('config', `${where} refused the logon of ${target.user} (wrong or missing password)`);
    case '3D000':
      return new UserError('config', `${where} does not exist`);
    case '42501':
      return new UserError('config', `${where}: permission denied (${firstLine(e.message)})`);
    case '23505':
      return new UserError('exists', `${where}: ${firstLine(e.message)}`);
    case '25006':
      return new UserError(
        'readOnly',
        `${where} was opened read-only (a command that only reads) and refused a change; nothing was changed`,
      );
    case '57014':
      return new UserError(
        'unavailable',
        `${where} cancelled a statement that ran longer than ${STATEMENT_TIMEOUT_MS / 1000} s; nothing was changed`,
      );
    default:
      break;
  }
  if (/password must be a string|no password|SASL/i.test(e.message ?? ''))
    return new UserError(
      'config',
      `${where} wants a password: set PGPASSWORD, use a pgpass file or --database-password-stdin`,
    );
  if (/self.signed|certificate|SSL|TLS/i.test(e.message ?? ''))
    return new UserError('config', `${where}: TLS failed (${firstLine(e.message)})`);
  return err instanceof Error ? err : new Error(String(err));
}

function firstLine(s: string | undefined): string {
  return (s ?? 'error').split('\n')[0] ?? 'error';
}

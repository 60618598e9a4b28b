/**
 * The SMB client the product uses: our SMB 2/3 client (smb2-client.ts) behind a small
 * interface, with timeouts, one operation at a time, reconnects and error mapping.
 *
 * This wrapper: runs one operation at a time; bounds every operation by an inactivity timeout
 * (no byte from the server for `timeoutMs`), which also bounds connecting to a silent or
 * firewalled host; throws away the connection after any failure that may have left it in an
 * unknown state and reconnects on the next call; retries STATUS_PENDING and a connection the
 * server closed while idle; and maps every failure to a UserError via smb-errors.ts. The
 * password lives only in the client object's private field: it is not a property of anything
 * this module returns or throws.
 */
import type { Socket } from 'node:net';
import { Smb2Client } from './smb2-client';
import { errorCode, SmbTransportError, toSmbUserError, type SmbErrorContext, type SmbFailureSite } from './smb-errors';

/** Read-only access to one SMB share; paths are inside the share, `\`-separated, '' is the root. */
export interface SmbClient {
  /** The file's bytes, or null when it does not exist. */
  readFile(pathInShare: string): Promise<Buffer | null>;
  /** Size and modification time, or null when the file does not exist. */
  stat(pathInShare: string): Promise<{ size: number; mtimeMs: number } | null>;
  /** Names in a folder (without `.` and `..`); UserError('notFound') when the folder does not exist. */
  list(dirInShare: string): Promise<string[]>;
  /** Drops the connection; a later call connects again. */
  close(): Promise<void>;
}

/** Where and as whom to connect. */
export interface SmbConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly share: string;
  /** NTLM domain of the share user; '' for none (a standalone server's local account). */
  readonly domain: string;
  readonly userName: string;
  readonly password: string;
  /** Fail when the server sends nothing for this long during an operation; default 5000 ms. */
  readonly timeoutMs?: number;
}

/** The protocol client we drive (a fake in unit tests). */
export interface SmbLibClient {
  readonly socket?: Pick<Socket, 'on' | 'off' | 'destroy' | 'connecting'>;
  readonly connected?: boolean;
  stat(path: string): Promise<{ size: number; mtime: Date }>;
  readdir(path: string): Promise<string[]>;
  /** The whole file; a file that shrinks while being read gives what there was. */
  readFile(path: string): Promise<Buffer>;
}

/** Creates a protocol client; injected in tests. */
export type SmbLibFactory = (o: SmbConnectOptions) => SmbLibClient;

/** The default inactivity timeout. */
export const DEFAULT_SMB_TIMEOUT_MS = 5000;
const MAX_ATTEMPTS = 3;
const NOT_FOUND = new Set(['STATUS_OBJECT_NAME_NOT_FOUND', 'STATUS_OBJECT_PATH_NOT_FOUND']);

/** Our SMB 2/3 client: NTLMv2 with the domain, signing, SMB 3 encryption when required. */
export const smb2Factory: SmbLibFactory = (o) =>
  new Smb2Client({
    host: o.host,
    port: o.port,
    share: o.share,
    domain: o.domain,
    userName: o.userName,
    password: o.password,
  });

/** Library failures are Errors; anything else becomes a code-less Error (its text is never shown). */
function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error('non-Error failure');
}

/** Runs `work`, failing with SmbTransportError when the socket is silent for timeoutMs or closes. */
function guard<T>(lib: SmbLibClient, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const socket = lib.socket;
    let done = false;
    const finish = (error: unknown, value?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket?.off('data', onData);
      socket?.off('end', onClose);
      socket?.off('close', onClose);
      if (error !== undefined) reject(asError(error));
      else resolve(value as T);
    };
    const timer = setTimeout(
      () => finish(new SmbTransportError('SMB_TIMEOUT', socket?.connecting ?? false)),
      timeoutMs,
    );
    const onData = () => timer.refresh();
    // Deferred so that a socket error (ECONNREFUSED, ECONNRESET), reported just before 'close', wins.
    const onClose = () => setImmediate(() => finish(new SmbTransportError('SMB_CLOSED')));
    socket?.on('data', onData);
    socket?.on('end', onClose);
    socket?.on('close', onClose);
    work().then(
      (v) => finish(undefined, v),
      (e: unknown) => finish(e ?? new Error('SMB operation failed')),
    );
  });
}

/**
 * An SmbClient for one share. Connects lazily on the first call.
 *
 * `createLib` is the seam for unit tests; production uses our SMB 2/3 client.
 */
export function connectSmb(o: SmbConnectOptions, createLib: SmbLibFactory = smb2Factory): SmbClient {
  const timeoutMs = o.timeoutMs ?? DEFAULT_SMB_TIMEOUT_MS;
  const ctx: SmbErrorContext = { ...o, timeoutMs };
  let lib: SmbLibClient | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const drop = (c: SmbLibClient) => {
    if (lib === c) lib = undefined;
    c.socket?.destroy();
  };

  /** A connection the server closes while we are idle is replaced on the next call. */
  const watch = (c: SmbLibClient) => {
    const forget = () => {
      if (lib === c) lib = undefined;
    };
    c.socket?.on('end', forget);
    c.socket?.on('close', forget);
    return c;
  };

  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  /** Runs one client call with timeout, reconnect and retry; maps failures (except `keep` codes) to UserErrors. */
  const call = <T>(
    site: Omit<SmbFailureSite, 'phase'> & { phase: 'file' | 'dir' },
    fn: (c: SmbLibClient) => Promise<T>,
  ) =>
    serial(async () => {
      for (let attempt = 1; ; attempt++) {
        const c = (lib ??= watch(createLib(o)));
        const wasConnected = c.connected === true;
        try {
          return await guard(c, timeoutMs, () => fn(c));
        } catch (e) {
          const code = errorCode(e);
          const connectedNow = c.connected === true;
          const transport = e instanceof SmbTransportError || !code?.startsWith('STATUS_');
          if (!connectedNow || transport || code === 'STATUS_PENDING') drop(c);
          const staleConnection =
            wasConnected && transport && !(e instanceof SmbTransportError && e.code === 'SMB_TIMEOUT');
          if (attempt < MAX_ATTEMPTS && (code === 'STATUS_PENDING' || staleConnection)) continue;
          if (code !== undefined && NOT_FOUND.has(code) && connectedNow && site.phase === 'file') throw e;
          throw toSmbUserError(e, ctx, { ...site, phase: connectedNow ? site.phase : 'connect' });
        }
      }
    });

  const nullIfMissing = async <T>(p: Promise<T>): Promise<T | null> => {
    try {
      return await p;
    } catch (e) {
      const code = errorCode(e);
      if (code !== undefined && NOT_FOUND.has(code)) return null;
      throw e;
    }
  };

  return {
    readFile: (path) => nullIfMissing(call({ phase: 'file', path }, (c) => c.readFile(path))),
    stat: (path) =>
      nullIfMissing(
        call({ phase: 'file', path }, async (c) => {
          const s = await c.stat(path);
          return { size: s.size, mtimeMs: s.mtime.getTime() };
        }),
      ),
    list: (dir) => call({ phase: 'dir', path: dir }, (c) => c.readdir(dir)),
    close: () =>
      serial(() => {
        if (lib) drop(lib);
        return Promise.resolve();
      }),
  };
}

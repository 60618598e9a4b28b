/**
 * The logon sessions shared by every server on one database, as the port names them
 * (ArchiveRepository.sessionTable): made, found, seen, ended, and their ends and page events
 * announced to every server. PostgreSQL keeps one (postgres/sessions.ts); the embedded store none.
 */

/** A session as the table keeps it. */
export interface StoredSession {
  readonly userName: string;
  readonly clientAddress: string;
  readonly createdAt: number;
  readonly lastSeen: number;
}

/** An end heard from the database: one session (by hash) or every session of a user. */
export type EndNotice =
  | { readonly idHash: string; readonly reason: string }
  | { readonly userName: string; readonly reason: string; readonly from: string; readonly keep?: string };

/** An event for the pages, from another server. */
export interface BusEvent {
  readonly from: string;
  readonly event: string;
  readonly payload: unknown;
}

/** The session table and its notifications. */
export interface SessionTable {
  create(idHash: string, s: StoredSession): Promise<void>;
  /** A live session by hash, or null (unknown or ended). */
  find(idHash: string): Promise<StoredSession | null>;
  seen(idHash: string, at: number): Promise<void>;
  end(idHash: string, reason: string, at: number): Promise<void>;
  /** Ends a user's sessions but `keep` (a hash); `from` names the server, told in the notice. */
  endUser(userName: string, reason: string, at: number, from: string, keep?: string): Promise<void>;
  /** Ends sessions unused for `idleMs` or older than `lifetimeMs`; returns how many. */
  expire(now: number, idleMs: number, lifetimeMs: number): Promise<number>;
  /** Sessions ended since `since` (the safety net when a notification was missed). */
  endedSince(since: number): Promise<{ idHash: string; reason: string }[]>;
  publish(e: BusEvent): Promise<void>;
  /**
   * The key every server on the database signs with for `name` (the device cookies): the first
   * server's `offered` key, kept in the database, so that what one server signed the others accept.
   */
  sharedKey(name: string, offered: Buffer): Promise<Buffer>;
  /** Listens for ends and events until the returned stop is called. */
  listen(onEnd: (n: EndNotice) => void, onEvent: (e: BusEvent) => void): () => Promise<void>;
}

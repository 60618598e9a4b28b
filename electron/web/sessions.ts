/**
 * Server-side logon sessions of the web carrier: what the session cookie (or bearer) points at.
 *
 * A logon creates a fresh session with a new random id (no fixation); the id is all the browser
 * holds. A session ends on Log off, after an idle time, at the end of its absolute lifetime, or
 * when the services end its user's sessions (deleted, lost the logon privilege: they clear
 * `session.user`, which this store then treats as ended). Sockets attached to a session hear
 * when it ends so they can tell their page.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import type { Session } from '../app/session';
import { DEVICE_COOKIE, DEVICE_LIFETIME_MS } from '../core/auth/device-cookie';
import { readCookie } from './policy';

/** One logged-on browser (or desktop client). */
export interface ServerSession {
  readonly id: string;
  /** The registry's session object, shared by every socket and call of this session. */
  readonly session: Session;
  readonly clientAddress: string;
  readonly createdAt: number;
  lastSeen: number;
}

/** Lifetimes of sessions. */
export interface SessionLimits {
  /** Ends a session unused this long (default 30 minutes). */
  readonly idleMs: number;
  /** Ends a session this long after logon, used or not (default 12 hours). */
  readonly lifetimeMs: number;
  /** Sessions kept at most; the least recently used goes first (default 10,000). */
  readonly maxSessions: number;
  /** Sessions of one user kept at most, so one user cannot push everyone out (default 20). */
  readonly maxPerUser?: number;
}

/** The defaults: 30 minutes idle, 12 hours in all. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  idleMs: 30 * 60_000,
  lifetimeMs: 12 * 3_600_000,
  maxSessions: 10_000,
};

type EndListener = (reason: string) => void;

/**
 * Where a store shares its sessions with other servers (shared-sessions.ts): told of each session
 * made, used and ended by a person's act (logoff, a new logon). Expiry and a server's stop end
 * sessions here only; the shared store judges expiry for all servers itself. Each hook returns
 * its write (which never rejects), so that a logon or a logoff is answered only once every
 * server can see it.
 */
export interface SessionSharing {
  created(entry: ServerSession): Promise<void>;
  touched(entry: ServerSession): Promise<void>;
  ended(entry: ServerSession, reason: string): Promise<void>;
}

/** The sessions of one server. */
export class SessionStore {
  private readonly byId = new Map<string, ServerSession>();
  private readonly listeners = new Map<string, Set<EndListener>>();
  private readonly releases = new Map<string, () => void>();
  private readonly timer: NodeJS.Timeout;
  /** The idle time as last asked. */
  private idleNow: number;
  /** The shared store, with PostgreSQL (set once by the server). */
  sharing: SessionSharing | null = null;
  /** The shared store's writes not yet done, by session id (made or ended by a person's act). */
  private readonly writes = new Map<string, Promise<void>>();

  /**
   * `idleMs`, when given, is asked for the idle time instead of `limits.idleMs`: the service's
   * setting, which an administrator may change while it runs. It is asked at each sweep (at
   * most every 30 s) and kept in between, not at every call a session makes.
   */
  constructor(
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly idleMs: () => number = () => limits.idleMs,
  ) {
    this.idleNow = this.currentIdleMs();
    const every = Math.max(250, Math.min(30_000, Math.floor(this.idleNow / 4)));
    this.timer = setInterval(() => this.sweep(), every);
    this.timer.unref();
  }

  /** The idle time in force now (the setting's, or the fixed limit). */
  get idleTimeMs(): number {
    return this.currentIdleMs();
  }

  /** The absolute lifetime of sessions. */
  get lifetimeMs(): number {
    return this.limits.lifetimeMs;
  }

  /** Number of live sessions. */
  get size(): number {
    return this.byId.size;
  }

  /**
   * Creates a session for a user who just logged on; returns it with its new id. `release` runs
   * when it ends, however it ends (the services stop following it).
   */
  create(session: Session, clientAddress: string, release?: () => void): ServerSession {
    // One user's oldest session goes first when that user holds too many: it never pushes others out.
    const name = session.user?.userName.toLowerCase();
    const own = name ? [...this.byId.values()].filter((e) => e.session.user?.userName.toLowerCase() === name) : [];
    for (let i = 0; i <= own.length - (this.limits.maxPerUser ?? 20); i++) {
      this.end(own[i]!.id, 'too many sessions of this user');
    }
    while (this.byId.size >= this.limits.maxSessions) {
      const oldest = this.byId.keys().next();
      if (oldest.done) break;
      this.end(oldest.value, 'too many sessions on the server', 'here');
    }
    const t = this.now();
    const entry: ServerSession = {
      id: crypto.randomBytes(32).toString('base64url'),
      session,
      clientAddress,
      createdAt: t,
      lastSeen: t,
    };
    this.byId.set(entry.id, entry);
    if (release) this.releases.set(entry.id, release);
    this.record(entry.id, this.sharing?.created(entry));
    return entry;
  }

  /**
   * Resolves once the shared store holds what this server did to the session `id` (made, ended),
   * so that the next connection, whichever server it reaches, finds it so; at once without one.
   */
  recorded(id: string): Promise<void> {
    return this.writes.get(id) ?? Promise.resolve();
  }

  private record(id: string, write: Promise<void> | undefined): void {
    if (!write) return;
    const done = write.finally(() => {
      if (this.writes.get(id) === done) this.writes.delete(id);
    });
    this.writes.set(id, done);
  }

  /** Takes in a live session another server made (read from the shared store). */
  adopt(entry: ServerSession, release?: () => void): void {
    if (this.byId.has(entry.id)) return;
    this.byId.set(entry.id, entry);
    if (release) this.releases.set(entry.id, release);
  }

  /** Whether this server holds the session now. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The live session of an id, or null (unknown, ended, or expired: then it is ended now). */
  get(id: string | null | undefined): ServerSession | null {
    if (!id) return null;
    const entry = this.byId.get(id);
    if (!entry) return null;
    const why = this.expiry(entry);
    if (why === false) return entry;
    this.end(id, why, 'here');
    return null;
  }

  /** Marks a session used now (keeps it from going idle); false when it has ended. */
  touch(entry: ServerSession): boolean {
    if (!this.get(entry.id)) return false;
    entry.lastSeen = this.now();
    void this.sharing?.touched(entry);
    // Most recently used last, so eviction takes the least recently used.
    this.byId.delete(entry.id);
    this.byId.set(entry.id, entry);
    return true;
  }

  /** Hears when the session ends; returns the unsubscribe. */
  onEnd(id: string, listener: EndListener): () => void {
    const set = this.listeners.get(id) ?? new Set<EndListener>();
    set.add(listener);
    this.listeners.set(id, set);
    return () => set.delete(listener);
  }

  /**
   * Ends a session: its user is cleared and its sockets are told why (`reason` null: they were
   * told already, by the services ending a deleted user's sessions). `scope` `here`: on this server
   * only (expiry, the server stops), not in the shared store.
   */
  end(id: string, reason: string | null, scope: 'everywhere' | 'here' = 'everywhere'): void {
    const entry = this.byId.get(id);
    if (entry && scope === 'everywhere' && reason !== null) this.record(id, this.sharing?.ended(entry, reason));
    this.byId.delete(id);
    const listeners = this.listeners.get(id);
    this.listeners.delete(id);
    const release = this.releases.get(id);
    this.releases.delete(id);
    release?.();
    if (!entry) return;
    entry.session.user = null;
    if (reason !== null) for (const l of listeners ?? []) l(reason);
  }

  /** Ends every session (the server stops). */
  closeAll(reason: string): void {
    for (const id of [...this.byId.keys()]) this.end(id, reason, 'here');
    clearInterval(this.timer);
  }

  /** Ends sessions that went idle or outlived their lifetime. */
  sweep(): void {
    this.idleNow = this.currentIdleMs();
    for (const entry of [...this.byId.values()]) {
      const why = this.expiry(entry);
      if (why !== false) this.end(entry.id, why, 'here');
    }
  }

  /** The idle time now; the fixed limit when the source fails or gives nonsense. */
  private currentIdleMs(): number {
    try {
      const ms = this.idleMs();
      return Number.isFinite(ms) && ms > 0 ? ms : this.limits.idleMs;
    } catch {
      return this.limits.idleMs;
    }
  }

  private expiry(entry: ServerSession): string | null | false {
    const t = this.now();
    const idleMs = this.idleNow;
    if (entry.session.user === null) return null; // ended by the services, who told its sockets
    if (t - entry.lastSeen >= idleMs) return `no activity for ${describe(idleMs)}`;
    if (t - entry.createdAt >= this.limits.lifetimeMs)
      return `the session is older than ${describe(this.limits.lifetimeMs)}`;
    return false;
  }
}

function describe(ms: number): string {
  if (ms % 3_600_000 === 0) return plural(ms / 3_600_000, 'hour');
  if (ms % 60_000 === 0) return plural(ms / 60_000, 'minute');
  return plural(Math.round(ms / 1000), 'second');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A logon's device cookie: what the browser presented, and the Set-Cookie of a new one once issued. */
export interface DeviceSlot {
  readonly presented: string | null;
  issue(value: string): void;
  /** The Set-Cookie header value, once a cookie was issued. */
  readonly issued: string | null;
}

/**
 * The device cookie of a logon request (the network service: HttpOnly, Secure, SameSite=Strict,
 * `__Host-`; browser mode keeps none, being one person on loopback).
 */
export function deviceSlot(req: http.IncomingMessage, network: boolean): DeviceSlot {
  let issued: string | null = null;
  return {
    presented: network ? readCookie(req, DEVICE_COOKIE) : null,
    issue(value) {
      if (!network || !/^[A-Za-z0-9_.-]+$/.test(value)) return;
      issued = `${DEVICE_COOKIE}=${value}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=${Math.floor(DEVICE_LIFETIME_MS / 1000)}`;
    },
    get issued() {
      return issued;
    },
  };
}

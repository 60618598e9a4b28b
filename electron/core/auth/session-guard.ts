/**
 * Authorization at every call: a session is bound to a user's id and identity stamp at logon, and
 * each call that needs a logged-on user is checked against the user's *current* state in the
 * store (exists, same identity and credentials, may still log on). Privileges are taken from the
 * store, not from what was copied at logon; a renamed user's session follows the id (re-keyed).
 *
 * States are cached per user for `ttlMs` and refreshed for every followed session by a sweep every
 * `sweepMs`, so a change made by another process (the CLI on the SQLite file, another server on
 * PostgreSQL) bites within about a second, and the open pages are told at once. Changes made in
 * this process call `refresh()` and bite immediately. A store-backed session store (sessions in
 * PostgreSQL) plugs in through {@link SessionRevoker}: it hears every session this guard ends.
 */
import type { SessionUser } from '../../../shared/model';
import type { AuthState } from '../db/port';

/** A session as the carriers share it: its user, cleared when it ends. */
export interface GuardedSession {
  user: SessionUser | null;
}

/** Tells one page (socket) of a session that it ended. */
export type EndedEmit = (event: 'session:ended', payload: { reason: string }) => void;

/** Told when the guard ends sessions (a store of sessions shared by servers revokes them too). */
export interface SessionRevoker {
  endSessionsOf(userName: string, reason: string): void;
}

/** What the guard reads and how it tells the administrator. */
export interface SessionGuardDeps {
  getAuthState(userName: string): Promise<AuthState | null>;
  getAuthStates(ids: readonly number[]): Promise<AuthState[]>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  now?: () => number;
  /** How long a user's state read from the store is trusted (default 750 ms). */
  ttlMs?: number;
  /** How often every followed session is re-checked (default 500 ms; 0: never, tests call sweep()). */
  sweepMs?: number;
  revoker?: SessionRevoker;
}

interface Binding {
  readonly id: number;
  readonly stamp: string;
}

/** Why a bound session may no longer be used, or null when it still may. */
function verdict(b: Binding, state: AuthState | null): string | null {
  if (!state) return 'your user was deleted';
  if (state.stamp !== b.stamp) return 'your password or your way of logging on was changed';
  if (!mayLogOn(state)) return 'you may no longer log on';
  return null;
}

function mayLogOn(state: AuthState): boolean {
  return state.privileges.includes('login') || state.privileges.includes('admin');
}

function userOf(state: AuthState): SessionUser {
  return {
    userName: state.userName,
    fullName: state.fullName,
    authentication: state.authentication,
    privileges: [...state.privileges],
  };
}

/** Binds sessions to users and checks them at every call. */
export class SessionGuard {
  private readonly bindings = new WeakMap<GuardedSession, Binding>();
  private readonly followed = new Map<GuardedSession, Set<EndedEmit>>();
  private readonly cache = new Map<number, { state: AuthState | null; at: number; seq: number }>();
  /** Cache writes so far: a sweep keeps a state cached after its query went out. */
  private cacheWrites = 0;
  private readonly timer: NodeJS.Timeout | null;
  private sweeping: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly ttlMs: number;

  constructor(private readonly deps: SessionGuardDeps) {
    this.now = deps.now ?? Date.now;
    this.ttlMs = deps.ttlMs ?? 750;
    const every = deps.sweepMs ?? 500;
    this.timer = every > 0 ? setInterval(() => void this.sweep().catch(() => undefined), every) : null;
    this.timer?.unref();
  }

  /** Binds a session to a user who just logged on (or set a password); false when it may not log on. */
  bind(session: GuardedSession, state: AuthState | null): boolean {
    if (!state || !mayLogOn(state)) {
      session.user = null;
      return false;
    }
    this.bindings.set(session, { id: state.id, stamp: state.stamp });
    this.cacheState(state.id, state, this.now());
    session.user = userOf(state);
    return true;
  }

  /** Binds a session to the user named so, as the store has it now. */
  async bindByName(session: GuardedSession, userName: string): Promise<boolean> {
    return this.bind(session, await this.deps.getAuthState(userName));
  }

  /**
   * The session's user as the store has it now (privileges, name after a rename), or null when the
   * session may no longer be used: then it is ended, and its pages are told why.
   */
  async authorize(session: GuardedSession): Promise<SessionUser | null> {
    if (!session.user) return null;
    const b = this.bindings.get(session);
    if (!b) {
      // A session made before binding existed here (first start): bind it to the name it holds.
      const state = await this.deps.getAuthState(session.user.userName);
      if (this.bind(session, state)) return session.user;
      this.end(session, state ? 'you may no longer log on' : 'your user was deleted');
      return null;
    }
    const hit = this.cache.get(b.id);
    const state = hit && this.now() - hit.at < this.ttlMs ? hit.state : await this.load(b.id);
    const why = verdict(b, state);
    if (why !== null || !state) {
      this.end(session, why ?? 'your user was deleted');
      return null;
    }
    // The session keeps its object (every socket shares it); only what it says is refreshed.
    if (session.user) session.user = userOf(state);
    return session.user;
  }

  /** Follows a session for pushes (one call per page or socket); returns the release. */
  follow(session: GuardedSession, emit: EndedEmit): () => void {
    const emits = this.followed.get(session) ?? new Set<EndedEmit>();
    emits.add(emit);
    this.followed.set(session, emits);
    return () => {
      emits.delete(emit);
      if (emits.size === 0 && this.followed.get(session) === emits) this.followed.delete(session);
    };
  }

  /** Ends every followed session of a user (by name, case-insensitive), but `except`. */
  endSessionsOf(userName: string, reason: string, except?: GuardedSession): void {
    const key = userName.toLowerCase();
    for (const session of [...this.followed.keys()]) {
      if (session !== except && session.user?.userName.toLowerCase() === key) this.end(session, reason);
    }
    this.deps.revoker?.endSessionsOf(userName, reason);
  }

  /** Forgets cached states and re-checks every followed session now (after a change in this process). */
  async refresh(): Promise<void> {
    this.cache.clear();
    await this.sweep(true);
  }

  /** Re-checks every followed session against the store (one query); ends those that may no longer be used. */
  sweep(force = false): Promise<void> {
    if (this.sweeping && !force) return this.sweeping;
    const run = this.check().finally(() => {
      if (this.sweeping === run) this.sweeping = null;
    });
    this.sweeping = run;
    return run;
  }

  /** Stops the periodic sweep. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    // The sessions judged are those bound when the query went out, to the binding they had then: a
    // session bound (logged on) or bound again (its own password changed) while the query is out
    // was bound to a state read after it, which the answer may not hold or may hold older.
    const judged = new Map<GuardedSession, Binding>();
    for (const session of this.followed.keys()) {
      const b = session.user ? this.bindings.get(session) : undefined;
      if (b) judged.set(session, b);
    }
    const ids = new Set([...judged.values()].map((b) => b.id));
    if (ids.size === 0) return;
    const at = this.now();
    const asked = this.cacheWrites;
    const states = new Map((await this.deps.getAuthStates([...ids])).map((s) => [s.id, s]));
    for (const id of ids) {
      // A state cached meanwhile (a bind) is newer than this answer: it stays.
      if ((this.cache.get(id)?.seq ?? -1) < asked) this.cacheState(id, states.get(id) ?? null, at);
    }
    for (const [session, b] of judged) {
      if (!this.followed.has(session) || this.bindings.get(session) !== b || !session.user) continue;
      const state = states.get(b.id) ?? null;
      const why = verdict(b, state);
      if (why !== null) this.end(session, why);
      else if (state && session.user) session.user = userOf(state);
    }
    // States of users no session follows any more are dropped.
    const live = new Set<number>();
    for (const session of this.followed.keys()) {
      const b = session.user ? this.bindings.get(session) : undefined;
      if (b) live.add(b.id);
    }
    for (const id of this.cache.keys()) if (!live.has(id)) this.cache.delete(id);
  }

  /** Caches a user's state, numbered in the order cached. */
  private cacheState(id: number, state: AuthState | null, at: number): void {
    this.cache.set(id, { state, at, seq: this.cacheWrites++ });
  }

  private async load(id: number): Promise<AuthState | null> {
    const asked = this.cacheWrites;
    const [state] = await this.deps.getAuthStates([id]);
    if ((this.cache.get(id)?.seq ?? -1) < asked) this.cacheState(id, state ?? null, this.now());
    return state ?? null;
  }

  private end(session: GuardedSession, reason: string): void {
    const name = session.user?.userName;
    session.user = null;
    this.bindings.delete(session);
    const emits = this.followed.get(session);
    if (name) this.deps.log('info', `session of ${JSON.stringify(name)} ended: ${reason}`);
    for (const emit of emits ?? []) emit('session:ended', { reason });
  }
}

/**
 * Sessions shared by every server on one PostgreSQL database: the bridge between this server's
 * SessionStore (which answers each call from memory) and the session table (core/db/postgres/sessions.ts).
 *
 * A session made here is written to the table (a hash of its id); an id this server does not
 * know is looked up there and, when live, taken in and bound to its user's current state (the
 * session guard decides whether that user may still log on). Its use is written back at most
 * every few seconds; a log off or a new logon ends it in the table, and the notice ends it on
 * every server, whose pages are told. Idle and lifetime limits are judged on the table by every
 * server every few seconds, so a session busy on one server does not go idle on another.
 * Events the pages show (a synchronization's progress) travel between servers the same way.
 */
import crypto from 'node:crypto';
import type { SessionTable, EndNotice, BusEvent } from '../core/db/session-table';
import type { Logger } from '../core/logger';
import type { Session } from '../app/session';
import type { ServerSession, SessionStore } from './sessions';

/** What the sharing needs from the services. */
export interface SharedSessionDeps {
  readonly table: SessionTable;
  readonly logger: Logger;
  /** Binds a taken-in session to its user as the store has it now; false when the user may not log on. */
  bind(session: Session, userName: string): Promise<boolean>;
  /** Follows a taken-in session (the services' pushes); returns its release. */
  follow?(session: Session): () => void;
  /** Shows an event from another server to this server's pages. */
  show(event: string, payload: unknown): void;
  /** The idle time and the lifetime now. */
  limits(): { idleMs: number; lifetimeMs: number };
  now?: () => number;
  /** How often the table's expiry and the missed-notice re-check run (default 2 s). */
  checkEveryMs?: number;
}

/** The hash a session id is kept under. */
export function sessionHash(id: string): string {
  return crypto.createHash('sha256').update(id).digest('base64url');
}

function describe(ms: number): string {
  const min = Math.round(ms / 60_000);
  return min >= 1 ? `${min} minute${min === 1 ? '' : 's'}` : `${Math.round(ms / 1000)} seconds`;
}

/** Shares a server's sessions through the table. */
export class SharedSessions {
  /** This server, so that it does not show its own events twice. */
  readonly serverId = crypto.randomBytes(8).toString('hex');
  private readonly ids = new Map<string, string>();
  private readonly written = new Map<string, number>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly turns = new Map<string, Promise<void>>();
  private readonly timer: NodeJS.Timeout;
  private readonly stopListening: () => Promise<void>;
  private readonly now: () => number;
  private checkedAt: number;

  constructor(
    private readonly store: SessionStore,
    private readonly deps: SharedSessionDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.checkedAt = this.now();
    const fail = (what: string) => (err: unknown) =>
      deps.logger.log('warn', `shared sessions: ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    store.sharing = {
      created: (entry) => {
        this.ids.set(sessionHash(entry.id), entry.id);
        this.written.set(entry.id, entry.lastSeen);
        const stored = {
          userName: entry.session.user?.userName ?? '',
          clientAddress: entry.clientAddress,
          createdAt: entry.createdAt,
          lastSeen: entry.lastSeen,
        };
        return this.inTurn(
          entry.id,
          () => deps.table.create(sessionHash(entry.id), stored),
          fail('recording a session'),
        );
      },
      touched: (entry) => {
        const last = this.written.get(entry.id) ?? 0;
        if (entry.lastSeen - last < this.seenEveryMs()) return Promise.resolve();
        this.written.set(entry.id, entry.lastSeen);
        const at = entry.lastSeen;
        return this.inTurn(
          entry.id,
          () => deps.table.seen(sessionHash(entry.id), at),
          fail('recording a session’s use'),
        );
      },
      ended: (entry, reason) => {
        const at = this.now();
        return this.inTurn(entry.id, () => deps.table.end(sessionHash(entry.id), reason, at), fail('ending a session'));
      },
    };
    this.stopListening = deps.table.listen(
      (n) => this.heard(n),
      (e) => this.event(e),
    );
    this.timer = setInterval(() => void this.check().catch(fail('the session check')), deps.checkEveryMs ?? 2000);
    this.timer.unref();
  }

  /**
   * Runs one session's writes one after the other (an end never overtakes the row's insert, which
   * would leave it live in the table); the returned write never rejects (`failed` hears why).
   */
  private inTurn(id: string, write: () => Promise<void>, failed: (err: unknown) => void): Promise<void> {
    const done = (this.turns.get(id) ?? Promise.resolve()).then(write).catch(failed);
    this.turns.set(id, done);
    void done.then(() => {
      if (this.turns.get(id) === done) this.turns.delete(id);
    });
    return done;
  }

  /** Use is written at most this often: a quarter of the idle time, at most 15 s. */
  private seenEveryMs(): number {
    return Math.min(15_000, Math.floor(this.deps.limits().idleMs / 4));
  }

  /** Makes sure a session id another server made is known here (when it is live); never throws. */
  load(id: string | null): Promise<void> {
    if (!id || this.store.has(id)) return Promise.resolve();
    const running = this.loading.get(id);
    if (running) return running;
    const p = this.take(id)
      .catch((err: unknown) =>
        this.deps.logger.log(
          'warn',
          `shared sessions: a lookup failed: ${err instanceof Error ? err.message : String(err)}`,
        ),
      )
      .finally(() => this.loading.delete(id));
    this.loading.set(id, p);
    return p;
  }

  private async take(id: string): Promise<void> {
    const hash = sessionHash(id);
    const found = await this.deps.table.find(hash);
    if (!found || this.store.has(id)) return;
    const { idleMs, lifetimeMs } = this.deps.limits();
    const t = this.now();
    if (t - found.lastSeen >= idleMs || t - found.createdAt >= lifetimeMs) return; // the check ends it
    const session: Session = { user: null };
    if (!(await this.deps.bind(session, found.userName))) {
      await this.deps.table.end(hash, 'you may no longer log on', t);
      return;
    }
    const entry: ServerSession = {
      id,
      session,
      clientAddress: found.clientAddress,
      createdAt: found.createdAt,
      lastSeen: t,
    };
    this.ids.set(hash, id);
    this.written.set(id, found.lastSeen);
    this.store.adopt(entry, this.deps.follow?.(session));
  }

  /** Ends a user's sessions on every server (deleted, demoted, password reset: the session guard's revoker). */
  endUser(userName: string, reason: string, except?: Session): Promise<void> {
    let keep: string | undefined;
    for (const [hash, id] of this.ids) if (except && this.store.get(id)?.session === except) keep = hash;
    return this.deps.table.endUser(userName, reason, this.now(), this.serverId, keep).catch((err: unknown) => {
      this.deps.logger.log('warn', `shared sessions: ending a user's sessions failed: ${(err as Error).message}`);
    });
  }

  /** Publishes an event for the pages of the other servers. */
  publish(event: string, payload: unknown): void {
    void this.deps.table.publish({ from: this.serverId, event, payload }).catch(() => undefined);
  }

  private heard(n: EndNotice): void {
    if ('idHash' in n) {
      const id = this.ids.get(n.idHash);
      if (id) this.endHere(id, n.reason);
      return;
    }
    if (n.from === this.serverId) return; // this server's guard ended them already, but the one kept
    const key = n.userName.toLowerCase();
    for (const id of [...this.ids.values()]) {
      const entry = this.store.get(id);
      const hash = sessionHash(id);
      if (hash !== n.keep && entry?.session.user?.userName.toLowerCase() === key) this.endHere(id, n.reason);
    }
  }

  private endHere(id: string, reason: string): void {
    const { idleMs, lifetimeMs } = this.deps.limits();
    const text =
      reason === 'idle'
        ? `no activity for ${describe(idleMs)}`
        : reason === 'lifetime'
          ? `the session is older than ${describe(lifetimeMs)}`
          : reason;
    this.ids.delete(sessionHash(id));
    this.written.delete(id);
    this.store.end(id, text, 'here');
  }

  private event(e: BusEvent): void {
    if (e.from !== this.serverId) this.deps.show(e.event, e.payload);
  }

  /** Expiry for all servers, and ends whose notice was missed (the LISTEN connection was down). */
  private async check(): Promise<void> {
    const t = this.now();
    const { idleMs, lifetimeMs } = this.deps.limits();
    await this.deps.table.expire(t, idleMs, lifetimeMs);
    const since = this.checkedAt - 5000;
    this.checkedAt = t;
    for (const ended of await this.deps.table.endedSince(since)) {
      const id = this.ids.get(ended.idHash);
      if (id && this.store.has(id)) this.endHere(id, ended.reason);
    }
    for (const [hash, id] of this.ids) if (!this.store.has(id)) this.ids.delete(hash);
  }

  /** Stops sharing (the server stops; the table keeps the sessions for the other servers). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.store.sharing = null;
    await this.stopListening();
  }
}

/**
 * Shared sessions' writes: a logon or a logoff is recorded in the table before it is answered
 * (the next connection may reach another server), and one session's end never overtakes its
 * insert. The table here answers late on purpose, as a loaded database does; the real one is
 * exercised by load-balancer.int.test.ts and revocation-pg.int.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionTable, StoredSession } from '../core/db/session-table';
import type { SessionUser } from '../../shared/model';
import { SessionStore } from './sessions';
import { SharedSessions, sessionHash } from './shared-sessions';

const bob: SessionUser = { userName: 'bob', fullName: 'Bob', authentication: 'integrated', privileges: ['login'] };
const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A table in memory whose inserts take `insertMs`, its other writes none. */
function slowTable(insertMs: number) {
  const rows = new Map<string, StoredSession & { ended?: string }>();
  const table: SessionTable = {
    async create(hash, s) {
      await later(insertMs);
      rows.set(hash, { ...s });
    },
    find(hash) {
      const row = rows.get(hash);
      return Promise.resolve(row && !row.ended ? row : null);
    },
    async seen() {},
    end(hash, reason) {
      const row = rows.get(hash);
      if (row && !row.ended) row.ended = reason;
      return Promise.resolve();
    },
    async endUser() {},
    expire: () => Promise.resolve(0),
    endedSince: () => Promise.resolve([]),
    async publish() {},
    sharedKey: (_name, offered) => Promise.resolve(offered),
    listen: () => async () => {},
  };
  return { table, rows };
}

let stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const s of stops) await s();
  stops = [];
});

function server(table: SessionTable) {
  const store = new SessionStore();
  const shared = new SharedSessions(store, {
    table,
    logger: { log: () => undefined },
    bind: (session, userName) => {
      session.user = { ...bob, userName };
      return Promise.resolve(true);
    },
    show: () => undefined,
    limits: () => ({ idleMs: 60_000, lifetimeMs: 600_000 }),
    checkEveryMs: 60_000,
  });
  stops.push(
    () => shared.stop(),
    () => store.closeAll('test over'),
  );
  return { store, shared };
}

describe('shared sessions', () => {
  it('a session made on A is in the table once A may answer the logon, and B takes it at once', async () => {
    const { table, rows } = slowTable(50);
    const a = server(table);
    const b = server(table);
    const made = a.store.create({ user: { ...bob } }, '10.0.0.1');
    await a.store.recorded(made.id);
    expect(rows.has(sessionHash(made.id))).toBe(true);
    await b.shared.load(made.id);
    expect(b.store.get(made.id)?.session.user?.userName).toBe('bob');
  });

  it('a log off right after the logon ends the row, not before it is inserted', async () => {
    const { table, rows } = slowTable(50);
    const a = server(table);
    const made = a.store.create({ user: { ...bob } }, '10.0.0.1');
    a.store.end(made.id, 'you logged off');
    await a.store.recorded(made.id);
    expect(rows.get(sessionHash(made.id))?.ended).toBe('you logged off');
    const b = server(table);
    await b.shared.load(made.id);
    expect(b.store.has(made.id)).toBe(false);
  });

  it('a failed write is logged, never thrown at the caller', async () => {
    const { table } = slowTable(0);
    table.create = () => Promise.reject(new Error('the database is gone'));
    const a = server(table);
    const made = a.store.create({ user: { ...bob } }, '10.0.0.1');
    await expect(a.store.recorded(made.id)).resolves.toBeUndefined();
    expect(a.store.get(made.id)).not.toBeNull();
  });
});

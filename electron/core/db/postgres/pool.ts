/**
 * The PostgreSQL store's connections: one pool, a connection lent for a unit of work and
 * discarded (not returned) when it broke, transactions all or nothing, and the session advisory
 * locks of a synchronization and of the schedule. Every failure leaves here as a one-line
 * UserError (`pgError`).
 */
import type pg from 'pg';
import type { PoolClient } from 'pg';
import { type PgTarget, isConnectionError, pgError } from './connect';
import { LOCK_SPACE } from './schema';
import { busyError } from '../store-common';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How a transaction begins: the database's default, or read-write even on a read-only opening. */
export type Begin = 'BEGIN' | 'BEGIN READ WRITE';

/** The pool, the target it reaches (for messages) and the clock of the rows it writes. */
export class PgConnections {
  constructor(
    readonly pool: pg.Pool,
    readonly target: PgTarget,
    private readonly now: () => string,
  ) {}

  /** Runs `fn` on one connection; a connection that broke is discarded, not returned to the pool. */
  async withClient<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw pgError(err, this.target);
    }
    let broken: Error | undefined;
    // A checked-out connection the server drops emits 'error'; the query in flight fails too and
    // says so. Without a listener the event would end the process.
    const onError = (err: Error) => (broken = err);
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (err) {
      if (isConnectionError(err)) broken = err as Error;
      throw pgError(err, this.target);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** One transaction on a lent connection, all or nothing. */
  async tx<T>(client: PoolClient, fn: (c: PoolClient, now: string) => Promise<T>, begin: Begin = 'BEGIN'): Promise<T> {
    await client.query(begin);
    try {
      const result = await fn(client, this.now());
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** One transaction on a connection of its own. */
  transaction<T>(fn: (c: PoolClient, now: string) => Promise<T>, begin: Begin = 'BEGIN'): Promise<T> {
    return this.withClient((c) => this.tx(c, fn, begin));
  }

  /** Reads on whichever pooled connection is free. */
  async read<T>(fn: (db: pg.Pool) => Promise<T>): Promise<T> {
    try {
      return await fn(this.pool);
    } catch (err) {
      throw pgError(err, this.target);
    }
  }

  /** The parts a generator makes on one lent connection (a long list streamed). */
  async *stream(fn: (c: PoolClient) => AsyncIterable<string>): AsyncGenerator<string> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw pgError(err, this.target);
    }
    try {
      for await (const part of fn(client)) yield part;
    } catch (err) {
      throw pgError(err, this.target);
    } finally {
      client.release();
    }
  }

  /** Takes a session advisory lock, polling until `waitMs` has passed; then `busy`. */
  async lock(client: PoolClient, key: number, waitMs: number, pollMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await this.tryLock(client, key)) return;
      if (Date.now() >= deadline) throw busyError();
      await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
    }
  }

  /** Takes a session advisory lock if it is free. */
  async tryLock(client: PoolClient, key: number): Promise<boolean> {
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_SPACE, key]);
    return r.rows[0]?.ok === true;
  }

  /** Lets a session advisory lock go (quietly: a broken connection has let it go already). */
  async unlock(client: PoolClient, key: number): Promise<void> {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_SPACE, key]).catch(() => undefined);
  }
}

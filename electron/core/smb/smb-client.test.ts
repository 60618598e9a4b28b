import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../shared/result';
import { connectSmb, type SmbConnectOptions, type SmbLibClient } from './smb-client';

const PASSWORD = 'Top$ecret-pw';
const OPTS: SmbConnectOptions = {
  host: '127.0.0.1',
  port: 4450,
  share: 'mdapp',
  domain: '',
  userName: 'reader',
  password: PASSWORD,
  timeoutMs: 300,
};

class FakeSocket extends EventEmitter {
  connecting = false;
  destroyed = 0;
  destroy() {
    this.destroyed++;
    return this as never;
  }
}

type Behaviour = Partial<Pick<SmbLibClient, 'stat' | 'readdir'>> & { read?: (path: string) => Promise<Buffer> };

function statusError(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code} (0xC0000000) : something`), { code }, extra);
}

/** A factory of fake library clients; each created client gets the next behaviour. */
function fakes(...behaviours: Behaviour[]) {
  const created: { lib: SmbLibClient & { connected: boolean }; socket: FakeSocket }[] = [];
  const factory = () => {
    const b = behaviours[Math.min(created.length, behaviours.length - 1)] ?? {};
    const socket = new FakeSocket();
    const lib = {
      socket: socket as unknown as NonNullable<SmbLibClient['socket']>,
      connected: true,
      stat: b.stat ?? (() => Promise.resolve({ size: 3, mtime: new Date(1000) })),
      readdir: b.readdir ?? (() => Promise.resolve(['USERLIST.DAT'])),
      readFile: (path: string) => (b.read ?? (() => Promise.resolve(Buffer.from('abc'))))(path),
    };
    created.push({ lib, socket });
    return lib;
  };
  return { factory, created };
}

async function failure(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected a failure');
}

describe('connectSmb', () => {
  it('reads, stats and lists through the library', async () => {
    const { factory, created } = fakes({});
    const c = connectSmb(OPTS, factory);
    expect((await c.readFile('USERLIST.DAT'))?.toString()).toBe('abc');
    expect(await c.stat('USERLIST.DAT')).toEqual({ size: 3, mtimeMs: 1000 });
    expect(await c.list('')).toEqual(['USERLIST.DAT']);
    expect(created).toHaveLength(1);
    await c.close();
    expect(created[0]?.socket.destroyed).toBe(1);
  });

  it('retries STATUS_PENDING on a fresh connection', async () => {
    const { factory, created } = fakes({ read: () => Promise.reject(statusError('STATUS_PENDING')) }, {});
    const c = connectSmb(OPTS, factory);
    expect((await c.readFile('x'))?.toString()).toBe('abc');
    expect(created).toHaveLength(2);
    expect(created[0]?.socket.destroyed).toBe(1);
  });

  it('gives up on STATUS_PENDING after three attempts with a protocol error', async () => {
    const { factory, created } = fakes({ stat: () => Promise.reject(statusError('STATUS_PENDING')) });
    const e = await failure(connectSmb(OPTS, factory).stat('x'));
    expect(e.code).toBe('protocol');
    expect(e.message).toContain('STATUS_PENDING');
    expect(created).toHaveLength(3);
  });

  it('never lets the password out of a wrapped library error', async () => {
    const leaky = statusError('STATUS_SOMETHING_ODD', {
      message: `failed with ${PASSWORD}`,
      password: PASSWORD,
      params: { password: PASSWORD },
    });
    const { factory } = fakes({ read: () => Promise.reject(leaky) });
    const e = await failure(connectSmb(OPTS, factory).readFile('x'));
    expect(e.code).toBe('protocol');
    for (const text of [e.message, e.stack ?? '', JSON.stringify(e), inspect(e, { showHidden: true, depth: 10 })]) {
      expect(text).not.toContain(PASSWORD);
    }
    expect((e as { cause?: unknown }).cause).toBeUndefined();
  });

  it('masks the password even if it was typed into the user name', async () => {
    const { factory, created } = fakes({ stat: () => Promise.reject(statusError('STATUS_LOGON_FAILURE')) });
    const opts = { ...OPTS, userName: `reader${PASSWORD}` };
    const c = connectSmb(opts, () => {
      const lib = factory();
      lib.connected = false;
      return lib;
    });
    const e = await failure(c.stat('x'));
    expect(e.code).toBe('auth');
    expect(e.message).not.toContain(PASSWORD);
    expect(created[0]?.socket.destroyed).toBe(1);
  });

  it('maps missing files to null and a missing folder to notFound', async () => {
    const notFound = () => Promise.reject(statusError('STATUS_OBJECT_NAME_NOT_FOUND'));
    const { factory, created } = fakes({
      read: notFound,
      stat: notFound,
      readdir: () => Promise.reject(statusError('STATUS_OBJECT_PATH_NOT_FOUND')),
    });
    const c = connectSmb(OPTS, factory);
    expect(await c.readFile('x')).toBeNull();
    expect(await c.stat('x')).toBeNull();
    const e = await failure(c.list('App'));
    expect(e.code).toBe('notFound');
    expect(e.message).toBe('folder App in \\\\127.0.0.1:4450\\mdapp not found');
    expect(created).toHaveLength(1); // a not-found answer leaves the connection usable
  });

  it('maps access denied on a file to unreadable', async () => {
    const { factory } = fakes({ read: () => Promise.reject(statusError('STATUS_ACCESS_DENIED')) });
    const e = await failure(connectSmb(OPTS, factory).readFile('App\\USERLIST.DAT'));
    expect(e).toMatchObject({
      code: 'unreadable',
      message: 'user reader may not read App\\USERLIST.DAT in \\\\127.0.0.1:4450\\mdapp (access denied)',
    });
  });

  it('times out when the server goes silent, and drops the connection', async () => {
    const { factory, created } = fakes({ stat: () => new Promise(() => undefined) });
    const t0 = performance.now();
    const e = await failure(connectSmb(OPTS, factory).stat('x'));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(e.code).toBe('timeout');
    expect(created).toHaveLength(1);
    expect(created[0]?.socket.destroyed).toBe(1);
  });

  it('counts incoming data as progress (the timeout is for inactivity)', async () => {
    let socket: FakeSocket | undefined;
    const { factory } = fakes({
      read: () =>
        new Promise((resolve) => {
          const tick = setInterval(() => socket?.emit('data', Buffer.alloc(1)), 100);
          setTimeout(() => {
            clearInterval(tick);
            resolve(Buffer.from('slow but steady'));
          }, 900);
        }),
    });
    const c = connectSmb(OPTS, () => {
      const lib = factory();
      socket = lib.socket as unknown as FakeSocket;
      return lib;
    });
    expect((await c.readFile('x'))?.toString()).toBe('slow but steady');
  });

  it('reports a connection closed mid-operation as network', async () => {
    let socket: FakeSocket | undefined;
    const { factory } = fakes({
      stat: () => {
        setTimeout(() => socket?.emit('close'), 10);
        return new Promise(() => undefined);
      },
    });
    const c = connectSmb({ ...OPTS, timeoutMs: 5000 }, () => {
      const lib = factory();
      socket = lib.socket as unknown as FakeSocket;
      return lib;
    });
    const e = await failure(c.stat('x'));
    expect(e.code).toBe('network');
  });

  it('replaces a connection the server closed while idle, and retries a stale one once', async () => {
    const { factory, created } = fakes(
      { read: () => Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' })) },
      {},
      {},
    );
    const c = connectSmb(OPTS, factory);
    // First call: connected client fails with ECONNRESET (stale), retried on a fresh one.
    expect((await c.readFile('x'))?.toString()).toBe('abc');
    expect(created).toHaveLength(2);
    created[1]?.socket.emit('close');
    expect(await c.stat('x')).toEqual({ size: 3, mtimeMs: 1000 });
    expect(created).toHaveLength(3);
  });

  it('runs one operation at a time', async () => {
    let active = 0;
    let maxActive = 0;
    const slow = async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      return { size: 1, mtime: new Date(0) };
    };
    const { factory } = fakes({ stat: slow });
    const c = connectSmb(OPTS, factory);
    await Promise.all([c.stat('a'), c.stat('b'), c.stat('c')]);
    expect(maxActive).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { ANSWER_TAIL, JsonText, answerHead, answerText } from '../../shared/bridge-protocol';
import { UserError } from '../../shared/result';
import { createMemoryLogger } from '../core/logger';
import { dispatch, type CallContext, type Handlers } from './registry';
import type { Session } from '../app/session';

const admin = {
  userName: 'admin',
  fullName: 'Administrator',
  authentication: 'integrated' as const,
  privileges: ['admin' as const],
};
const plain = {
  userName: 'frank@company.test',
  fullName: 'Frank',
  authentication: 'directoryServices' as const,
  privileges: ['login' as const],
};

function ctx(user: Session['user']): CallContext {
  return { session: { user }, emit: () => undefined };
}

const handlers = {
  'app:log': () => ({ done: true }),
  'auth:logoff': () => ({ done: true }),
  'folders:list': () => [{ name: 'x', owner: null, messages: 0 }],
  'users:list': () => new JsonText('[{"userName":"zoë","messages":2}]'),
  'archive:mine': () => ({ folder: 'f', messages: 0, latest: [] }),
  'users:delete': ({ userName }: { userName: string }) => {
    if (userName === 'admin') throw new UserError('refused', 'the built-in admin cannot be deleted');
    throw new Error('boom with details');
  },
} as unknown as Handlers;

describe('dispatch', () => {
  it('hands JSON text answers on as text to a carrier that takes them, parsed to any other', async () => {
    const logger = createMemoryLogger();
    const parsed = await dispatch(handlers, 'users:list', {}, ctx(admin), logger);
    expect(parsed).toEqual({ ok: true, value: [{ userName: 'zoë', messages: 2 }] });
    const kept = await dispatch(handlers, 'users:list', {}, { ...ctx(admin), takesJsonText: true }, logger);
    expect(kept.ok && kept.value).toBeInstanceOf(JsonText);
    const call = { id: 7, channel: 'users:list' as const, input: {} };
    const text = kept.ok && kept.value instanceof JsonText ? await kept.value.text() : '';
    expect(JSON.parse(answerHead(call) + text + ANSWER_TAIL)).toEqual({
      id: 7,
      result: { ok: true, value: [{ userName: 'zoë', messages: 2 }] },
    });
    // Streamed, never sent whole.
    expect(() => answerText(call, kept)).toThrow(/streamed/);
    // Access is checked before: a plain user gets no list, as text or not.
    expect(await dispatch(handlers, 'users:list', {}, { ...ctx(plain), takesJsonText: true }, logger)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('refuses unknown channels', async () => {
    const logger = createMemoryLogger();
    expect(await dispatch(handlers, 'fs:read', {}, ctx(admin), logger)).toMatchObject({
      ok: false,
      error: { code: 'unknownChannel' },
    });
  });

  it('checks access: public, user, admin', async () => {
    const logger = createMemoryLogger();
    expect(await dispatch(handlers, 'auth:logoff', {}, ctx(null), logger)).toEqual({ ok: true, value: { done: true } });
    // Nobody writes to the administrator's log without logging on.
    expect(await dispatch(handlers, 'app:log', { level: 'info', message: 'hi' }, ctx(null), logger)).toMatchObject({
      ok: false,
      error: { code: 'notLoggedOn' },
    });
    expect(await dispatch(handlers, 'app:log', { level: 'info', message: 'hi' }, ctx(plain), logger)).toMatchObject({
      ok: true,
    });
    expect(await dispatch(handlers, 'archive:mine', {}, ctx(null), logger)).toMatchObject({
      ok: false,
      error: { code: 'notLoggedOn' },
    });
    expect(await dispatch(handlers, 'archive:mine', {}, ctx(plain), logger)).toMatchObject({ ok: true });
    expect(await dispatch(handlers, 'folders:list', {}, ctx(plain), logger)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await dispatch(handlers, 'folders:list', {}, ctx(admin), logger)).toMatchObject({ ok: true });
  });

  it('parses input with the channel schema', async () => {
    const logger = createMemoryLogger();
    const r = await dispatch(handlers, 'app:log', { level: 'loud', message: 'x' }, ctx(plain), logger);
    expect(r).toMatchObject({ ok: false, error: { code: 'badInput' } });
    const extra = await dispatch(handlers, 'folders:list', { evil: 1 }, ctx(admin), logger);
    expect(extra).toMatchObject({ ok: false, error: { code: 'badInput' } });
  });

  it('turns UserError into a value and hides internal errors behind one line', async () => {
    const logger = createMemoryLogger();
    expect(await dispatch(handlers, 'users:delete', { userName: 'admin' }, ctx(admin), logger)).toEqual({
      ok: false,
      error: { code: 'refused', message: 'the built-in admin cannot be deleted' },
    });
    const r = await dispatch(handlers, 'users:delete', { userName: 'x' }, ctx(admin), logger);
    expect(r).toEqual({
      ok: false,
      error: { code: 'internal', message: 'an internal error occurred; the details are in the log' },
    });
    expect(logger.lines.join('\n')).toContain('boom with details');
  });
});

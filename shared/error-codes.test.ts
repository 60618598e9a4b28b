import { describe, expect, it } from 'vitest';
import { AppError } from './bridge-protocol';
import { ERROR_CODES, isErrorCode } from './error-codes';
import { LogonFailure } from './model';
import { UserError, fail } from './result';

describe('the closed list of error codes', () => {
  it('names each code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('holds every logon refusal reason, which travel as codes', () => {
    for (const reason of LogonFailure.options) expect(isErrorCode(reason)).toBe(true);
  });

  it('tells a code from any other text', () => {
    expect(isErrorCode('codePage')).toBe(true);
    expect(isErrorCode('codepage')).toBe(false);
    expect(isErrorCode('')).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('takes only listed codes where failures are made (checked by the compiler)', () => {
    // @ts-expect-error: not an ErrorCode
    expect(new UserError('noSuchCode', 'x').code).toBe('noSuchCode');
    // @ts-expect-error: not an ErrorCode
    expect(fail('noSuchCode', 'x').ok).toBe(false);
    expect(new UserError('usage', 'x').code).toBe('usage');
  });

  it('reads a code off the wire as itself, and a code this build does not know as internal', () => {
    expect(AppError.parse({ code: 'notLoggedOn', message: 'm' })).toEqual({ code: 'notLoggedOn', message: 'm' });
    expect(AppError.parse({ code: 'fromTheFuture', message: 'kept' })).toEqual({ code: 'internal', message: 'kept' });
    expect(AppError.safeParse({ code: 7, message: 'm' }).success).toBe(false);
  });
});

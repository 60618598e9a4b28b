import { describe, expect, it } from 'vitest';
import { deleteLimitUsers, parseDeleteLimit } from './delete-limit';
import { Settings } from './settings';

const notALimit = (text: string) => ({
  ok: false,
  error: {
    code: 'usage',
    message: `the delete limit ${JSON.stringify(text)} is not a number of users or a percentage such as 10%`,
  },
});

describe('parseDeleteLimit, the one rule of the deletion guard limit', () => {
  it('reads a number of users or a percentage, with spaces around ignored', () => {
    expect(parseDeleteLimit('0')).toEqual({ ok: true, value: { kind: 'count', n: 0 } });
    expect(parseDeleteLimit(' 12 ')).toEqual({ ok: true, value: { kind: 'count', n: 12 } });
    expect(parseDeleteLimit('9999999')).toEqual({ ok: true, value: { kind: 'count', n: 9999999 } });
    expect(parseDeleteLimit('\t10% ')).toEqual({ ok: true, value: { kind: 'percent', p: 10 } });
    expect(parseDeleteLimit('0%')).toEqual({ ok: true, value: { kind: 'percent', p: 0 } });
    expect(parseDeleteLimit('100%')).toEqual({ ok: true, value: { kind: 'percent', p: 100 } });
  });

  it('refuses a percentage over 100 %', () => {
    expect(parseDeleteLimit('101%')).toEqual({
      ok: false,
      error: { code: 'usage', message: 'the delete limit 101% is more than 100%' },
    });
    expect(parseDeleteLimit(' 250% ')).toMatchObject({ error: { message: 'the delete limit 250% is more than 100%' } });
    // a count over 100 is a number of users, not a percentage
    expect(parseDeleteLimit('101')).toEqual({ ok: true, value: { kind: 'count', n: 101 } });
  });

  it('refuses anything else with the one message, quoting the text as typed', () => {
    for (const text of ['', ' ', 'lots', '-3', '1 2', '10 %', '%', '10%%', '1.5', '+5', '12345678', '5x', '0x10'])
      expect(parseDeleteLimit(text)).toEqual(notALimit(text));
  });

  it('turns a limit into a number of users, a percentage rounding down', () => {
    expect(deleteLimitUsers({ kind: 'count', n: 7 }, 1000)).toBe(7);
    expect(deleteLimitUsers({ kind: 'percent', p: 10 }, 95)).toBe(9);
    expect(deleteLimitUsers({ kind: 'percent', p: 100 }, 60)).toBe(60);
    expect(deleteLimitUsers({ kind: 'percent', p: 50 }, 0)).toBe(0);
  });
});

describe('the settings schema of the delete limit', () => {
  const saved = (deleteLimit: unknown) => Settings.safeParse({ sync: { deleteLimit } });

  it('takes what the parser takes, and null for the default', () => {
    for (const v of ['5', '10%', '100%', null]) expect(saved(v).success).toBe(true);
  });

  it('refuses with the parser message, a percentage over 100 % included', () => {
    const over = saved('101%');
    expect(over.success).toBe(false);
    expect(over.error?.issues[0]).toMatchObject({
      path: ['sync', 'deleteLimit'],
      message: 'the delete limit 101% is more than 100%',
    });
    expect(saved('lots').error?.issues[0]?.message).toBe(notALimit('lots').error.message);
  });
});

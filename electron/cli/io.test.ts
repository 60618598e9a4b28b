import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/error-codes';
import { UserError } from '../../shared/result';
import { CliError, exitCodeFor, exitCodeOf } from './io';

/** The public exit statuses: 2 for bad usage or unreadable input, 1 for every other failure. */
const INPUT = ['usage', 'input', 'config', 'codePage', 'notFound', 'notUserlist', 'unreadable', 'encoding'];

describe('exit statuses of error codes', () => {
  it('exits 2 for bad usage or unreadable input and 1 for every other code', () => {
    for (const code of ERROR_CODES) expect([code, exitCodeOf(code)]).toEqual([code, INPUT.includes(code) ? 2 : 1]);
  });

  it('takes a CliError its own status, a UserError its code, anything else 1', () => {
    expect(exitCodeFor(new CliError('x', 1))).toBe(1);
    expect(exitCodeFor(new CliError('x'))).toBe(2);
    expect(exitCodeFor(new UserError('codePage', 'x'))).toBe(2);
    expect(exitCodeFor(new UserError('busy', 'x'))).toBe(1);
    expect(exitCodeFor(new Error('x'))).toBe(1);
    expect(exitCodeFor('x')).toBe(1);
  });
});

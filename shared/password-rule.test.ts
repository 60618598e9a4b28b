import { describe, expect, it } from 'vitest';
import { PASSWORD_RULE, passwordProblem } from './password-rule';

describe('passwordProblem', () => {
  it('wants 12 characters (code points, not UTF-16 units)', () => {
    expect(passwordProblem('abc', 'admin')).toBe('Use at least 12 characters.');
    expect(passwordProblem('eleven chrs', 'admin')).toBe('Use at least 12 characters.');
    expect(passwordProblem('😀😀😀😀😀😀😀😀😀😀😀', 'admin')).toBe('Use at least 12 characters.');
    expect(passwordProblem('twelve chars', 'admin')).toBeNull();
  });

  it('refuses the user name, or the part before @, in any case', () => {
    expect(passwordProblem('my ADMIN password', 'admin')).toBe('Do not use the user name in the password.');
    expect(passwordProblem('anna@company.test1', 'Anna@Company.test')).not.toBeNull();
    expect(passwordProblem('I am Anna, hello', 'anna@company.test')).not.toBeNull();
    // Names too short to matter are not looked for.
    expect(passwordProblem('a long enough phrase', 'al')).toBeNull();
  });

  it('states the rule in one sentence', () => {
    expect(PASSWORD_RULE).toBe('At least 12 characters, not containing the user name.');
  });
});

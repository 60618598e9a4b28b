/** createAuthenticator with fakes: users in memory, a fake IMAP check, a fake clock. */
/* eslint-disable @typescript-eslint/require-await -- the fakes implement async interfaces */
import { describe, expect, it } from 'vitest';
import type { ImapCheckResult, Privilege } from '../../../shared/model';
import { ImapSettings } from '../../../shared/settings';
import {
  createAuthenticator,
  INVALID_CREDENTIALS_MESSAGE,
  type AuthUser,
  type AuthenticatorDeps,
} from './authenticate';
import { hashPassword, verifyPassword } from './passwords';
import { CheckGate } from './check-gate';
import { DEFAULT_THROTTLE } from './logon-throttle';
import { MAX_REFUSAL_FLOOR_MS } from './refusal-floor';

const SECRET = 'Right-Pa55';

function setup(
  opts: {
    users?: AuthUser[];
    imap?: Partial<ImapSettings>;
    imapResult?: (user: string, pw: string) => ImapCheckResult;
    deps?: Partial<AuthenticatorDeps>;
  } = {},
) {
  let clock = 1_000_000;
  const logs: string[] = [];
  const sleeps: number[] = [];
  const imapCalls: Array<{ user: string }> = [];
  const users = opts.users ?? [];
  const deps: AuthenticatorDeps = {
    findUser: async (name) => users.find((u) => u.userName.toLowerCase() === name.toLowerCase()) ?? null,
    verifyPassword: async (hash, pw) => hash === `fake$${pw}`,
    imapSettings: async () => ImapSettings.parse({ host: 'mail.example.com', ...opts.imap }),
    checkImap: async (_s, user, pw) => {
      imapCalls.push({ user });
      return opts.imapResult
        ? opts.imapResult(user, pw)
        : pw === SECRET
          ? { ok: true, ms: 5 }
          : { ok: false, ms: 5, error: { code: 'auth', message: 'refused' } };
    },
    log: (level, message) => logs.push(`${level}: ${message}`),
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    failureFloorMs: 0,
    ...opts.deps,
  };
  return { auth: createAuthenticator(deps), logs, sleeps, imapCalls, advance: (ms: number) => (clock += ms) };
}

async function integrated(
  name: string,
  privileges: Privilege[] = ['login'],
  password: string | null = SECRET,
): Promise<AuthUser> {
  return {
    userName: name,
    fullName: name,
    authentication: 'integrated',
    privileges,
    emailAddresses: [],
    passwordHash: password === null ? null : `fake$${password}`,
  };
}

function ds(name: string, privileges: Privilege[] = ['login'], emailAddresses = [name]): AuthUser {
  return {
    userName: name,
    fullName: `Full ${name}`,
    authentication: 'directoryServices',
    privileges,
    emailAddresses,
    passwordHash: null,
  };
}

describe('createAuthenticator', () => {
  it('logs on an integrated user with the right password, case-insensitively', async () => {
    const { auth, logs } = setup({ users: [await integrated('Anna')] });
    const r = await auth.authenticate('anna', SECRET);
    expect(r).toEqual({
      ok: true,
      user: { userName: 'Anna', fullName: 'Anna', authentication: 'integrated', privileges: ['login'] },
    });
    expect(logs.join('\n')).toMatch(/"Anna" logged on/);
  });

  it('answers an unknown user and a wrong password alike; the log says which', async () => {
    const { auth, logs } = setup({ users: [await integrated('anna')] });
    const wrong = await auth.authenticate('anna', 'nope');
    const unknown = await auth.authenticate('bob', SECRET);
    expect(wrong).toEqual(unknown);
    expect(wrong).toMatchObject({ ok: false, reason: 'invalidCredentials' });
    if (!wrong.ok) expect(wrong.message).toContain(INVALID_CREDENTIALS_MESSAGE);
    expect(logs.some((l) => /"anna".*wrong password/.test(l))).toBe(true);
    expect(logs.some((l) => /"bob".*no such user/.test(l))).toBe(true);
  });

  it("answers an unknown name as late as MDaemon takes to refuse a Directory Services user's password", async () => {
    let advance = (_ms: number) => 0;
    let mdaemonMs = 2000; // Dovecot's default delay on a failed LOGIN
    const s = setup({
      users: [ds('dora@example.com')],
      deps: {
        failureFloorMs: 400,
        checkImap: async () => {
          advance(mdaemonMs);
          return { ok: false, ms: mdaemonMs, error: { code: 'auth', message: 'refused' } };
        },
      },
    });
    advance = s.advance;
    /** The floor's own wait in one refusal of an unknown name from a fresh address. */
    let n = 0;
    const unknownWaits = async () => {
      const before = s.sleeps.length;
      await s.auth.authenticate(`nobody${n}`, 'guess', { clientAddress: `10.0.1.${++n}` });
      return s.sleeps.slice(before);
    };
    expect(await unknownWaits()).toEqual([400]);
    for (let i = 0; i < 3; i++)
      await s.auth.authenticate('dora@example.com', 'wrong', { clientAddress: `10.0.2.${i}` });
    expect(await unknownWaits()).toEqual([2000]);
    // MDaemon down: its checks wait for their timeout; the floor follows, within its bound.
    mdaemonMs = 60_000;
    for (let i = 0; i < 5; i++)
      await s.auth.authenticate('dora@example.com', 'wrong', { clientAddress: `10.0.3.${i}` });
    expect(await unknownWaits()).toEqual([MAX_REFUSAL_FLOOR_MS]);
  });

  it('works with the real scrypt hashes of passwords.ts', async () => {
    const user = { ...(await integrated('anna')), passwordHash: await hashPassword(SECRET) };
    const { auth } = setup({ users: [user], deps: { verifyPassword } });
    expect((await auth.authenticate('anna', SECRET)).ok).toBe(true);
    expect((await auth.authenticate('anna', `${SECRET}!`)).ok).toBe(false);
    expect((await auth.authenticate('bob', SECRET)).ok).toBe(false);
  });

  it('an integrated user without a password cannot log on', async () => {
    const { auth, logs } = setup({ users: [await integrated('anna', ['login'], null)] });
    expect(await auth.authenticate('anna', 'anything')).toMatchObject({ ok: false, reason: 'invalidCredentials' });
    expect(logs.join('\n')).toMatch(/no password is set/);
  });

  it('uses verifyUserPassword when the store keeps hashes to itself', async () => {
    const calls: string[] = [];
    const user = { ...(await integrated('anna')), passwordHash: null };
    const { auth } = setup({
      users: [user],
      deps: { verifyUserPassword: async (name, pw) => (calls.push(name), pw === SECRET) },
    });
    expect((await auth.authenticate('ANNA', SECRET)).ok).toBe(true);
    expect((await auth.authenticate('anna', 'x')).ok).toBe(false);
    expect(calls).toEqual(['anna', 'anna']);
  });

  it('checks the privilege only after the password: notPermitted for the right one, invalid for a wrong one', async () => {
    const { auth } = setup({ users: [await integrated('carl', ['archive'])] });
    expect(await auth.authenticate('carl', 'wrong')).toMatchObject({ reason: 'invalidCredentials' });
    expect(await auth.authenticate('carl', SECRET)).toMatchObject({ ok: false, reason: 'notPermitted' });
  });

  it('admin alone is enough to log on', async () => {
    const { auth } = setup({ users: [await integrated('admin', ['admin'])] });
    expect((await auth.authenticate('admin', SECRET)).ok).toBe(true);
  });

  it('checks Directory Services users at the IMAP server with their first email address', async () => {
    const { auth, imapCalls } = setup({ users: [ds('frank', ['login'], ['frank@company.test', 'f@company.test'])] });
    const r = await auth.authenticate('FRANK', SECRET);
    expect(r).toMatchObject({ ok: true, user: { userName: 'frank', authentication: 'directoryServices' } });
    expect(imapCalls).toEqual([{ user: 'frank@company.test' }]);
  });

  it('falls back to the user name when it is an address, else refuses as invalid (the log says why)', async () => {
    const a = setup({ users: [ds('gina@company.test', ['login'], [])] });
    expect((await a.auth.authenticate('gina@company.test', SECRET)).ok).toBe(true);
    expect(a.imapCalls).toEqual([{ user: 'gina@company.test' }]);
    const b = setup({ users: [ds('gina', ['login'], [])] });
    expect(await b.auth.authenticate('gina', SECRET)).toMatchObject({ reason: 'invalidCredentials' });
    expect(b.imapCalls).toEqual([]);
    expect(b.logs.join('\n')).toMatch(/without an email address/);
  });

  it('IMAP not configured answers like a wrong password, without contacting anything', async () => {
    const { auth, imapCalls, logs } = setup({ users: [ds('frank@c.test')], imap: { host: '' } });
    expect(await auth.authenticate('frank@c.test', SECRET)).toEqual(await auth.authenticate('nobody', SECRET));
    expect(imapCalls).toEqual([]);
    expect(logs.join('\n')).toMatch(/no MDaemon IMAP server is configured/);
  });

  it('answers every IMAP failure like a wrong password; the log says which, and names the APOP setting, not the user', async () => {
    const map = {
      auth: 'invalidCredentials',
      network: 'invalidCredentials',
      tls: 'invalidCredentials',
      timeout: 'invalidCredentials',
      config: 'invalidCredentials',
    } as const;
    for (const [code, reason] of Object.entries(map)) {
      const { auth, logs } = setup({
        users: [ds('frank@c.test')],
        imapResult: () => ({
          ok: false,
          ms: 1,
          error: { code: code as keyof typeof map, message: `imap says ${code}` },
        }),
      });
      const r = await auth.authenticate('frank@c.test', SECRET);
      expect(r).toMatchObject({ ok: false, reason });
      expect(logs.join('\n')).toContain(`imap says ${code}`);
      if (!r.ok) {
        expect(r.message).not.toMatch(/APOP|CRAM-MD5|setting/);
        expect(r.message).toMatch(/tell your administrator/);
      }
      if (code === 'auth') expect(logs.join('\n')).toMatch(/honor APOP & CRAM-MD5/);
    }
  });

  it('a Directory Services refusal and an unknown user still read the same', async () => {
    const { auth } = setup({ users: [ds('frank@c.test')] });
    expect(await auth.authenticate('frank@c.test', 'wrong')).toEqual(await auth.authenticate('nobody@c.test', 'wrong'));
  });

  it('refuses empty or malformed passwords as invalid, without asking anyone', async () => {
    const { auth, imapCalls } = setup({ users: [ds('frank@c.test')] });
    for (const pw of ['', 'a\nb', 'a\rb', 'a\0b']) {
      expect(await auth.authenticate('frank@c.test', pw)).toMatchObject({ reason: 'invalidCredentials' });
    }
    expect(imapCalls).toEqual([]);
  });

  it('slows down repeated failures, growing and capped, per name case-insensitively', async () => {
    const { auth, sleeps } = setup({
      users: [await integrated('anna')],
      deps: { throttle: { maxDelayMs: 4000, lockoutFailures: 100 } },
    });
    for (let i = 0; i < 7; i++) await auth.authenticate(i % 2 ? 'ANNA' : 'anna', 'wrong');
    expect(sleeps).toEqual([1000, 2000, 4000, 4000]);
    await auth.authenticate('someone-else', 'wrong');
    expect(sleeps).toHaveLength(4);
  });

  it('locks a name out after too many failures in the window, then lets it try again', async () => {
    const { auth, logs, advance } = setup({
      users: [await integrated('anna')],
      deps: { throttle: { lockoutFailures: 5, lockoutMs: 60_000, baseDelayMs: 10 } },
    });
    for (let i = 0; i < 4; i++)
      expect(await auth.authenticate('anna', 'wrong')).toMatchObject({ reason: 'invalidCredentials' });
    // The failure that locks says so.
    expect(await auth.authenticate('anna', 'wrong')).toMatchObject({ reason: 'lockedOut' });
    const locked = await auth.authenticate('Anna', SECRET);
    expect(locked).toMatchObject({ ok: false, reason: 'lockedOut' });
    if (!locked.ok) expect(locked.message).toMatch(/Try again in 1 minute/);
    expect(logs.join('\n')).toMatch(/locked for 1 minute/);
    advance(61_000);
    expect((await auth.authenticate('anna', SECRET)).ok).toBe(true);
  });

  it('failures outside the window are forgotten, and a success resets the count of its user at its address', async () => {
    const { auth, sleeps, advance } = setup({
      users: [await integrated('anna')],
      deps: {
        throttle: {
          windowMs: 10_000,
          freeFailures: 2,
          lockoutFailures: 100,
          userName: { ...DEFAULT_THROTTLE.userName, windowMs: 10_000, freeFailures: 2 },
        },
      },
    });
    await auth.authenticate('anna', 'x');
    await auth.authenticate('anna', 'x');
    advance(20_000);
    await auth.authenticate('anna', 'x');
    expect(sleeps).toEqual([]);
    await auth.authenticate('anna', 'x');
    await auth.authenticate('anna', 'x');
    expect(sleeps).toEqual([1000]);
    // From a known device the user name's count and the others' at its address are skipped…
    const device = { trustedDevice: true };
    expect((await auth.authenticate('anna', SECRET, device)).ok).toBe(true);
    expect(sleeps).toEqual([1000]);
    // …not its own failures; its success resets them.
    for (let i = 0; i < 3; i++) await auth.authenticate('anna', 'x', device);
    expect(sleeps).toEqual([1000, 1000]);
    expect((await auth.authenticate('anna', SECRET, device)).ok).toBe(true);
    await auth.authenticate('anna', 'x', device);
    expect(sleeps).toEqual([1000, 1000, 2000]);
  });

  it('MDaemon down counts like any refused password: the slowdown tells a Directory Services user from nobody', async () => {
    const sleepsOf = async (name: string) => {
      const { auth, sleeps } = setup({
        users: [ds('frank@c.test')],
        imapResult: () => ({ ok: false, ms: 1, error: { code: 'network', message: 'down' } }),
        deps: { throttle: { freeFailures: 1 }, failureFloorMs: 0 },
      });
      const reasons = [];
      for (let i = 0; i < 12; i++)
        reasons.push((await auth.authenticate(name, SECRET, { clientAddress: '192.0.2.7' })).ok);
      return { sleeps, reasons };
    };
    const frank = await sleepsOf('frank@c.test');
    expect(frank.sleeps.length).toBeGreaterThan(0);
    expect(frank).toEqual(await sleepsOf('nobody@c.test'));
  });

  it('never logs or returns the password', async () => {
    const secret = 'Zz-Unique-Secret-42';
    const { auth, logs } = setup({
      users: [await integrated('anna'), ds('frank@c.test')],
      deps: { throttle: { lockoutFailures: 3, baseDelayMs: 1 } },
    });
    const results = [];
    for (const name of ['anna', 'frank@c.test', 'nobody', 'anna', 'anna', 'anna'])
      results.push(await auth.authenticate(name, secret));
    expect(JSON.stringify(results)).not.toContain(secret);
    expect(logs.join('\n')).not.toContain(secret);
  });

  it('unknown names, users without a password, Directory Services and MDaemon down: one answer, one time floor', async () => {
    const { auth, sleeps } = setup({
      users: [await integrated('nopw', ['login'], null), ds('frank@c.test')],
      imapResult: () => ({ ok: false, ms: 1, error: { code: 'network', message: 'down' } }),
      deps: { failureFloorMs: 400 },
    });
    const answers = [];
    for (const name of ['nobody', 'nopw', 'frank@c.test']) answers.push(await auth.authenticate(name, 'guess'));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(sleeps).toEqual([400, 400, 400]);
  });

  it('one check per user name and a few per address at once; the rest are told when to try again', async () => {
    let open!: () => void;
    const gateOpen = new Promise<void>((r) => (open = r));
    const { auth } = setup({
      users: [await integrated('anna')],
      deps: {
        verifyPassword: async (hash, pw) => {
          await gateOpen;
          return hash === `fake$${pw}`;
        },
      },
    });
    const first = auth.authenticate('anna', 'wrong', { clientAddress: '10.0.0.1' });
    const second = await auth.authenticate('ANNA', 'wrong', { clientAddress: '10.0.0.2' });
    expect(second).toMatchObject({ ok: false, reason: 'busy', retryAfterSeconds: 1 });
    // A known-good device is not held up by strangers' attempts on its user name.
    const mine = auth.authenticate('anna', SECRET, { clientAddress: '10.0.0.3', trustedDevice: true });
    open();
    expect(await first).toMatchObject({ reason: 'invalidCredentials' });
    expect(await mine).toMatchObject({ ok: true });
  });

  it("strangers filling their address's places in flight do not hold up a known device there", async () => {
    let open!: () => void;
    const gateOpen = new Promise<void>((r) => (open = r));
    const { auth } = setup({
      users: [await integrated('anna')],
      deps: {
        inFlight: { perAddress: 2, perUserName: 1 },
        gate: new CheckGate(8, 8),
        verifyPassword: async (hash, pw) => {
          await gateOpen;
          return hash === `fake$${pw}`;
        },
      },
    });
    const nat = { clientAddress: '10.0.0.4' };
    const strangers = [auth.authenticate('x1', 'guess', nat), auth.authenticate('x2', 'guess', nat)];
    expect(await auth.authenticate('anna', SECRET, nat)).toMatchObject({ reason: 'busy' });
    const mine = auth.authenticate('anna', SECRET, { ...nat, trustedDevice: true });
    open();
    expect(await mine).toMatchObject({ ok: true });
    await Promise.all(strangers);
  });

  it('50 users logging on at once from one address with the right password are never locked out', async () => {
    const waiting: Array<() => void> = [];
    const users = Array.from({ length: 50 }, (_, i) => ds(`ds${i}@b.test`));
    const { auth } = setup({
      users,
      deps: {
        failureFloorMs: 400,
        imapGate: new CheckGate(4, 8), // Directory Services users pass the IMAP checks' bound: 4 checking, 8 queued
        checkImap: async (_s, _user, pw) => {
          await new Promise<void>((r) => waiting.push(r));
          return pw === SECRET ? { ok: true, ms: 5 } : { ok: false, ms: 5, error: { code: 'auth', message: 'no' } };
        },
      },
    });
    const from = { clientAddress: '192.0.2.10' };
    for (let round = 0; round < 5; round++) {
      const all = users.map((u) => auth.authenticate(u.userName, SECRET, from));
      // All 50 have arrived before the first check ends; then the checks end, the queued ones after them.
      await new Promise((r) => setTimeout(r, 5));
      const settled = Promise.all(all);
      let done = false;
      void settled.then(() => (done = true));
      while (!done) {
        waiting.splice(0).forEach((end) => end());
        await new Promise((r) => setTimeout(r, 1));
      }
      const answers = (await settled).map((a) => (a.ok ? 'ok' : a.reason));
      expect(answers).not.toContain('lockedOut');
      // 16 in flight from the address: 4 checking, 8 queued, 4 refused by the gate; the rest busy.
      expect(answers.filter((a) => a === 'ok')).toHaveLength(12);
      expect(answers.filter((a) => a === 'busy')).toHaveLength(38);
    }
  });

  it('40 concurrent wrong logons of one user at one address count as 40; a double click with the right one counts nothing', async () => {
    let open!: () => void;
    const held = new Promise<void>((r) => (open = r));
    const { auth, imapCalls, logs } = setup({
      users: [ds('bob@b.test'), ds('carl@b.test')],
      imapResult: (_u, pw) =>
        pw === SECRET ? { ok: true, ms: 5 } : { ok: false, ms: 5, error: { code: 'auth', message: 'no' } },
      deps: {
        checkImap: async (_s, user, pw) => {
          imapCalls.push({ user });
          await held;
          return pw === SECRET ? { ok: true, ms: 5 } : { ok: false, ms: 5, error: { code: 'auth', message: 'no' } };
        },
      },
    });
    const from = { clientAddress: '192.0.2.20' };
    const guesses = Array.from({ length: 40 }, (_, i) => auth.authenticate('bob@b.test', `Wrong-${i}`, from));
    const clicks = Array.from({ length: 12 }, () => auth.authenticate('carl@b.test', SECRET, from));
    await new Promise((r) => setTimeout(r, 10));
    open();
    const answers = (await Promise.all(guesses)).map((a) => (a.ok ? 'ok' : a.reason));
    expect(imapCalls.filter((c) => c.user === 'bob@b.test')).toHaveLength(1);
    expect(answers.filter((a) => a === 'busy')).toHaveLength(39);
    expect(answers).toContain('lockedOut');
    expect(logs.join('\n')).toMatch(/logons of "bob@b.test" from 192\.0\.2\.20 locked for 5 minutes/);
    expect(await auth.authenticate('bob@b.test', SECRET, from)).toMatchObject({ reason: 'lockedOut' });
    // Carl's eleven extra clicks waited for his right password: nothing counted, no delay, no lock.
    expect((await Promise.all(clicks)).filter((a) => a.ok)).toHaveLength(1);
    for (let i = 0; i < 3; i++)
      expect(await auth.authenticate('carl@b.test', SECRET, from)).toMatchObject({ ok: true });
    expect(logs.join('\n')).not.toMatch(/"carl@b.test".*(delayed|locked)/);
  });

  it('IMAP checks and stored-hash checks have separate bounds: a full IMAP bound does not hold an integrated logon', async () => {
    let open!: () => void;
    const held = new Promise<void>((r) => (open = r));
    const { auth } = setup({
      users: [ds('d1@b.test'), ds('d2@b.test'), await integrated('alice')],
      deps: {
        gate: new CheckGate(1, 0),
        imapGate: new CheckGate(1, 0),
        checkImap: async () => {
          await held;
          return { ok: true, ms: 5 };
        },
      },
    });
    const first = auth.authenticate('d1@b.test', SECRET, { clientAddress: '10.0.0.1' });
    await new Promise((r) => setTimeout(r, 5));
    // The IMAP bound is full: a second Directory Services logon is refused, an integrated one goes ahead.
    expect(await auth.authenticate('d2@b.test', SECRET, { clientAddress: '10.0.0.2' })).toMatchObject({
      ok: false,
      reason: 'busy',
    });
    expect(await auth.authenticate('alice', SECRET, { clientAddress: '10.0.0.3' })).toMatchObject({ ok: true });
    open();
    expect(await first).toMatchObject({ ok: true });
  });

  it('refuses at once beyond the global bound, and drops a queued check whose client went', async () => {
    let open!: () => void;
    const held = new Promise<void>((r) => (open = r));
    const checked: string[] = [];
    const users = await Promise.all(['a', 'b', 'c', 'd'].map((n) => integrated(n)));
    const { auth } = setup({
      users,
      deps: {
        gate: new CheckGate(1, 1),
        verifyPassword: async (hash, pw) => {
          checked.push(hash);
          await held;
          return hash === `fake$${pw}`;
        },
      },
    });
    const gone = new AbortController();
    const a = auth.authenticate('a', SECRET, { clientAddress: '10.0.0.1' });
    const b = auth.authenticate('b', SECRET, { clientAddress: '10.0.0.2', signal: gone.signal });
    await new Promise((r) => setTimeout(r, 10));
    expect(await auth.authenticate('c', SECRET, { clientAddress: '10.0.0.3' })).toMatchObject({
      reason: 'busy',
      retryAfterSeconds: 2,
    });
    gone.abort();
    expect(await b).toMatchObject({ reason: 'busy' });
    open();
    expect(await a).toMatchObject({ ok: true });
    expect(checked).toEqual([`fake$${SECRET}`]);
  });

  it('a password change is throttled and logged like a logon', async () => {
    const { auth, logs } = setup({
      users: [await integrated('anna')],
      deps: { throttle: { lockoutFailures: 5, baseDelayMs: 1 } },
    });
    for (let i = 0; i < 5; i++) await auth.checkPassword('anna', `wrong${i}`, { clientAddress: '10.0.0.1' });
    expect(await auth.checkPassword('anna', SECRET, { clientAddress: '10.0.0.1' })).toMatchObject({
      reason: 'lockedOut',
    });
    expect(logs.join('\n')).toMatch(/password change refused for "anna" from 10\.0\.0\.1: wrong password/);
    await auth.unlock('ANNA');
    expect(await auth.checkPassword('anna', SECRET, { clientAddress: '10.0.0.1' })).toMatchObject({ ok: true });
  });
});

/** checkImapLogin with a fake client: input checks, option mapping, error wrapping. */
/* eslint-disable @typescript-eslint/require-await, @typescript-eslint/prefer-promise-reject-errors -- fakes implement async interfaces; one rejects with a bare string on purpose */
import type { ImapFlowOptions } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { ImapSettings } from '../../../shared/settings';
import { checkImapLogin, type ImapClientLike } from './imap-check';
import { normalizeFingerprint, resolveTarget } from './imap-target';

const SECRET = 'hunter2-Sécret';

function fakeClient(behaviour: () => Promise<unknown>, capabilities: string[] = []) {
  const seen: { options?: ImapFlowOptions; closed: number; errorListeners: number } = { closed: 0, errorListeners: 0 };
  const connect = (options: ImapFlowOptions): ImapClientLike => {
    seen.options = options;
    return {
      connect: behaviour,
      close: () => {
        seen.closed += 1;
      },
      on: () => {
        seen.errorListeners += 1;
      },
      capabilities: new Map(capabilities.map((c) => [c, true])),
    };
  };
  return { connect, seen };
}

const base = (over: Partial<ImapSettings> = {}) => ImapSettings.parse({ host: 'mail.example.com', ...over });

describe('checkImapLogin (fake client)', () => {
  it('maps the modes to imapflow options: never opportunistic STARTTLS, logger off, deadlines set', async () => {
    const expectations = [
      ['none', { secure: false, doSTARTTLS: false, port: 143 }],
      ['starttls', { secure: false, doSTARTTLS: true, port: 143 }],
      ['ssl', { secure: true, doSTARTTLS: false, port: 993 }],
    ] as const;
    for (const [security, expected] of expectations) {
      const fake = fakeClient(async () => undefined);
      const r = await checkImapLogin(base({ security, connectTimeoutMs: 1111, greetingTimeoutMs: 2222 }), 'u', SECRET, {
        connect: fake.connect,
      });
      expect(r.ok).toBe(true);
      expect(fake.seen.options).toMatchObject({
        ...expected,
        logger: false,
        connectionTimeout: 1111,
        greetingTimeout: 2222,
        host: 'mail.example.com',
      });
      expect(fake.seen.errorListeners).toBe(1);
      expect(fake.seen.closed).toBe(1);
    }
  });

  it('forces LOGIN or AUTH=PLAIN when asked, and lets imapflow choose on auto', async () => {
    for (const [loginMethod, expected] of [
      ['login', 'LOGIN'],
      ['plain', 'AUTH=PLAIN'],
      ['auto', undefined],
    ] as const) {
      const fake = fakeClient(async () => undefined);
      await checkImapLogin(base({ loginMethod }), 'u', SECRET, { connect: fake.connect });
      expect(fake.seen.options?.auth?.loginMethod).toBe(expected);
    }
  });

  it('refuses bad input as config without creating a client', async () => {
    const cases: Array<[Partial<ImapSettings>, string, string]> = [
      [{ host: '' }, 'u', SECRET],
      [{ host: 'a b' }, 'u', SECRET],
      [{ host: 'h:99999' }, 'u', SECRET],
      [{ host: 'h:1143', port: 143 }, 'u', SECRET],
      [{ pinnedFingerprint256: 'not-a-fingerprint' }, 'u', SECRET],
      [{}, '', SECRET],
      [{}, 'u\r\nx', SECRET],
      [{}, 'u', ''],
      [{}, 'u', `${SECRET}\r`],
      [{}, 'u', `${SECRET}\n`],
      [{}, 'u', `a\0${SECRET}`],
    ];
    for (const [over, user, password] of cases) {
      const fake = fakeClient(async () => undefined);
      const r = await checkImapLogin(base(over), user, password, { connect: fake.connect });
      expect(r.error?.code, JSON.stringify(over)).toBe('config');
      expect(fake.seen.options).toBeUndefined();
      expect(JSON.stringify(r)).not.toContain(SECRET);
    }
  });

  it('never passes library error text through (it could hold the password)', async () => {
    const leaky = [
      Object.assign(new Error(`LOGIN failed for ${SECRET}`), {
        authenticationFailed: true,
        serverResponseCode: 'AUTHENTICATIONFAILED',
      }),
      Object.assign(new Error(`socket hang up ${SECRET}`), { code: 'ECONNRESET' }),
      Object.assign(new Error(`weird ${SECRET}`), { code: `X${SECRET}` }),
      Object.assign(new Error(`tls ${SECRET}`), { tlsFailed: true, code: 'ERR_SSL_WRONG_VERSION_NUMBER' }),
      new Error(SECRET),
      SECRET,
    ];
    for (const err of leaky) {
      const fake = fakeClient(() => Promise.reject(err));
      const r = await checkImapLogin(base(), 'u', SECRET, { connect: fake.connect });
      expect(r.ok).toBe(false);
      expect(JSON.stringify(r)).not.toContain('hunter2');
      expect(fake.seen.closed).toBe(1);
    }
  });

  it('classifies imapflow errors', async () => {
    const cases: Array<[unknown, string, string[]?]> = [
      [
        Object.assign(new Error('x'), { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED' }),
        'auth',
      ],
      [Object.assign(new Error('Login is disabled'), { authenticationFailed: true }), 'tls', ['LOGINDISABLED']],
      [Object.assign(new Error('x'), { serverResponseCode: 'PRIVACYREQUIRED', authenticationFailed: true }), 'tls'],
      [Object.assign(new Error('x'), { serverResponseCode: 'UNAVAILABLE', authenticationFailed: true }), 'network'],
      [Object.assign(new Error('Server does not support STARTTLS'), { tlsFailed: true }), 'tls'],
      [Object.assign(new Error('x'), { code: 'CONNECT_TIMEOUT' }), 'timeout'],
      [Object.assign(new Error('x'), { code: 'GREETING_TIMEOUT' }), 'timeout'],
      [Object.assign(new Error('x'), { code: 'ETIMEDOUT' }), 'timeout'],
      [Object.assign(new Error('x'), { code: 'ENOTFOUND' }), 'network'],
      [Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'network'],
      [new Error('Unsupported authentication mechanism'), 'config'],
    ];
    for (const [err, code, caps] of cases) {
      const fake = fakeClient(() => Promise.reject(err), caps);
      const r = await checkImapLogin(base(), 'u', SECRET, { connect: fake.connect });
      expect(r.error?.code, (err as Error).message).toBe(code);
    }
  });

  it('a client that never settles is cut off by the total limit and closed', async () => {
    const fake = fakeClient(() => new Promise(() => undefined));
    const r = await checkImapLogin(base({ totalTimeoutMs: 150 }), 'u', SECRET, { connect: fake.connect });
    expect(r.error?.code).toBe('timeout');
    expect(fake.seen.closed).toBe(1);
  });

  it('reports ms from the injected clock', async () => {
    let t = 1000;
    const fake = fakeClient(async () => {
      t += 42;
    });
    const r = await checkImapLogin(base(), 'u', SECRET, { connect: fake.connect, now: () => t });
    expect(r.ms).toBe(42);
  });
});

describe('resolveTarget / normalizeFingerprint', () => {
  it('takes the port from the host, the settings or the mode', () => {
    expect(resolveTarget({ host: 'mx', port: null, security: 'none' })).toEqual({
      ok: true,
      target: { host: 'mx', port: 143 },
    });
    expect(resolveTarget({ host: 'mx', port: null, security: 'ssl' })).toEqual({
      ok: true,
      target: { host: 'mx', port: 993 },
    });
    expect(resolveTarget({ host: ' mx:1143 ', port: null, security: 'ssl' })).toEqual({
      ok: true,
      target: { host: 'mx', port: 1143 },
    });
    expect(resolveTarget({ host: 'mx:1143', port: 1143, security: 'none' })).toEqual({
      ok: true,
      target: { host: 'mx', port: 1143 },
    });
    expect(resolveTarget({ host: 'mx', port: 2143, security: 'none' })).toEqual({
      ok: true,
      target: { host: 'mx', port: 2143 },
    });
    expect(resolveTarget({ host: '[::1]:993', port: null, security: 'ssl' })).toEqual({
      ok: true,
      target: { host: '::1', port: 993 },
    });
    expect(resolveTarget({ host: '::1', port: null, security: 'none' })).toEqual({
      ok: true,
      target: { host: '::1', port: 143 },
    });
    expect(resolveTarget({ host: 'mx:0', port: null, security: 'none' }).ok).toBe(false);
    expect(resolveTarget({ host: 'user@mx', port: null, security: 'none' }).ok).toBe(false);
  });

  it('normalises fingerprints', () => {
    const fp = 'AB:'.repeat(31) + 'AB';
    expect(normalizeFingerprint(fp.toLowerCase())).toBe(fp);
    expect(normalizeFingerprint(fp.replaceAll(':', ''))).toBe(fp);
    expect(normalizeFingerprint(`SHA256:${fp}`)).toBe(fp);
    expect(normalizeFingerprint('AB:CD')).toBeNull();
  });
});

/** createAuthenticator with the real IMAP check against a real Dovecot. */
/* eslint-disable @typescript-eslint/require-await -- the fakes implement async interfaces */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapSettings } from '../../../shared/settings';
import { startDovecot, type DovecotServer } from '../../testing/servers/dovecot';
import { createAuthenticator, type AuthUser } from './authenticate';
import { verifyPassword } from './passwords';

let dovecot: DovecotServer;
const PASSWORD = 'Grüße "aus" \\ Köln';

beforeAll(async () => {
  dovecot = await startDovecot({ users: [{ email: 'frank@company.test', password: PASSWORD }] });
});
afterAll(async () => {
  await dovecot?.stop();
});

describe('authenticate against Dovecot', () => {
  it('logs a Directory Services user on over IMAP-SSL with a pinned certificate, refuses a wrong password', async () => {
    const frank: AuthUser = {
      userName: 'Frank@Company.test',
      fullName: 'Frank Müller',
      authentication: 'directoryServices',
      privileges: ['login'],
      emailAddresses: ['frank@company.test'],
      passwordHash: null,
    };
    const logs: string[] = [];
    const auth = createAuthenticator({
      findUser: async (name) => (name.toLowerCase() === frank.userName.toLowerCase() ? frank : null),
      verifyPassword,
      imapSettings: async () =>
        ImapSettings.parse({
          host: `127.0.0.1:${dovecot.imapsPort}`,
          security: 'ssl',
          pinnedFingerprint256: dovecot.fingerprint256,
        }),
      log: (level, message) => logs.push(`${level}: ${message}`),
      now: () => Date.now(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    expect(await auth.authenticate('frank@company.test', PASSWORD)).toEqual({
      ok: true,
      user: {
        userName: 'Frank@Company.test',
        fullName: 'Frank Müller',
        authentication: 'directoryServices',
        privileges: ['login'],
      },
    });
    const wrong = await auth.authenticate('frank@company.test', 'not it');
    expect(wrong).toMatchObject({ ok: false, reason: 'invalidCredentials' });
    expect(logs.join('\n')).toMatch(/MDaemon refused the password for "frank@company.test".*AUTHENTICATIONFAILED/);
    expect(logs.join('\n')).not.toContain(PASSWORD);
  });
});

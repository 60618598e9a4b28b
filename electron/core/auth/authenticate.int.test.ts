/** createAuthenticator with the real IMAP check against a real Dovecot. */
/* eslint-disable @typescript-eslint/require-await -- the fakes implement async interfaces */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapSettings } from '../../../shared/settings';
import { startDovecot, type DovecotServer } from '../../testing/servers/dovecot';
import { startSilentServer, type SilentServer } from '../../testing/servers/silent-server';
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

/** A Directory Services user, and an authenticator on the real clock that knows only that user. */
function directoryUser(
  userName: string,
  fullName: string,
  email: string,
  imap: Partial<ImapSettings>,
  logs: string[] = [],
): { user: AuthUser; auth: ReturnType<typeof createAuthenticator> } {
  const user: AuthUser = {
    userName,
    fullName,
    authentication: 'directoryServices',
    privileges: ['login'],
    emailAddresses: [email],
    passwordHash: null,
  };
  const auth = createAuthenticator({
    findUser: async (name) => (name.toLowerCase() === userName.toLowerCase() ? user : null),
    verifyPassword,
    imapSettings: async () => ImapSettings.parse(imap),
    log: (level, message) => logs.push(`${level}: ${message}`),
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
  return { user, auth };
}

describe('authenticate against Dovecot', () => {
  it('logs a Directory Services user on over IMAP-SSL with a pinned certificate, refuses a wrong password', async () => {
    const logs: string[] = [];
    const { auth } = directoryUser(
      'Frank@Company.test',
      'Frank Müller',
      'frank@company.test',
      { host: `127.0.0.1:${dovecot.imapsPort}`, security: 'ssl', pinnedFingerprint256: dovecot.fingerprint256 },
      logs,
    );
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

describe('authenticate while MDaemon takes long to refuse (here: a server that never answers)', () => {
  let silent: SilentServer;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => {
    await silent?.stop();
  });

  it('answers an unknown name no sooner than a Directory Services user whose check waits for MDaemon', async () => {
    const GREETING_TIMEOUT_MS = 1200;
    const { auth } = directoryUser('gina@company.test', 'Gina', 'gina@company.test', {
      host: `127.0.0.1:${silent.port}`,
      security: 'none',
      greetingTimeoutMs: GREETING_TIMEOUT_MS,
      totalTimeoutMs: 5000,
    });
    const timed = async (name: string, from: string) => {
      const started = Date.now();
      const answer = await auth.authenticate(name, 'Wrong-Guess-1', { clientAddress: from });
      return { answer, ms: Date.now() - started };
    };
    const refusals = [];
    for (let i = 1; i <= 3; i++) refusals.push(await timed('gina@company.test', `10.0.9.${i}`));
    for (const r of refusals) expect(r.ms).toBeGreaterThanOrEqual(GREETING_TIMEOUT_MS - 20);
    // Without the floor following MDaemon, this took the fixed 400 ms and told gina from nobody.
    const unknown = await timed('nobody@company.test', '10.0.9.50');
    expect(unknown.answer).toEqual(refusals[0]!.answer);
    expect(unknown.ms).toBeGreaterThanOrEqual(GREETING_TIMEOUT_MS - 20);
  }, 60_000);
});

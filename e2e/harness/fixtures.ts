/**
 * Playwright fixtures: the real servers (a Dovecot seeded with the sample users, a Samba share
 * holding a copy of the sample App directory) once per worker, and a fresh browser-mode app per test.
 */
import { test as base } from '@playwright/test';
import { startDovecot, type DovecotServer } from '../../electron/testing/servers/dovecot';
import { startSamba, type SambaServer } from '../../electron/testing/servers/samba';
import { SAMPLE_EMAILS, SAMPLE_PASSWORD, sampleFiles } from './sample';
import { startWebApp, type WebApp } from './web-app';

/** The servers a flow needs. */
export interface Servers {
  dovecot: DovecotServer;
  samba: SambaServer;
}

export const test = base.extend<{ app: WebApp }, { servers: Servers }>({
  servers: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const [dovecot, samba] = await Promise.all([
        startDovecot({ users: SAMPLE_EMAILS.map((email) => ({ email, password: SAMPLE_PASSWORD })) }),
        sampleFiles().then((files) =>
          startSamba({
            files: {
              'MDaemon/App/USERLIST.DAT': files['USERLIST.DAT']!,
              'MDaemon/App/Groups.dat': files['Groups.dat']!,
              'MDaemon/App/Alias.dat': files['Alias.dat']!,
            },
            // As Windows Server 2025 and Windows 11 24H2 do by default: the UI's UNC path is read signed.
            policy: { signing: 'mandatory', minProtocol: 'SMB3_00' },
          }),
        ),
      ]);
      try {
        await use({ dovecot, samba });
      } finally {
        await Promise.all([dovecot.stop(), samba.stop()]);
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  // eslint-disable-next-line no-empty-pattern
  app: async ({}, use, testInfo) => {
    const app = await startWebApp();
    try {
      await use(app);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus)
        await testInfo.attach('browser-mode output', { body: app.output() });
      await app.stop();
    }
  },
  baseURL: async ({ app }, use) => use(app.origin),
});

export { expect } from '@playwright/test';

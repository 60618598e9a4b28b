/**
 * SIGTERM while the service synchronizes 100,000 accounts: the process exits 0 and the database
 * holds the old state or the new one, never half of it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/settings';
import { openRepository } from '../core/db/open';
import { makeUserlist } from '../core/mdaemon/testing/make-userlist';
import { cli, logOn, openBridge, prepareDataDir, startService } from './testing/service-process';

const COUNT = 100_000;
const CODE_PAGE = 'windows-1252';
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function userCount(dataDir: string): Promise<{ users: number; lastStatus: string | undefined }> {
  const repo = await openRepository({ dataDir });
  try {
    return { users: (await repo.listUsers()).length, lastStatus: (await repo.listRuns(1))[0]?.status };
  } finally {
    await repo.close();
  }
}

it('SIGTERM during a 100,000-account sync leaves the old or the new state and exits 0', async () => {
  const appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-stop-app-'));
  dirs.push(appDir);
  const accounts = Array.from({ length: COUNT }, (_, i) => ({
    domain: `dept${i % 20}.company.test`,
    mailbox: `user${i}`,
    fullName: `Stop Test User ${i}`,
    password: 'NOT-A-REAL-PW',
    accessType: 'Y',
  }));
  fs.writeFileSync(path.join(appDir, 'USERLIST.DAT'), makeUserlist(accounts, CODE_PAGE));
  const dataDir = prepareDataDir('Admin-Pass-1 stop', 'Bob-Pass-1 stop');
  dirs.push(dataDir);
  const before = await userCount(dataDir);

  const service = await startService(dataDir);
  const admin = await openBridge(service, { cookie: await logOn(service, 'admin', 'Admin-Pass-1 stop') });
  const settings = defaultSettings();
  const probe = {
    settings: { ...settings, directory: { ...settings.directory, appDir, codePage: CODE_PAGE } },
    sharePassword: null,
  };
  const answer = admin.call('sync:run', probe);
  // Stop while it applies: the hardest moment (a stop while reading changes nothing, as cancelled).
  const phaseOf = (e: { payload: unknown }) => (e.payload as { phase?: string }).phase;
  await expect
    .poll(() => admin.events.some((e) => e.event === 'sync:progress' && phaseOf(e) === 'apply'), {
      timeout: 120_000,
      interval: 10,
    })
    .toBe(true);
  const phase = 'apply';
  const code = await service.stop('SIGTERM');
  const log = () => fs.readFileSync(path.join(dataDir, 'mdsync.log'), 'utf8').split('\n').slice(-8).join('\n');
  expect(code, `stopped in phase ${phase}:\n${service.output()}\n${log()}`).toBe(0);
  void answer.catch(() => undefined);

  const after = await userCount(dataDir);
  // What a finished run leaves: the same sync run to its end by the CLI.
  const done = cli(['sync', '--data-dir', dataDir, '--app-dir', appDir, '--code-page', CODE_PAGE]);
  expect(done.status, done.stderr).toBe(0);
  const full = await userCount(dataDir);
  expect(full.users).toBe(before.users + COUNT);
  expect([before.users, full.users], `stopped in phase ${phase}`).toContain(after.users);
  expect(['applied', 'cancelled']).toContain(after.lastStatus);
}, 300_000);

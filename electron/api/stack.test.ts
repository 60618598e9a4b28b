import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelName, ChannelInput, ChannelOutput } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { SyncProgress } from '../../shared/model';
import { createFileLogger } from '../core/logger';
import { dataFiles } from '../core/paths';
import { createMemorySecretStore } from '../core/secret-store';
import { createFileSettingsStore } from '../core/settings-store';
import { createHandlers } from './handlers';
import { dispatch, type CallContext, type Handlers } from './registry';
import type { Session } from '../app/session';
import { createServices, type Services } from '../app/services';

// The whole main-side stack, as the renderer reaches it: handlers over real services, a real
// SQLite file and the sample App directory; only the window is missing.
const sample = path.resolve(__dirname, '../../build-resources/sample-app');
const SECRET = 'Sample-Pass-1';

let dir: string;
let services: Services;
/** Built once, as each carrier does: a run's kept results live in them. */
let handlers: Handlers;
let session: Session;
let events: Array<{ event: string; payload: unknown }>;
let transcript: string[];

async function call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>> {
  const ctx: CallContext = { session, emit: (event, payload) => events.push({ event, payload }) };
  const result = await dispatch(handlers, channel, input, ctx, services.logger);
  transcript.push(JSON.stringify(result));
  return result as Result<ChannelOutput<C>>;
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-services-'));
  session = { user: null };
  events = [];
  transcript = [];
  services = await createServices({
    mode: 'browser',
    dataDir: dir,
    version: 'test',
    platform: 'linux',
    logger: createFileLogger(dataFiles(dir).log),
    settings: createFileSettingsStore(dir),
    secrets: createMemorySecretStore('tests keep secrets in memory'),
  });
  handlers = createHandlers(services);
});
afterEach(async () => {
  await services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('main-side stack', () => {
  it('first start, logon, Test Settings, Synchronize now, users and history', async () => {
    const info = await call('app:info', {});
    expect(info).toMatchObject({
      ok: true,
      value: { needsAdminPassword: true, mode: 'browser', dataDir: dir, canBrowse: false },
    });
    expect(await call('settings:get', {})).toMatchObject({ ok: false, error: { code: 'notLoggedOn' } });

    // The password rule (shared/password-rule.ts) holds on the server too.
    expect(await call('auth:setup-admin', { password: 'abc' })).toMatchObject({
      ok: false,
      error: { code: 'weakPassword' },
    });
    expect(await call('auth:setup-admin', { password: 'Adm1n pass 12' })).toMatchObject({
      ok: true,
      value: { userName: 'admin' },
    });
    expect(await call('auth:setup-admin', { password: 'again' })).toMatchObject({
      ok: false,
      error: { code: 'refused' },
    });
    await call('auth:logoff', {});
    expect(await call('auth:logon', { userName: 'ADMIN', password: 'wrong' })).toMatchObject({
      ok: true,
      value: { ok: false, reason: 'invalidCredentials' },
    });
    expect(await call('auth:logon', { userName: 'admin', password: 'Adm1n pass 12' })).toMatchObject({
      ok: true,
      value: { ok: true },
    });

    const view = await call('settings:get', {});
    if (!view.ok) throw new Error(view.error.message);
    const settings = view.value.settings;
    settings.directory.appDir = sample;
    settings.directory.codePage = 'cp1252';
    settings.defaultPrivileges.privileges = ['login', 'archive'];
    expect(await call('settings:save', { settings, sharePassword: null })).toMatchObject({ ok: true });

    const overview = await call('mdaemon:overview', { settings, sharePassword: null });
    if (!overview.ok) throw new Error(overview.error.message);
    expect(overview.value.domains.map((d) => d.name)).toEqual([
      'branch.company.test',
      'company.test',
      'partner.example',
    ]);
    expect(overview.value.groups.length).toBeGreaterThanOrEqual(3);

    const test = await call('sync:test', { settings, sharePassword: null });
    if (!test.ok) throw new Error(test.error.message);
    expect(test.value.dryRun).toBe(true);
    expect(test.value.summary.create).toBe(overview.value.accountCount);
    const phases = events.filter((e) => e.event === 'sync:progress').map((e) => (e.payload as SyncProgress).phase);
    expect(phases).toContain('read');
    expect(phases).toContain('plan');
    const users0 = await call('users:list', {});
    expect(users0.ok && users0.value.map((u) => u.userName)).toEqual(['admin']);

    const run = await call('sync:run', { settings, sharePassword: null, confirmDeletes: false });
    if (!run.ok) throw new Error(run.error.message);
    expect(run.value.summary.create).toBe(test.value.summary.create);
    const users = await call('users:list', {});
    if (!users.ok) throw new Error(users.error.message);
    expect(users.value).toHaveLength(1 + test.value.summary.create);
    const frank = users.value.find((u) => u.userName !== 'admin')!;
    expect(frank.authentication).toBe('directoryServices');
    expect(frank.privileges).toEqual(['login', 'archive']);

    const again = await call('sync:test', { settings, sharePassword: null });
    expect(again.ok && again.value.summary).toMatchObject({
      create: 0,
      update: 0,
      delete: 0,
      unchanged: test.value.summary.create,
    });

    const runs = await call('history:list', { limit: 10 });
    if (!runs.ok) throw new Error(runs.error.message);
    expect(runs.value.map((r) => r.dryRun)).toEqual([true, false, true]);
    // A past run is opened on the main side and paged like a run's answer.
    const opened = await call('history:open', { runId: runs.value[1]!.id });
    if (!opened.ok) throw new Error(opened.error.message);
    expect(opened.value.first.all).toBe(test.value.summary.create);
    expect(opened.value.first.rows.length).toBe(Math.min(100, test.value.summary.create));
    const creates = await call('sync:results-page', {
      results: opened.value.results,
      action: 'create',
      offset: 0,
      limit: 1000,
    });
    if (!creates.ok) throw new Error(creates.error.message);
    expect(creates.value.total).toBe(test.value.summary.create);
    expect(creates.ok && creates.value.rows.every((c) => c.action === 'create')).toBe(true);

    // The USERLIST.DAT password field reaches no answer, no event, no file.
    const everything = [...transcript, JSON.stringify(events)].join('\n');
    expect(everything).not.toContain(SECRET);
    for (const file of fs.readdirSync(dir)) {
      expect(fs.readFileSync(path.join(dir, file)).includes(Buffer.from(SECRET)), file).toBe(false);
    }
    expect(fs.readFileSync(dataFiles(dir).log, 'utf8')).not.toContain('Adm1n pass 12');
  }, 60_000);

  it("keeps non-administrators out of the administrative channels and ends a deleted user's session", async () => {
    await call('auth:setup-admin', { password: 'Adm1n pass 12' });
    const created = await call('users:create', {
      userName: 'clerk',
      fullName: 'Clerk',
      emailAddresses: ['clerk@company.test'],
      authentication: 'integrated',
      privileges: ['login', 'changePassword'],
      folderAccess: [],
      password: 'Office pass 12',
    });
    expect(created).toMatchObject({ ok: true, value: { userName: 'clerk' } });
    const adminSession = session;

    session = { user: null };
    const clerkSession = session;
    const release = services.trackSession(clerkSession, (event, payload) => events.push({ event, payload }));
    expect(await call('auth:logon', { userName: 'Clerk', password: 'Office pass 12' })).toMatchObject({
      ok: true,
      value: { ok: true },
    });
    expect(await call('users:list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call('archive:mine', {})).toMatchObject({ ok: true, value: { folder: 'clerk', messages: 0 } });
    expect(await call('auth:change-password', { current: 'nope', next: 'New office pass 1' })).toMatchObject({
      ok: false,
      error: { code: 'invalidCredentials' },
    });
    expect(await call('auth:change-password', { current: 'Office pass 12', next: 'New office pass 1' })).toMatchObject({
      ok: true,
    });

    session = adminSession;
    expect(await call('users:delete', { userName: 'admin' })).toMatchObject({ ok: false });
    expect(await call('users:delete', { userName: 'clerk' })).toMatchObject({ ok: true, value: { folderKept: false } });
    expect(clerkSession.user).toBeNull();
    expect(events).toContainEqual({ event: 'session:ended', payload: { reason: 'your user was deleted' } });
    release();
  }, 60_000);
});

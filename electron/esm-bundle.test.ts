import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

// The Electron main process is an ESM bundle with its dependencies left in node_modules
// (build-resources/scripts/build.mjs). The Electron binary cannot run here, so this builds the
// services it composes the same way and runs them in plain Node: every dependency must load as
// ESM and the database, reader, SMB and IMAP paths must work from that bundle.
const root = path.resolve(__dirname, '..');
const dir = path.join(root, '.tmp', `esm-bundle-${process.pid}`);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the main process's ESM bundle", () => {
  it('loads its dependencies and runs a synchronization, a logon and a share read', async () => {
    fs.mkdirSync(dir, { recursive: true });
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: ['electron/app/services.ts'],
      outfile: path.join(dir, 'services.mjs'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const sample = path.join(root, 'build-resources/sample-app');
    fs.writeFileSync(
      path.join(dir, 'run.mjs'),
      `import { createServices } from './services.mjs';
const settings = { version: 1,
  directory: { type: 'mdaemon', appDir: ${JSON.stringify(sample)}, codePage: 'cp1252', share: { domain: '', userName: '' } },
  sync: { domains: [], groups: [], deleteUsers: false, deleteLimit: null, userNameFormat: 'email', includeDisabled: true, importAliases: true, autoSyncHours: 0 },
  defaultPrivileges: { privileges: ['login'], ownFolder: { read: true, write: false, delete: false } },
  imap: { host: '127.0.0.1', port: 1, security: 'none', ignoreCertificate: false, pinnedFingerprint256: null, loginMethod: 'auto', connectTimeoutMs: 2000, greetingTimeoutMs: 2000, totalTimeoutMs: 4000 } };
const logs = [];
const secrets = { get: () => null, set: () => undefined, has: () => false, unavailableReason: null };
const s = await createServices({ mode: 'electron', dataDir: new URL('./data', import.meta.url).pathname, version: 't', platform: 'linux',
  logger: { log(_level, m) { logs.push(m); } }, settings: { load: () => settings, save: (x) => x }, secrets });
const report = await s.run({ settings, sharePassword: null }, { dryRun: false, confirmDeletes: false, actor: 't' });
const user = (await s.db.listUsers()).find((u) => u.userName !== 'admin');
const logon = await s.authenticator.authenticate(user.userName, 'pw');
const share = await s.readDirectory({ settings: { ...settings, directory: { ...settings.directory, appDir: '\\\\\\\\127.0.0.1:1\\\\mdapp\\\\App', share: { domain: '', userName: 'x' } } }, sharePassword: 'y' }).then(() => 'read', (e) => e.code);
await s.close();
console.log(JSON.stringify({ created: report.summary.create, logon: logon.ok ? 'ok' : logon.reason, imap: logs.some((m) => /via IMAP failed \\(network\\)/.test(m)), share }));
`,
    );
    const out = execFileSync(process.execPath, [path.join(dir, 'run.mjs')], { cwd: dir, timeout: 60_000 }).toString();
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({
      created: 15,
      // An unreachable MDaemon answers like a wrong password; the log says what happened.
      logon: 'invalidCredentials',
      imap: true,
      share: 'network',
    });
  }, 90_000);
});

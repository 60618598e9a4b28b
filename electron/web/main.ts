/**
 * `npm run web`: browser mode, the product without the Electron binary.
 *
 * Serves the built renderer on 127.0.0.1 and prints one line, the URL with its access token.
 */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createFileLogger } from '../core/logger';
import { dataFiles, defaultDataDir } from '../core/paths';
import { createFileSettingsStore } from '../core/settings-store';
import { createMemorySecretStore } from '../core/secret-store';
import { createHandlers } from '../ipc/handlers';
import { createServices } from '../services';
import { VERSION } from '../version';
import { startWebServer } from './server';

function existingDir(dir: string): string | null {
  return fs.existsSync(path.join(dir, 'USERLIST.DAT')) ? dir : null;
}

async function main(): Promise<number> {
  // Library deprecation notices (the SMB client's Buffer()) are not the administrator's business.
  process.noDeprecation = true;
  let values: { 'data-dir'?: string; port?: string };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { 'data-dir': { type: 'string' }, port: { type: 'string' } },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`mdsync web: ${(err as Error).message}\nusage: npm run web -- [--data-dir D] [--port P]\n`);
    return 2;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`mdsync web: --port must be a port number, not "${values.port}"\n`);
    return 2;
  }
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir(process.platform, process.env, os.homedir()));
  const rendererDir = path.resolve(__dirname, 'renderer');
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    process.stderr.write('mdsync web: the renderer is not built; run `npm run build` first\n');
    return 2;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const logger = createFileLogger(dataFiles(dataDir).log);
  const services = await createServices({
    mode: 'browser',
    dataDir,
    version: VERSION,
    platform: process.platform,
    logger,
    settings: createFileSettingsStore(dataDir),
    sampleAppDir: existingDir(path.resolve(__dirname, '../build-resources/sample-app')),
    secrets: createMemorySecretStore(
      'browser mode cannot encrypt secrets at rest: the share password is kept in memory until browser mode stops',
    ),
  });
  let server;
  try {
    server = await startWebServer({
      rendererDir,
      handlers: createHandlers(services),
      logger,
      port,
      onSession: (session, emit) => services.trackSession(session, emit),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    process.stderr.write(
      `mdsync web: cannot listen on 127.0.0.1:${port}${code === 'EADDRINUSE' ? ' (in use)' : code ? ` (${code})` : ''}\n`,
    );
    await services.close();
    return 1;
  }
  logger.log('info', `browser mode on 127.0.0.1:${server.port}, data ${dataDir}`);
  process.stdout.write(`${server.url}\n`);
  const stop = () => {
    void server
      .close()
      .then(() => services.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`mdsync web: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
    process.exit(1);
  },
);

/**
 * `npm run web`: browser mode, the product without the Electron binary.
 *
 * Serves the built renderer on 127.0.0.1 (serve.ts, loopback policy) and prints one line, the URL
 * with its access token.
 */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../../shared/result';
import { defaultDataDir } from '../core/paths';
import { serve, stopOnSignals } from './serve';

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
  let serving;
  try {
    serving = await serve({
      mode: 'browser',
      dataDir,
      host: '127.0.0.1',
      port,
      rendererDir: path.resolve(__dirname, 'renderer'),
      sampleAppDir: existingDir(path.resolve(__dirname, '../build-resources/sample-app')),
    });
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    process.stderr.write(`mdsync web: ${err.message}\n`);
    return err.code === 'config' ? 2 : 1;
  }
  process.stdout.write(`${serving.url}\n`);
  return stopOnSignals(serving, (m) => process.stderr.write(`mdsync web: ${m}\n`));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`mdsync web: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
    process.exit(1);
  },
);

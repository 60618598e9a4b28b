/** serve() in-process: the Sessions setting drives the service's idle time, unless a flag fixes it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/settings';
import { saveSettings } from '../core/settings-store';
import { serve, type Serving } from './serve';

const dirs: string[] = [];
let serving: Serving | null = null;

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-serve-'));
  dirs.push(d);
  return d;
}

afterEach(async () => {
  await serving?.stop();
  serving = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function withIdle(dataDir: string, idleMinutes: number): void {
  const s = defaultSettings();
  saveSettings(dataDir, { ...s, sessions: { idleMinutes } });
}

describe('serve (server mode)', () => {
  it('ends idle sessions after the Sessions setting, followed while it runs; --session-idle overrides it', async () => {
    const rendererDir = tmp();
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>mdsync</title>');
    const dataDir = tmp();
    withIdle(dataDir, 7);
    serving = await serve({ mode: 'server', dataDir, host: '127.0.0.1', port: 0, rendererDir });
    expect(serving.server.sessions.idleTimeMs).toBe(7 * 60_000);
    withIdle(dataDir, 12);
    expect(serving.server.sessions.idleTimeMs).toBe(12 * 60_000);
    await serving.stop();
    serving = await serve({
      mode: 'server',
      dataDir,
      host: '127.0.0.1',
      port: 0,
      rendererDir,
      sessions: { idleMs: 2000 },
    });
    expect(serving.server.sessions.idleTimeMs).toBe(2000);
  }, 30_000);
});

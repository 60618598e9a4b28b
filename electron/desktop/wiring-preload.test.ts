import { describe, expect, it } from 'vitest';
import type { Api } from '../../shared/contract';
import { exposeApi } from './wiring-preload';

// The preload's work run in plain Node against a recording stand-in of contextBridge and ipcRenderer.
type Listener = (...args: unknown[]) => unknown;

describe('preload (stand-in of contextBridge and ipcRenderer)', () => {
  it('exposes window.api with invoke and on for contract names only', async () => {
    const exposed = new Map<string, unknown>();
    const invoked: [string, unknown][] = [];
    const listeners = new Map<string, Set<Listener>>();
    exposeApi({
      contextBridge: { exposeInMainWorld: (key, api) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: (channel, input) => (invoked.push([channel, input]), Promise.resolve({ ok: true, value: 1 })),
        on: (c, l) => listeners.set(c, (listeners.get(c) ?? new Set()).add(l)),
        removeListener: (c, l) => listeners.get(c)?.delete(l),
      },
    });
    expect([...exposed.keys()]).toEqual(['api']);
    const api = exposed.get('api') as Api & Record<string, unknown>;
    const loose = api as unknown as {
      invoke(c: string, i: unknown): Promise<unknown>;
      on(e: string, l: (p: unknown) => void): () => void;
    };
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(await api.invoke('app:info', {})).toEqual({ ok: true, value: 1 });
    expect(await loose.invoke('shell:exec', {})).toMatchObject({ ok: false, error: { code: 'unknownChannel' } });
    expect(invoked).toEqual([['app:info', {}]]);
    const got: unknown[] = [];
    const off = api.on('sync:progress', (p) => got.push(p));
    for (const l of listeners.get('sync:progress')!) l({ sender: 'x' }, { phase: 'apply' });
    expect(got).toEqual([{ phase: 'apply' }]);
    off();
    expect(listeners.get('sync:progress')!.size).toBe(0);
    loose.on('ipc:secret', () => undefined);
    expect(listeners.has('ipc:secret')).toBe(false);
  });
});

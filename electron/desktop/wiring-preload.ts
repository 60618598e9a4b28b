/**
 * The preload's work, given contextBridge and ipcRenderer: `window.api` built by looping over the
 * IPC contract's names. A function, so that it runs in plain Node against a stand-in of Electron.
 *
 * The renderer sees only `invoke` and `on`, and only for channels and events the contract names.
 */
import { CHANNEL_NAMES, EVENT_NAMES } from '../../shared/contract';

/** The parts of contextBridge and ipcRenderer the preload uses. */
export interface PreloadElectron {
  readonly contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  readonly ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  };
}

/** Exposes `window.api`. */
export function exposeApi({ contextBridge, ipcRenderer }: PreloadElectron): void {
  const channels = new Set<string>(CHANNEL_NAMES);
  const events = new Set<string>(EVENT_NAMES);
  contextBridge.exposeInMainWorld('api', {
    invoke(channel: string, input: unknown): Promise<unknown> {
      if (!channels.has(channel)) {
        return Promise.resolve({
          ok: false,
          error: { code: 'unknownChannel', message: `unknown channel ${String(channel).slice(0, 64)}` },
        });
      }
      return ipcRenderer.invoke(channel, input);
    },
    on(event: string, listener: (payload: unknown) => void): () => void {
      if (!events.has(event)) return () => undefined;
      const handler = (_e: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(event, handler);
      return () => ipcRenderer.removeListener(event, handler);
    },
  });
}

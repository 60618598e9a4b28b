/**
 * The preload: `window.api` from the IPC contract (electron/app-wiring-preload.ts), nothing else.
 *
 * Runs sandboxed with context isolation; a sandboxed preload may require only 'electron', so the
 * rest is bundled into it.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { exposeApi } from './app-wiring-preload';

exposeApi({ contextBridge, ipcRenderer });

/**
 * The preload: `window.api` from the IPC contract (electron/desktop/wiring-preload.ts), nothing else.
 *
 * Runs sandboxed with context isolation; a sandboxed preload may require only 'electron', so the
 * rest is bundled into it.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { exposeApi } from './wiring-preload';

exposeApi({ contextBridge, ipcRenderer });

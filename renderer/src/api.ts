/**
 * The one accessor through which the renderer reaches main: `window.api` from the preload in the
 * Electron app, the WebSocket bridge in browser mode. Components import `api` from here only.
 */
import type { Api } from '../../shared/contract';
import { createWsApi } from './ws-api';

declare global {
  interface Window {
    /** Installed by electron/desktop/preload.ts in the desktop app; absent in browser mode. */
    api?: Api;
  }
}

/** The contract's API for this page. */
export const api: Api = window.api ?? createWsApi(window.location);

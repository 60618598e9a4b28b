/**
 * How the Electron app serves its renderer and keeps its window on it: the app:// protocol's
 * answers (with the CSP; no remote origin, whichever server the app is connected to: the main
 * process makes that connection, not the page), and the handlers that refuse navigation, new
 * windows, webviews and permissions.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { APP_ORIGIN } from './sender-check';
import { contentType } from '../web/content-types';
import { buildCsp, injectNonce } from '../web/csp';

/** The scheme registration main makes before the app is ready. */
export const APP_SCHEME = {
  scheme: 'app',
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const;

/** Answers one app:// request from the built renderer in `rendererDir`. */
export function rendererResponse(rendererDir: string, requestUrl: string): Response {
  const notFound = () => new Response('not found', { status: 404 });
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return notFound();
  }
  if (`${url.protocol}//${url.host}` !== APP_ORIGIN) return notFound();
  let rel: string;
  try {
    rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
  } catch {
    return notFound();
  }
  const file = path.normalize(path.join(rendererDir, rel));
  if (!file.startsWith(rendererDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return notFound();
  }
  if (rel === 'index.html') {
    const nonce = crypto.randomBytes(16).toString('base64');
    return new Response(injectNonce(fs.readFileSync(file, 'utf8'), nonce), {
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': buildCsp(nonce) },
    });
  }
  return new Response(fs.readFileSync(file), { headers: { 'content-type': contentType(file) } });
}

/** The parts of a WebContents the guards use. */
export interface GuardedContents {
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
}

/** Keeps a web contents on the app: no new windows, no navigation away, no webviews. */
export function guardContents(contents: GuardedContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The web preferences of the app's window: sandboxed, isolated, no Node in the page. */
export function windowPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    spellcheck: false,
  } as const;
}

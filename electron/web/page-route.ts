/**
 * The web server's static side: the page with a fresh CSP nonce, the built renderer's files, and
 * browser mode's token (in the URL once, then in a cookie so the assets load).
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { contentType } from './content-types';
import { buildCsp, injectNonce } from './csp';
import { readCookie, sameToken, type ServerPolicy } from './policy';
import type { StaticFiles } from './static-files';

/** What a route gets besides the request and the response. */
export interface RouteContext {
  /** The query string's parameters. */
  readonly query: URLSearchParams;
  /** The headers every answer carries (security headers). */
  readonly headers: Record<string, string>;
  /** Answers with a status and one line of text. */
  readonly deny: (status: number, text: string) => void;
}

/** A handler of one path; a throw or a rejection answers 500 and is logged, the server goes on. */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse, ctx: RouteContext) => void | Promise<void>;

/** Browser mode's token cookie (the page sets it so its assets load). */
const TOKEN_COOKIE = 'mdsync_token';

/** True when the request may reach the page's files: browser mode's token, or any on the network. */
export function tokenAllowed(policy: ServerPolicy, req: http.IncomingMessage, query: URLSearchParams): boolean {
  return (
    policy.kind !== 'loopback' ||
    sameToken(query.get('token'), policy.token) ||
    sameToken(readCookie(req, TOKEN_COOKIE), policy.token)
  );
}

/** The page (`/`, `/index.html`), with a fresh CSP nonce. */
export function pageRoute(policy: ServerPolicy, files: StaticFiles): Route {
  const network = policy.kind === 'network';
  return (req, res, { query, headers, deny }) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'method not allowed');
    if (policy.kind === 'loopback' && !tokenAllowed(policy, req, query)) {
      return deny(403, 'open the URL that `npm run web` printed (it carries the access token)');
    }
    const nonce = crypto.randomBytes(16).toString('base64');
    const pageHeaders: Record<string, string> = {
      ...headers,
      'content-type': contentType('index.html'),
      'content-security-policy': buildCsp(nonce, `${network ? 'wss' : 'ws'}://${req.headers.host}`),
    };
    if (policy.kind === 'loopback') {
      pageHeaders['set-cookie'] = `${TOKEN_COOKIE}=${policy.token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, pageHeaders);
    res.end(req.method === 'HEAD' ? undefined : injectNonce(files.indexHtml(), nonce));
  };
}

/** Any other GET: one of the renderer's built files, behind the token in browser mode. */
export function serveFile(
  policy: ServerPolicy,
  files: StaticFiles,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  { query, headers, deny }: RouteContext,
  path: string,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'method not allowed');
  if (!tokenAllowed(policy, req, query)) return deny(403, 'forbidden');
  const file = files.get(path);
  if (!file) return deny(404, 'not found');
  res.writeHead(200, { ...headers, 'content-type': file.type });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

/**
 * The renderer's Content-Security-Policy, shared by Electron's app:// protocol and browser mode.
 *
 * Scripts and styles come only from the app itself; MUI's emotion style tags carry a per-load
 * nonce (renderer/src/csp-nonce.ts reads it), so neither 'unsafe-inline' nor remote content is allowed.
 */

/** The CSP header value for one page load; `connect` adds browser mode's WebSocket origin. */
export function buildCsp(nonce: string, connect?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${connect ? ` ${connect}` : ''}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Writes the nonce into the page's `csp-nonce` meta tag. */
export function injectNonce(html: string, nonce: string): string {
  return html.replace('__CSP_NONCE__', nonce);
}

/**
 * The Content-Security-Policy nonce for MUI's emotion styles.
 *
 * The server (Electron's app:// protocol or browser mode) writes a fresh nonce into the page's
 * `csp-nonce` meta tag and into the `style-src` of its CSP header, so no 'unsafe-inline' is needed.
 */
import createCache, { type EmotionCache } from '@emotion/cache';

/** The nonce the server put into the page, or undefined when served without one (tests). */
export function cspNonce(doc: Document): string | undefined {
  const value = doc.querySelector('meta[name="csp-nonce"]')?.getAttribute('content') ?? '';
  return value && !value.startsWith('__') ? value : undefined;
}

/** An emotion cache whose style tags carry the page's nonce. */
export function createNonceCache(doc: Document): EmotionCache {
  const nonce = cspNonce(doc);
  return createCache(nonce ? { key: 'mds', nonce, prepend: true } : { key: 'mds', prepend: true });
}

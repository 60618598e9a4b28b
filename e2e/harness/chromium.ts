/**
 * How the tests and the UI benchmark start Debian's Chromium: no sandbox (root), no GPU, and no
 * background traffic (this machine reaches nothing but the package registries).
 */

/** Debian's Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Its command-line flags. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

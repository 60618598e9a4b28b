/** The product version, stamped in by the build (esbuild `define`); "dev" when run from source. */
declare const __MDSYNC_VERSION__: string | undefined;

/** The version of this build of mdsync. */
export const VERSION: string = typeof __MDSYNC_VERSION__ === 'string' ? __MDSYNC_VERSION__ : 'dev';

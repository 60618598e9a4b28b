#!/usr/bin/env node
// Builds everything into dist/: the renderer with Vite, main/preload/CLI/browser mode with esbuild.
// `--watch` rebuilds the renderer and the Node bundles on change (development of browser mode).
import { build as viteBuild } from 'vite';
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { __MDSYNC_VERSION__: JSON.stringify(pkg.version) },
};

/** Node bundles: dependencies stay in node_modules (they ship with the app), our code is bundled. */
const targets = [
  { entryPoints: ['electron/cli/main.ts'], outfile: 'dist/cli.cjs', format: 'cjs', packages: 'external', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['electron/web/main.ts'], outfile: 'dist/web.cjs', format: 'cjs', packages: 'external' },
  // The main process is ESM so electron-store (ESM only) loads natively.
  { entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.mjs', format: 'esm', packages: 'external' },
  // A sandboxed preload may require only 'electron': everything else is bundled into it.
  { entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] },
];

async function buildNode() {
  for (const t of targets) {
    if (!fs.existsSync(path.join(root, t.entryPoints[0]))) continue;
    if (watch) {
      const ctx = await esbuild.context({ ...common, ...t });
      await ctx.watch();
    } else {
      await esbuild.build({ ...common, ...t });
    }
  }
  fs.copyFileSync(path.join(root, 'build-resources/icon.png'), path.join(dist, 'icon.png'));
  const cli = path.join(dist, 'cli.cjs');
  if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
}

async function buildRenderer() {
  await viteBuild({
    configFile: path.join(root, 'renderer/vite.config.mts'),
    logLevel: 'warn',
    build: watch ? { watch: {} } : {},
  });
}

try {
  fs.mkdirSync(dist, { recursive: true });
  await Promise.all([buildNode(), buildRenderer()]);
  if (!watch) console.log('mdsync: built dist/ (renderer, main, preload, cli, web)');
} catch (err) {
  console.error(`mdsync: build failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  process.exit(1);
}

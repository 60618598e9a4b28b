#!/usr/bin/env node
// Builds everything into dist/: the renderer with Vite, main/preload/CLI/browser mode with esbuild.
// `--watch` rebuilds the renderer and the Node bundles on change (development of browser mode).
import { build as viteBuild } from 'vite';
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
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
  // sqljs.ts falls back to import.meta.url only where `require` is missing (the ESM main bundle).
  logOverride: { 'empty-import-meta': 'silent' },
  define: { __MDSYNC_VERSION__: JSON.stringify(pkg.version) },
};

/**
 * The CLI starts as a whole process for every scheduled run and script call, so its start-up counts:
 * one minified bundle with its dependencies (resolving and reading hundreds of files in
 * node_modules cost more than the work of a short command), except sql.js, whose wasm file is
 * found at run time next to its module. Commands stay lazily initialised inside the bundle.
 * `--watch` builds it straight into dist/cli.cjs; a full build adds a V8 code cache (below).
 */
const cliTarget = {
  entryPoints: ['electron/cli/main.ts'],
  format: 'cjs',
  external: ['sql.js'],
  minify: true,
  banner: { js: '#!/usr/bin/env node' },
};

/** Node bundles: dependencies stay in node_modules (they ship with the app), our code is bundled. */
const targets = [
  { entryPoints: ['electron/web/main.ts'], outfile: 'dist/web.cjs', format: 'cjs', packages: 'external' },
  // The network service's logon-check workers (electron/core/imap/check-pool.ts): one small file.
  { entryPoints: ['electron/core/imap/check-worker.ts'], outfile: 'dist/imap-worker.cjs', format: 'cjs', minify: true },
  // The main process is ESM so electron-store (ESM only) loads natively.
  { entryPoints: ['electron/desktop/main.ts'], outfile: 'dist/electron/main.mjs', format: 'esm', packages: 'external' },
  // A sandboxed preload may require only 'electron': everything else is bundled into it.
  {
    entryPoints: ['electron/desktop/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
    format: 'cjs',
    external: ['electron'],
  },
];

async function buildNode() {
  if (watch) {
    const ctx = await esbuild.context({ ...common, ...cliTarget, outfile: 'dist/cli.cjs' });
    await ctx.watch();
  } else {
    await buildCli();
  }
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

/**
 * dist/cli.cjs is a small loader of the bundle dist/cli-<hash>.cjs that hands V8 the code cache
 * dist/cli-<hash>.cjs.cache, made here by running a few commands on the bundle (compiled
 * functions included), so a run neither parses 2 MB of JavaScript nor compiles what it calls.
 * The content hash in the names ties loader, bundle and cache to one build; V8 itself refuses a
 * cache of another Node version or other V8 flags (the loader then compiles as usual).
 */
async function buildCli() {
  const out = await esbuild.build({ ...common, ...cliTarget, banner: {}, outdir: 'dist/.cli', write: false });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = out.outputFiles.find((f) => f.path.endsWith('.js.map'));
  const hash = crypto.createHash('sha256').update(js.contents).digest('hex').slice(0, 12);
  const name = `cli-${hash}.cjs`;
  for (const f of fs.readdirSync(dist)) if (/^cli(-[0-9a-f]{12})?\.cjs/.test(f)) fs.rmSync(path.join(dist, f));
  const code = Buffer.from(js.text.replace(/\/\/# sourceMappingURL=\S+\s*$/, `//# sourceMappingURL=${name}.map\n`));
  fs.writeFileSync(path.join(dist, name), code);
  fs.writeFileSync(path.join(dist, `${name}.map`), map.contents);
  const loader = `#!/usr/bin/env node
'use strict';
// mdsync's command line: loads ${name} with its V8 code cache (see build-resources/scripts/build.mjs).
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { wrap } = require('node:module');
const file = path.join(__dirname, ${JSON.stringify(name)});
let cachedData;
try {
  cachedData = fs.readFileSync(file + '.cache');
} catch {
  cachedData = undefined;
}
const script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
if (process.env.MDSYNC_CODE_CACHE === 'write') {
  process.once('exit', () => fs.writeFileSync(file + '.cache', script.createCachedData()));
}
// As this module: require.main === module and exports behave as if the bundle were dist/cli.cjs.
script.runInThisContext().call(module.exports, module.exports, require, module, file, __dirname);
`;
  fs.writeFileSync(path.join(dist, 'cli.cjs'), loader);
  fs.chmodSync(path.join(dist, 'cli.cjs'), 0o755);
  makeCliCodeCache(name);
}

/** Runs typical commands once with MDSYNC_CODE_CACHE=write; without a cache the CLI still works. */
function makeCliCodeCache(name) {
  const cli = path.join(dist, 'cli.cjs');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-build-'));
  try {
    const env = { ...process.env, MDSYNC_CODE_CACHE: 'write', NODE_OPTIONS: '' };
    // Start-up, settings and the IMAP client, compiled: connection refused on port 1, no server needed.
    const r = spawnSync(
      process.execPath,
      [
        cli,
        'imap-check',
        '--user',
        'cache@build.test',
        '--password-stdin',
        '--json',
        '--data-dir',
        tmp,
        '--imap-host',
        '127.0.0.1',
        '--imap-port',
        '1',
        '--imap-security',
        'none',
      ],
      { env, input: 'not-a-password\n', stdio: ['pipe', 'ignore', 'pipe'], timeout: 30_000 },
    );
    if (!fs.existsSync(path.join(dist, `${name}.cache`))) {
      console.warn(
        `mdsync: no CLI code cache (${
          String(r.stderr ?? r.error ?? '')
            .trim()
            .split('\n')[0]
        }); the CLI works, it starts slower`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
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

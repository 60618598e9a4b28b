/**
 * Loads sql.js (SQLite compiled to WebAssembly) once per process.
 *
 * The wasm file is located through module resolution so it works from the sources (tsx, vitest),
 * the CommonJS CLI bundle and the ESM main bundle alike; callers may inject another path.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

const loaded = new Map<string, Promise<SqlJsStatic>>();

/** The path of sql.js's wasm binary in node_modules. */
export function defaultWasmPath(): string {
  // CommonJS (the CLI and browser-mode bundles, tsx) has __filename; the ESM main bundle has
  // import.meta.url. `typeof require` says nothing: esbuild's ESM output defines a require shim
  // that cannot resolve.
  const req = typeof __filename === 'string' ? createRequire(__filename) : createRequire(import.meta.url);
  return req.resolve('sql.js/dist/sql-wasm.wasm');
}

/** The sql.js module, initialised from `wasmPath` (default: the installed package's binary). */
export function loadSqlJs(wasmPath: string = defaultWasmPath()): Promise<SqlJsStatic> {
  let module = loaded.get(wasmPath);
  if (!module) {
    const wasmBinary = fs.readFileSync(wasmPath);
    module = initSqlJs({ wasmBinary: new Uint8Array(wasmBinary).buffer });
    loaded.set(wasmPath, module);
    module.catch(() => loaded.delete(wasmPath));
  }
  return module;
}

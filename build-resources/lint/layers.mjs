// The house's layers as lint rules (docs/architecture.md, "Layers"): which folder may import which.
// eslint-plugin-import-x's no-restricted-paths resolves each import to a file and fails the lint when a
// file of a zone's target imports from its `from`; a violation names the rule broken.
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** One zone per rule: `target` may not import `from`. Paths are relative to the project's root. */
export const LAYER_ZONES = [
  {
    target: './shared',
    from: ['./electron', './renderer', './e2e', './build-resources'],
    message: 'shared/ imports nothing of ours: it is the contract both sides build on.',
  },
  {
    target: './electron/core',
    from: ['./electron/api', './electron/app', './electron/web', './electron/cli', './electron/desktop', './renderer'],
    message:
      'electron/core is the domain and infrastructure: it imports neither the API layer, the carriers, the CLI nor the renderer.',
  },
  {
    target: './electron/core/db/sqlite',
    from: './electron/core/db/postgres',
    message: 'one store never imports the other: what both need sits in core/db (port.ts, store-common.ts).',
  },
  {
    target: './electron/core/db/postgres',
    from: './electron/core/db/sqlite',
    message: 'one store never imports the other: what both need sits in core/db (port.ts, store-common.ts).',
  },
  {
    target: './electron/core/db/!(open|database-choice).ts',
    from: ['./electron/core/db/sqlite', './electron/core/db/postgres'],
    message: 'the stores import the port, not the other way: only open.ts and database-choice.ts pick a store.',
  },
  {
    target: './electron/app',
    from: ['./electron/api', './electron/web', './electron/cli', './electron/desktop', './renderer'],
    message:
      'electron/app is the application layer: it composes the core and imports neither the API layer, the carriers, the CLI, the Electron shell nor the renderer.',
  },
  {
    target: './electron/api',
    from: ['./electron/web', './electron/cli', './electron/desktop', './renderer'],
    message:
      'electron/api is the transport-neutral API: it imports neither the carriers (web/, desktop/), the CLI nor the renderer.',
  },
  {
    target: './renderer',
    from: ['./electron', './e2e', './build-resources'],
    message: 'the renderer imports only shared/: everything else reaches it through the contract.',
  },
];

/** The flat-config entry that enforces the zones on TypeScript sources. */
export const layersConfig = {
  files: ['**/*.ts', '**/*.tsx'],
  plugins: { 'import-x': importX },
  settings: {
    'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: false })],
  },
  rules: { 'import-x/no-restricted-paths': ['error', { zones: LAYER_ZONES }] },
};

/**
 * The layer rules fail the lint: a planted import across each forbidden boundary is reported, and the
 * same file with an allowed import is not. Only the layers config is loaded (no typed rules), so the
 * planted files need not exist on disk; the files they import do.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { layersConfig } from './layers.mjs';

const root = path.resolve(__dirname, '../..');

async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [layersConfig] });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

const RULE = 'import-x/no-restricted-paths';

describe('layer rules', () => {
  const planted: [string, string, string][] = [
    ['shared/planted.ts', "import { Logger } from '../electron/core/logger';", 'shared/ imports nothing of ours'],
    ['shared/planted.ts', "import { App } from '../renderer/src/app/App';", 'shared/ imports nothing of ours'],
    ['electron/core/planted.ts', "import { dispatch } from '../api/registry';", 'electron/core is the domain'],
    ['electron/core/planted.ts', "import { startServer } from '../web/http-server';", 'electron/core is the domain'],
    ['electron/core/db/planted.ts', "import { main } from '../../cli/main';", 'electron/core is the domain'],
    ['electron/core/planted.ts', "import { createServices } from '../app/services';", 'electron/core is the domain'],
    ['electron/app/planted.ts', "import { dispatch } from '../api/registry';", 'electron/app is the application layer'],
    ['electron/app/planted.ts', "import { serve } from '../web/serve';", 'electron/app is the application layer'],
    ['electron/app/planted.ts', "import { main } from '../cli/main';", 'electron/app is the application layer'],
    [
      'electron/app/planted.ts',
      "import { trustedSender } from '../desktop/sender-check';",
      'electron/app is the application layer',
    ],
    ['electron/api/planted.ts', "import { serve } from '../web/serve';", 'electron/api is the transport-neutral API'],
    [
      'electron/api/handlers/planted.ts',
      "import { main } from '../../cli/main';",
      'electron/api is the transport-neutral API',
    ],
    [
      'electron/api/planted.ts',
      "import { trustedSender } from '../desktop/sender-check';",
      'electron/api is the transport-neutral API',
    ],
    [
      'electron/core/db/sqlite/planted.ts',
      "import { PgRepository } from '../postgres/repository';",
      'one store never imports the other',
    ],
    [
      'electron/core/db/postgres/planted.ts',
      "import { SqliteRepository } from '../sqlite/repository';",
      'one store never imports the other',
    ],
    ['electron/core/db/planted.ts', "import { Sql } from './sqlite/sql';", 'the stores import the port'],
    ['electron/core/db/port.ts', "import { pgConfig } from './postgres/connect';", 'the stores import the port'],
    [
      'renderer/src/planted.ts',
      "import { Logger } from '../../electron/core/logger';",
      'the renderer imports only shared/',
    ],
    ['renderer/src/planted.ts', "import { x } from '../../e2e/harness/app-dir';", 'the renderer imports only shared/'],
  ];
  for (const [file, code, words] of planted) {
    it(`${file}: ${code}`, async () => {
      const messages = await lintAs(file, code);
      expect(messages.filter((m) => m.startsWith(RULE))).toHaveLength(1);
      expect(messages.join('\n')).toContain(words);
    });
  }

  it('allows what the layers allow', async () => {
    expect(await lintAs('renderer/src/planted.ts', "import { CONTRACT } from '../../shared/contract';")).toEqual([]);
    expect(await lintAs('electron/cli/planted.ts', "import { dispatch } from '../api/registry';")).toEqual([]);
    expect(await lintAs('electron/core/planted.ts', "import { x } from '../../shared/contract';")).toEqual([]);
    expect(await lintAs('electron/core/db/sqlite/planted.ts', "import { ADMIN_USER } from '../store-common';")).toEqual(
      [],
    );
    expect(await lintAs('electron/core/db/open.ts', "import { SqliteRepository } from './sqlite/repository';")).toEqual(
      [],
    );
    expect(await lintAs('electron/api/planted.ts', "import { createServices } from '../app/services';")).toEqual([]);
    expect(await lintAs('electron/web/planted.ts', "import { Session } from '../app/session';")).toEqual([]);
  });
});

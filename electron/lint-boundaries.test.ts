import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
// The probes are not files on disk: let typescript-eslint lint them with its default project.
const probes = [
  'shared/probe.ts',
  'electron/core/probe.ts',
  'electron/cli/probe.ts',
  'electron/web/probe.ts',
  'electron/api/probe.ts',
  'electron/app/probe.ts',
  'renderer/src/probe.ts',
  'electron/desktop/adapters/probe.ts',
];
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: probes,
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 20,
        },
      },
    },
  },
});

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  const fatal = result?.messages.find((m) => m.fatal);
  if (fatal) throw new Error(fatal.message);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const useElectron = "import { app } from 'electron';\nexport const name = app.getName();\n";
const useIpcMain = "import { ipcMain } from 'electron';\nexport const h = ipcMain.handle;\n";

describe('layer boundaries (lint)', () => {
  it('keeps electron out of shared/, the core, the CLI, browser mode and the renderer', async () => {
    for (const file of [
      'shared/probe.ts',
      'electron/core/probe.ts',
      'electron/cli/probe.ts',
      'electron/web/probe.ts',
      'electron/api/probe.ts',
      'electron/app/probe.ts',
      'renderer/src/probe.ts',
    ]) {
      expect(await restricted(file, useElectron), file).not.toEqual([]);
    }
  }, 60_000);

  it('keeps Node modules out of shared/ and the renderer', async () => {
    const code = "import fs from 'node:fs';\nexport const f = fs.readFileSync;\n";
    expect(await restricted('shared/probe.ts', code)).not.toEqual([]);
    expect(await restricted('renderer/src/probe.ts', code)).not.toEqual([]);
    expect(await restricted('electron/core/probe.ts', code)).toEqual([]);
  }, 60_000);

  it('allows electron in the desktop shell, but raw ipcMain only in its IPC carrier', async () => {
    expect(await restricted('electron/desktop/adapters/probe.ts', useElectron)).toEqual([]);
    expect(await restricted('electron/desktop/adapters/probe.ts', useIpcMain)).not.toEqual([]);
    expect(await restricted('electron/desktop/main.ts', useIpcMain)).not.toEqual([]);
    expect(await restricted('electron/desktop/electron-ipc.ts', useIpcMain)).toEqual([]);
  }, 60_000);
});

// ESLint flat config: typescript-eslint (typed), react-hooks, and the layer boundaries of
// docs/architecture.md: `electron` only in the desktop shell (electron/desktop/); raw ipcMain/ipcRenderer
// only in its IPC carrier and the preload.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { layersConfig } from './build-resources/lint/layers.mjs';

const noElectron = {
  name: 'electron',
  message: 'electron may be imported only by the desktop shell, electron/desktop/',
};
const rawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message:
    'raw ipcMain/ipcRenderer belong to electron/desktop/preload.ts and electron/desktop/electron-ipc.ts only: add a channel to shared/contract.ts',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'bench-data/**',
      'test-results/**',
      'playwright-report/**',
      'e2e/artifacts/**',
      '.tmp/**',
      'build-resources/sample-app/**/*.DAT',
    ],
  },
  js.configs.recommended,
  layersConfig,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [{ group: ['node:*'], message: 'the renderer runs in a browser: no Node modules' }],
        },
      ],
    },
  },
  {
    files: [
      'shared/**/*.ts',
      'electron/core/**/*.ts',
      'electron/cli/**/*.ts',
      'electron/web/**/*.ts',
      'electron/api/**/*.ts',
      'electron/app/**/*.ts',
      'electron/testing/**/*.ts',
      'e2e/**/*.ts',
      'build-resources/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [{ group: ['node:*'], message: 'shared/ runs on both sides: no Node modules' }],
        },
      ],
    },
  },
  {
    files: ['electron/desktop/main.ts', 'electron/desktop/wiring*.ts', 'electron/desktop/adapters/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [rawIpc] }] },
  },
  {
    files: [
      '**/*.test.ts',
      '**/*.int.test.ts',
      'e2e/**/*.ts',
      'electron/testing/**/*.ts',
      'build-resources/**/*.ts',
      'electron/cli/**/*.ts',
    ],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);

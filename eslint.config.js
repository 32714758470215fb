// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { layerRules } from './eslint.layers.js';

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', 'out/**', 'dist/**', '.vite/**', 'coverage/**', 'test-results/**', 'playwright-report/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.es2023 } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['main/**', 'scripts/**', 'test/**', 'bench/**', '*.ts', '*.js', 'kernels/**'], languageOptions: { globals: { ...globals.node } } },
  { files: ['renderer/**', 'test/e2e/**'], languageOptions: { globals: { ...globals.browser } } },
  ...layerRules,
);

// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = {
  patterns: [{ regex: '^node:', message: 'This package is runtime-agnostic: no node: imports outside tests.' }],
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='customElements'][callee.property.name='define']",
          message: 'Define custom elements only inside an explicit defineElements() function.',
        },
      ],
    },
  },
  {
    files: ['packages/core/src/**/*.ts', 'packages/processor/src/**/*.ts', 'packages/convert/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/node/**'],
    rules: { 'no-restricted-imports': ['error', nodeBuiltins] },
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'src/core, src/receiver and src/cli run without VS Code (CLI, unit tests): keep the vscode API in src/extension.', allowTypeImports: false }],
  }],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'samples/**', '.vscode-test/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'eqeqeq': ['error', 'always', { null: 'ignore' }],
    },
  },
  { files: ['src/core/**/*.ts', 'src/receiver/**/*.ts', 'src/cli/**/*.ts'], rules: noVscode },
  // The panel shows attribute values sent by any process: its DOM is built from text nodes only, never parsed markup.
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      ...noVscode,
      'no-restricted-syntax': ['error',
        { selector: "AssignmentExpression > MemberExpression.left[property.name=/^(innerHTML|outerHTML)$/]", message: 'Build DOM with textContent: panel data is untrusted.' },
        { selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln)$/]", message: 'Build DOM with textContent: panel data is untrusted.' },
      ],
    },
  },
);

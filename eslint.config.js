// Lint keeps the architecture honest: core imports no framework, database, Lark, Office or node:fs.
import tseslint from 'typescript-eslint';

const coreForbidden = {
  paths: [
    { name: 'fs', message: 'core never touches the file system: take bytes, or add a port.' },
    { name: 'node:fs', message: 'core never touches the file system: take bytes, or add a port.' },
    { name: 'fs/promises', message: 'core never touches the file system.' },
    { name: 'node:fs/promises', message: 'core never touches the file system.' },
    { name: 'express', message: 'express belongs to server/.' },
    { name: 'lowdb', message: 'lowdb belongs to a server storage adapter.' },
    { name: 'pg', message: 'pg belongs to a server storage adapter.' },
    { name: '@microsoft/office-js', message: 'Office belongs to addin-word/src/office/.' },
  ],
  patterns: [
    { group: ['@larksuiteoapi/*'], message: 'Lark belongs to the connectors.' },
    { group: ['lowdb/*', 'express/*'], message: 'frameworks stay out of core.' },
    { group: ['@signet/server', '@signet/connector-*', '@signet/addin-word'], message: 'dependencies point inward.' },
  ],
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'addin-word/build/**', 'server/public/**', 'test-artifacts/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name='it'][callee.property.name='only']", message: 'it.only would skip the rest of the suite.' }],
    },
  },
  {
    files: ['core/src/**/*.ts'],
    ignores: ['core/src/**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', coreForbidden] },
  },
  {
    files: ['core/src/pdf/**/*.ts'],
    ignores: ['core/src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { ...coreForbidden, patterns: [...coreForbidden.patterns, { group: ['../pades/*', '../verify/*', '../cms/*'], message: 'pdf/ knows nothing of signing.' }] }],
    },
  },
);

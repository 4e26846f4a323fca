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

// addin-word files that run in Node, not in the task pane.
const addinNodeSide = ['addin-word/src/**/*.spec.ts', 'addin-word/src/build/**', 'addin-word/src/manifest/**', 'addin-word/src/testing/node/**', 'addin-word/src/build-path.ts', 'addin-word/src/index.ts'];

// What the task pane's browser code may not import; `extra` adds packages (pdf-lib outside the fake's renderer).
const addinForbidden = (extra) => ({
  paths: [
    { name: '@signet/core', message: 'the add-in imports only @signet/core/contracts (browser-safe types).' },
    { name: 'node-forge', message: 'no forge in the task pane: the server signs.' },
    { name: 'pdfjs-dist', message: 'no pdf.js in the task pane: the server reads PDFs.' },
    { name: '@microsoft/office-js', message: 'Office.js is loaded from the CDN by the page; reach it through addin-word/src/office/.' },
    ...extra.map((name) => ({ name, message: `${name} stays out of the task pane bundle (the fake gateway's renderer may use pdf-lib).` })),
  ],
  patterns: [
    { group: ['@signet/core/*', '!@signet/core/contracts'], message: 'the add-in imports only @signet/core/contracts (browser-safe types).' },
    { group: ['@signet/server', '@signet/server/*', '@signet/connector-*', '@signet/test-support'], message: 'the add-in talks to the server over HTTP only.' },
    { group: ['node:*', 'fs', 'path', 'crypto'], message: 'task pane code runs in the browser: no Node modules.' },
    { group: ['@pdf-lib/*', 'pdfjs-dist/*'], message: 'no PDF engines in the task pane.' },
  ],
});

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
  // addin-word: the task pane is browser code. From core it may import only the browser-safe
  // `contracts` subpath; Office.* and Word.* stay in addin-word/src/office/. Node-side files (build,
  // manifest checks, the browser-test harness, build-path, the package main) and specs are exempt.
  {
    files: ['addin-word/src/**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['addin-word/src/**/*.ts', 'addin-word/src/**/*.tsx'],
    ignores: addinNodeSide,
    rules: { 'no-restricted-imports': ['error', addinForbidden(['pdf-lib'])] },
  },
  {
    // The fake gateway's PDF export draws a real PDF with pdf-lib (tests and the dev preview only).
    files: ['addin-word/src/office/fake-document-pdf.ts'],
    rules: { 'no-restricted-imports': ['error', addinForbidden([])] },
  },
  {
    files: ['addin-word/src/**/*.ts', 'addin-word/src/**/*.tsx'],
    ignores: [...addinNodeSide, 'addin-word/src/office/**'],
    rules: {
      'no-restricted-globals': ['error',
        { name: 'Office', message: 'Office.js belongs to addin-word/src/office/ (the gateway).' },
        { name: 'Word', message: 'Office.js belongs to addin-word/src/office/ (the gateway).' }],
    },
  },
  // server/web: the pages' browser code talks to the server over HTTP; from the server and core it
  // takes types only. The build, the browser-test harness and the specs run in Node.
  {
    files: ['server/web/**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['server/web/**/*.ts', 'server/web/**/*.tsx'],
    ignores: ['server/web/**/*.spec.ts', 'server/web/build*.ts', 'server/web/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'crypto', 'express', 'pg', 'lowdb', 'node-forge', 'pdf-lib', '@pdf-lib/*'], message: 'page code runs in the browser: no Node modules or server libraries.' },
          { group: ['@signet/core', '@signet/core/*', '@signet/server', '@signet/server/*', '**/src/*', '**/src/**'], allowTypeImports: true, message: 'pages reach the server over HTTP: import types only (import type …).' },
        ],
      }],
    },
  },
);

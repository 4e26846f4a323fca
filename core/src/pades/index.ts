export * from './levels.js';
export * from './validation-data.js';
export * from './prepare.js';
export * from './sign-pdf.js';
export * from './embedded-validation-data.js';

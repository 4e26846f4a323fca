export * from './report.js';
export * from './modifications.js';
export * from './verify-pdf.js';
export * from './format-report.js';

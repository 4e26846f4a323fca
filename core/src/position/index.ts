/**
 * Positioning: where a signature, seal or template value goes. Text location with pdf.js (anchor
 * text and keywords), placement relative to a hit, and positions as fractions of the page.
 */
export * from './text-layer.js';
export * from './find-text.js';
export * from './place-at-anchor.js';
export * from './page-fractions.js';

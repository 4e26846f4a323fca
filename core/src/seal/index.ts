/**
 * Seals and handwritten signatures (DESIGN §3 seal/): one vector geometry model, rendered as SVG for
 * previews and as PDF operators for signature appearances, plus uploaded seal images (PNG, JPEG, SVG).
 */
export * from './drawing.js';
export * from './drawing-to-svg.js';
export * from './drawing-to-pdf.js';
export * from './glyph-writer.js';
export * from './seal-style.js';
export * from './seal-shapes.js';
export * from './round-seal.js';
export * from './oval-seal.js';
export * from './square-seal.js';
export * from './date-stamp.js';
export * from './generate-seal.js';
export * from './handwriting.js';
export * from './parse-xml.js';
export * from './parse-svg.js';
export * from './seal-image.js';

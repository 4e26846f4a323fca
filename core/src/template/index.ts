/**
 * Templates and bundles (DESIGN §3 template/): a base PDF plus typed fields, variables validated
 * before anything is drawn, values drawn with an embedded subset CJK font, and contract bundles
 * (合同组合) filled from one set of variables.
 */
export * from './template-definition.js';
export * from './format-value.js';
export * from './validate-variables.js';
export * from './fit-text.js';
export { fillTemplate, type FillTemplateOptions, type FillResult, type ResolvedPosition, type FilledField } from './fill-template.js';
export * from './fill-bundle.js';

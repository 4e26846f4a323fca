/**
 * @signet/core — the domain and the PDF/crypto engine. No framework, database, Lark, Office or
 * node:fs here: the outside is reached through the ports in `ports/`.
 */
export * from './errors.js';
export * from './ports/index.js';
export * from './pdf/index.js';
export * from './pdf/acroform.js';
export * from './pdf/appearance.js';
export * from './pdf/image.js';
export * from './pdf/dss.js';
export * from './font/index.js';
export {
  buildPadesSignedData, parseSignedData, verifySignerInfo, findSignerCertificate,
  type BuildPadesSignedDataOptions, type ParsedSignedData, type ParsedSignerInfo, type SignerVerification,
} from './cms/index.js';
export * from './tsa/index.js';
export * from './pki/index.js';
export * from './identity/id-card.js';
export * from './identity/uscc.js';
export * from './identity/samples.js';
export * from './pades/index.js';
export * from './verify/index.js';
export * from './evidence/index.js';
export * from './directory/index.js';

/**
 * CMS SignedData for PAdES (RFC 5652, RFC 5035, ETSI EN 319 122-1): building detached signatures
 * with a KeySigner, parsing and verifying SignerInfos.
 */
export { buildPadesSignedData, buildSignatureTimestampAttribute, type BuildPadesSignedDataOptions } from './build-pades-signed-data.js';
export { parseSignedData, type ParsedSignedData, type ParsedSignerInfo } from './parse-signed-data.js';
export { verifySignerInfo, findSignerCertificate, type SignerVerification } from './verify-signer-info.js';
export { certificateInfo, extendedKeyUsage, publicKeyOf, type CertificateInfo, type CertificateExtension } from './certificate-info.js';
export { OID, normaliseHash, hashNameOf, HASH_LENGTH, type HashName } from './oids.js';

/**
 * The embedded PKI: root and issuing CA, identity-bound signer certificates, a key pool, CRLs,
 * OCSP, and certification path validation (RFC 5280, RFC 6960).
 */
export { generateKeyPair, keyKindOf, keyAlgorithmOf, KEY_KINDS, type KeyKind, type KeyPair } from './keys.js';
export { NodeCryptoKeySigner } from './node-crypto-key-signer.js';
export { KeyPool, type KeyPoolOptions } from './key-pool.js';
export {
  createEmbeddedPki,
  serializePki,
  deserializePki,
  issueOcspResponderCertificate,
  type EmbeddedPki,
  type PkiOptions,
  type SerializedPki,
  type SerializedCa,
} from './embedded-pki.js';
export {
  issuePersonCertificate,
  issueOrganizationCertificate,
  issueEndEntityCertificate,
  hashIdNumber,
  pkiUrls,
  type CaMaterial,
  type IssueOptions,
} from './issue-certificate.js';
export { parseCertificate, keyIdentifierOf, type CertificateInfo } from './parse-certificate.js';
export { pemToDer, derToPem } from './pem.js';
export { buildCrl, parseCrl, normaliseSerialHex, type RevokedEntry, type ParsedCrl, type RevocationReason } from './crl.js';
export {
  parseOcspRequest,
  buildOcspRequest,
  certIdFor,
  sameCertId,
  certIdIssuedBy,
  buildOcspResponse,
  buildOcspError,
  parseOcspResponse,
  type OcspCertId,
  type OcspCertStatus,
  type OcspSingleResponse,
  type OcspResponseItem,
  type ParsedOcspRequest,
  type ParsedOcspResponse,
} from './ocsp.js';
export { validateChain, isSignedBy, type ChainResult, type ChainOptions, type RevocationStatus } from './validate-chain.js';

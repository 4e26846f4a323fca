/**
 * Object identifiers used by CMS (RFC 5652), ESS (RFC 2634, RFC 5035), RFC 3161 and their
 * algorithms (RFC 3370, RFC 4055, RFC 5480, RFC 5754, RFC 5758).
 */

/** Object identifiers by name, dotted. */
export const OID = {
  // RFC 5652 §4, §5.1 content types; RFC 3161 §2.4.2
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  // RFC 5652 §11 attributes
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  // RFC 2634 §5.4 / RFC 5035 §3 ESS signing certificate (v1, v2)
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  // RFC 3161 Appendix A; ETSI EN 319 122-1 §5.3
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  // digests (RFC 3370 §2, RFC 5754 §2)
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // signatures (RFC 3370 §3.2, RFC 4055, RFC 5758 §3.2)
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  // certificates (RFC 5280 §4.2.1)
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  kpTimeStamping: '1.3.6.1.5.5.7.3.8',
  commonName: '2.5.4.3',
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
} as const satisfies Record<string, string>;

/** Digest algorithms this module can name. */
export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const HASH_BY_OID: Record<string, HashName> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/** Digest length in bytes of each supported hash. */
export const HASH_LENGTH: Record<HashName, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/** Returns the hash name for a digest OID, or undefined when it is not one Signet supports. */
export function hashNameOf(oid: string): HashName | undefined {
  return HASH_BY_OID[oid];
}

/** Normalises a hash given by name ('sha256', 'SHA-256') or OID to its name, or undefined. */
export function normaliseHash(alg: string): HashName | undefined {
  const byOid = HASH_BY_OID[alg];
  if (byOid) return byOid;
  const n = alg.toLowerCase().replace(/-/g, '');
  return n in HASH_LENGTH ? (n as HashName) : undefined;
}

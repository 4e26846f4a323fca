/**
 * Verifies one SignerInfo of a parsed SignedData (RFC 5652 §5.6) with node:crypto: finds the signer
 * certificate, checks the message digest, the signature and the ESS certificate binding.
 * Outcomes are values: a bad signature is reported, never thrown.
 */
import { constants, publicDecrypt, verify, type KeyObject } from 'node:crypto';
import { SignetError } from '../errors.js';
import { certificateDigest, certificateInfo, publicKeyOf, type CertificateInfo } from './certificate-info.js';
import { bytesEqual, children, decodeOid, decodeSmallInteger, DerError, hex, readNode, TAG } from './der.js';
import { hashNameOf, normaliseHash, OID, type HashName } from './oids.js';
import type { ParsedSignedData, ParsedSignerInfo } from './parse-signed-data.js';

/** The outcome of {@link verifySignerInfo}. */
export interface SignerVerification {
  /** The signer's certificate (DER), when it was found by the SignerInfo's sid. */
  signerCertificate?: Uint8Array;
  /** The message-digest attribute (or, without signed attributes, the signed digest) equals the content digest. */
  digestMatches: boolean;
  /** The signature verifies with the signer certificate's public key. */
  signatureValid: boolean;
  /** The first ESS signing-certificate(-v2) hash equals the signer certificate's; undefined when no ESS attribute. */
  essCertMatches?: boolean;
  /** The signature algorithm in node:crypto terms: 'RSA-SHA256', 'ECDSA-SHA256', 'RSASSA-PSS-SHA256', ... */
  algorithm: string;
  /** Every problem found, in plain words; empty when all is well. */
  problems: string[];
}

const RSA_HASH: Record<string, HashName> = {
  [OID.sha1WithRSAEncryption]: 'sha1',
  [OID.sha256WithRSAEncryption]: 'sha256',
  [OID.sha384WithRSAEncryption]: 'sha384',
  [OID.sha512WithRSAEncryption]: 'sha512',
};
const ECDSA_HASH: Record<string, HashName> = {
  [OID.ecdsaWithSha1]: 'sha1',
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
};

interface Scheme {
  kind: 'RSA' | 'ECDSA' | 'RSASSA-PSS';
  hash: HashName;
  saltLength?: number;
}

/** Maps a signatureAlgorithm (RFC 3370 §3, RFC 4056, RFC 5758 §3.2) to a verification scheme. */
function schemeOf(si: ParsedSignerInfo, problems: string[]): Scheme | undefined {
  const digest = normaliseHash(si.digestAlgorithm);
  const alg = si.signatureAlgorithm;
  if (alg === OID.rsaEncryption || alg === OID.ecPublicKey) {
    if (!digest) problems.push(`The digest algorithm ${si.digestAlgorithm} is not supported.`);
    return digest && { kind: alg === OID.rsaEncryption ? 'RSA' : 'ECDSA', hash: digest };
  }
  if (RSA_HASH[alg]) return { kind: 'RSA', hash: RSA_HASH[alg] };
  if (ECDSA_HASH[alg]) return { kind: 'ECDSA', hash: ECDSA_HASH[alg] };
  if (alg === OID.rsassaPss) return pssScheme(si, problems);
  problems.push(`The signature algorithm ${alg} is not supported (RSA PKCS#1 v1.5, RSASSA-PSS and ECDSA are).`);
  return undefined;
}

/** Reads RSASSA-PSS-params (RFC 4055 §3.1); MGF1 must use the same hash, as node:crypto requires. */
function pssScheme(si: ParsedSignerInfo, problems: string[]): Scheme | undefined {
  let hash: HashName | undefined = 'sha1';
  let mgfHash: HashName | undefined = 'sha1';
  let saltLength = 20;
  const p = si.signatureAlgorithmParams;
  try {
    if (p) {
      for (const field of children(p, readNode(p, 0))) {
        const inner = children(p, field)[0];
        if (field.tag === 0xa0) hash = hashNameOf(decodeOid(p, children(p, inner)[0]));
        else if (field.tag === 0xa1) {
          const [, mgfParams] = children(p, inner);
          mgfHash = mgfParams ? hashNameOf(decodeOid(p, children(p, mgfParams)[0])) : undefined;
        } else if (field.tag === 0xa2) saltLength = decodeSmallInteger(p, inner);
      }
    }
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    problems.push(`The RSASSA-PSS parameters are malformed (${e.message}).`);
    return undefined;
  }
  if (!hash || mgfHash !== hash) {
    problems.push('The RSASSA-PSS parameters use an unsupported hash or a different MGF1 hash.');
    return undefined;
  }
  return { kind: 'RSASSA-PSS', hash, saltLength };
}

/** Finds the certificate a SignerInfo's sid names (RFC 5652 §5.3) among `candidates`. */
export function findSignerCertificate(si: ParsedSignerInfo, candidates: Iterable<Uint8Array>): CertificateInfo | undefined {
  for (const der of candidates) {
    let info: CertificateInfo;
    try {
      info = certificateInfo(der);
    } catch {
      continue;
    }
    if ('skiHex' in si.sid) {
      if (info.subjectKeyId && hex(info.subjectKeyId) === si.sid.skiHex) return info;
    } else if (bytesEqual(info.issuerDer, si.sid.issuerDer) && serialHexOf(info) === si.sid.serialHex) return info;
  }
  return undefined;
}

function serialHexOf(info: CertificateInfo): string {
  let s = 0;
  while (s < info.serial.length - 1 && info.serial[s] === 0) s++;
  return hex(info.serial.subarray(s));
}

function* allCertificates(sd: ParsedSignedData, extra: Uint8Array[] | undefined): Iterable<Uint8Array> {
  yield* sd.certificates;
  if (extra) yield* extra;
}

/**
 * Verifies SignerInfo `index` of `sd` against `contentDigest`, which the caller computes over the
 * detached content (for PDF: the /ByteRange parts) or `sd.eContent` with the SignerInfo's
 * digestAlgorithm.
 *
 * - The signer certificate is looked up by sid in `sd.certificates`, then `extraCertificates`.
 * - With signed attributes, message-digest must equal `contentDigest`, content-type must equal
 *   eContentType (RFC 5652 §5.3, §11.1), and the signature covers the DER SET of the signed
 *   attributes (RFC 5652 §5.4). Without them, the RSA signature's DigestInfo must hold `contentDigest`.
 * - RSA PKCS#1 v1.5, RSASSA-PSS (same-hash MGF1) and ECDSA (P-256, P-384, P-521) are verified.
 * - ESS signing-certificate-v2 / v1 (RFC 5035 §3, RFC 2634 §5.4) must hash to the signer certificate.
 *
 * Does not validate the certificate chain or revocation. Throws INVALID_ARGUMENT only when `index`
 * is out of range.
 */
export function verifySignerInfo(
  sd: ParsedSignedData,
  index: number,
  contentDigest: Uint8Array,
  extraCertificates?: Uint8Array[],
): SignerVerification {
  const si = sd.signerInfos[index];
  if (!si) {
    throw new SignetError('INVALID_ARGUMENT', `There is no SignerInfo ${index}: the SignedData has ${sd.signerInfos.length}.`);
  }
  const problems: string[] = [];
  const scheme = schemeOf(si, problems);
  const algorithm = scheme ? `${scheme.kind}-${scheme.hash.toUpperCase()}` : si.signatureAlgorithm;
  const result: SignerVerification = { digestMatches: false, signatureValid: false, algorithm, problems };

  const cert = findSignerCertificate(si, allCertificates(sd, extraCertificates));
  if (cert) result.signerCertificate = cert.der;
  else problems.push('The signer certificate named by the SignerInfo is not in the CMS nor among the extra certificates.');

  if (si.signedAttrsDer) {
    if (!si.messageDigest) problems.push('The signed attributes lack the message-digest attribute (RFC 5652 §11.2).');
    else if (bytesEqual(si.messageDigest, contentDigest)) result.digestMatches = true;
    else problems.push('The message-digest attribute does not match the digest of the content: the content was changed after signing.');
    if (si.contentType === undefined) problems.push('The signed attributes lack the content-type attribute (RFC 5652 §11.1).');
    else if (si.contentType !== sd.eContentType) problems.push(`The content-type attribute (${si.contentType}) differs from eContentType (${sd.eContentType}).`);
  }

  if (cert && scheme) {
    let key: KeyObject | undefined;
    try {
      key = publicKeyOf(cert);
    } catch {
      problems.push('The signer certificate holds a public key node:crypto cannot import.');
    }
    if (key) {
      if (si.signedAttrsDer) {
        result.signatureValid = verifySignature(scheme, key, si.signedAttrsDer, si.signature);
      } else if (scheme.kind === 'RSA') {
        const signed = recoverRsaDigest(key, si.signature);
        result.signatureValid = signed !== undefined && signed.hash === scheme.hash;
        result.digestMatches = result.signatureValid && bytesEqual(signed!.digest, contentDigest);
        if (result.signatureValid && !result.digestMatches) problems.push('The signed digest does not match the digest of the content: the content was changed after signing.');
      } else {
        problems.push(`A ${scheme.kind} signature without signed attributes cannot be verified from a digest; Signet needs signed attributes.`);
      }
      if (!result.signatureValid && (si.signedAttrsDer || scheme.kind === 'RSA')) {
        problems.push(`The ${algorithm} signature does not verify with the signer certificate's public key.`);
      }
    }
  }

  if (si.essCertV2?.length || si.essCertV1?.length) {
    const ref = si.essCertV2?.[0] ?? { hashAlgorithm: 'sha1', certHash: si.essCertV1![0].certHash };
    const hash = normaliseHash(ref.hashAlgorithm);
    if (!cert) result.essCertMatches = false;
    else if (!hash) {
      result.essCertMatches = false;
      problems.push(`The ESS signing-certificate hash algorithm ${ref.hashAlgorithm} is not supported.`);
    } else {
      result.essCertMatches = bytesEqual(certificateDigest(cert.der, hash), ref.certHash);
      if (!result.essCertMatches) problems.push('The ESS signing-certificate attribute names another certificate than the signer certificate (RFC 5035 §3).');
    }
  }
  return result;
}

function verifySignature(scheme: Scheme, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (scheme.kind === 'RSASSA-PSS') {
      return verify(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength }, signature);
    }
    if ((scheme.kind === 'RSA') !== (key.asymmetricKeyType === 'rsa')) return false;
    return verify(scheme.hash, data, key, signature);
  } catch {
    return false;
  }
}

const DIGEST_INFO_HASH: Record<string, HashName> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

/** Opens an RSA PKCS#1 v1.5 signature and returns its DigestInfo (RFC 8017 §9.2), or undefined. */
function recoverRsaDigest(key: KeyObject, signature: Uint8Array): { hash: HashName; digest: Uint8Array } | undefined {
  try {
    const di = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
    const [alg, digest] = children(di, readNode(di, 0));
    const hash = DIGEST_INFO_HASH[decodeOid(di, children(di, alg)[0])];
    if (!hash || digest.tag !== TAG.OCTET_STRING) return undefined;
    return { hash, digest: di.subarray(digest.contentStart, digest.contentEnd) };
  } catch {
    return undefined;
  }
}

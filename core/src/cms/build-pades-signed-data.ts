/**
 * Builds the CMS SignedData that a PAdES signature puts in the PDF's /Contents (ETSI EN 319 142-1
 * §6.3, ETSI EN 319 122-1 §5): detached, PAdES baseline signed attributes, optional signature
 * timestamp.
 */
import { createHash } from 'node:crypto';
import { SignetError } from '../errors.js';
import type { KeySigner } from '../ports/key-signer.js';
import type { Timestamper } from '../ports/timestamper.js';
import { bytesEqual, concat, oid, tlv, TAG } from './der.js';
import { OID, type HashName } from './oids.js';
import {
  attribute,
  checkDigestLength,
  contentTypeAttribute,
  digestAlgId,
  encodeSignedDataContentInfo,
  encodeSignerInfo,
  messageDigestAttribute,
  signatureAlgId,
  signedAttributesSet,
  signerIdentity,
  VERSION_1,
  type SignerKeyType,
} from './signed-data-encoder.js';

/** Options of {@link buildPadesSignedData}. */
export interface BuildPadesSignedDataOptions {
  /** Performs the private-key operation; its certificate and chain go into the CMS. */
  signer: KeySigner;
  /** The digest of the signed content: for PDF, of the two /ByteRange parts. */
  contentDigest: Uint8Array;
  /** The digest algorithm of `contentDigest` and of the signature (default sha256). */
  digest?: 'sha256' | 'sha384' | 'sha512';
  /** When given, a signature timestamp is added (PAdES B-T). */
  timestamper?: Timestamper;
  /** More certificates (DER) to carry, e.g. the TSA chain; duplicates are dropped. */
  extraCertificates?: Uint8Array[];
}

/** The per-signer constant parts, encoded once and cached per KeySigner. */
interface SignerProfile {
  certificate: Uint8Array;
  chain: readonly Uint8Array[];
  keyType: SignerKeyType;
  sid: Uint8Array;
  essAttribute: Uint8Array;
  /** signer certificate + chain, concatenated (content of SignedData.certificates). */
  certificatesContent: Uint8Array;
  certificateList: Uint8Array[];
}

const profiles = new WeakMap<KeySigner, SignerProfile>();

function profileOf(signer: KeySigner): SignerProfile {
  const cached = profiles.get(signer);
  if (cached && cached.certificate === signer.certificate && cached.chain === signer.chain) return cached;
  let keyType: SignerKeyType;
  if (signer.algorithm === 'rsa') keyType = 'rsa';
  else if (signer.algorithm === 'ecdsa-p256') keyType = 'ec';
  else throw new SignetError('KEY_UNSUPPORTED', `The key algorithm "${String(signer.algorithm)}" is not supported. Use an RSA 2048/3072 or ECDSA P-256 key.`);
  if (!(signer.certificate instanceof Uint8Array) || signer.certificate.length === 0) {
    throw new SignetError('INVALID_ARGUMENT', 'The KeySigner has no certificate. Give it the DER X.509 certificate of its key.');
  }
  const { sid, essAttribute } = signerIdentity(signer.certificate);
  const certificateList = [signer.certificate, ...signer.chain];
  const profile: SignerProfile = {
    certificate: signer.certificate,
    chain: signer.chain,
    keyType,
    sid,
    essAttribute,
    certificatesContent: concat(...certificateList),
    certificateList,
  };
  profiles.set(signer, profile);
  return profile;
}

const ENCAP_DATA = tlv(TAG.SEQUENCE, oid(OID.data)); // eContentType id-data, no eContent: detached
const CONTENT_TYPE_DATA = contentTypeAttribute(OID.data);

/**
 * Builds a DER ContentInfo holding a detached CMS SignedData (RFC 5652 §5) for a PAdES signature.
 *
 * - SignedData version 1; eContentType id-data without eContent; digestAlgorithms {the digest};
 *   certificates: the signer's certificate, its chain, then `extraCertificates`.
 * - One SignerInfo version 1 identified by issuerAndSerialNumber, whose signed attributes are
 *   exactly content-type, message-digest and signing-certificate-v2 (ETSI EN 319 122-1 §5.2.1,
 *   §5.2.2.3; RFC 5035). There is deliberately no signing-time: PAdES puts the claimed time in /M
 *   (ETSI EN 319 142-1 §5.4.2).
 * - signatureAlgorithm rsaEncryption (RSA PKCS#1 v1.5) or ecdsa-with-SHA256 (P-256).
 * - With a `timestamper`, the unsigned attribute signature-time-stamp (id-aa-signatureTimeStampToken)
 *   holds a token over the digest of the signature value (ETSI EN 319 122-1 §5.3; RFC 3161 App. A).
 *
 * Throws INVALID_ARGUMENT for a digest of the wrong length, KEY_UNSUPPORTED for another key type.
 */
export async function buildPadesSignedData(opts: BuildPadesSignedDataOptions): Promise<Uint8Array> {
  const hash: HashName = opts.digest ?? 'sha256';
  if (hash !== 'sha256' && hash !== 'sha384' && hash !== 'sha512') {
    throw new SignetError('INVALID_ARGUMENT', `The digest "${String(hash)}" is not supported. Use sha256, sha384 or sha512.`);
  }
  checkDigestLength(opts.contentDigest, hash, 'contentDigest');
  const profile = profileOf(opts.signer);

  const signedAttrsSet = signedAttributesSet([CONTENT_TYPE_DATA, messageDigestAttribute(opts.contentDigest), profile.essAttribute]);
  const signature = await opts.signer.sign(signedAttrsSet, hash);
  const unsignedAttributes = opts.timestamper ? [await buildSignatureTimestampAttribute(signature, opts.timestamper, hash)] : undefined;

  let certificatesContent = profile.certificatesContent;
  if (opts.extraCertificates?.length) {
    const extra = opts.extraCertificates.filter(
      (c, i, all) => !profile.certificateList.some((k) => bytesEqual(k, c)) && all.findIndex((o) => bytesEqual(o, c)) === i,
    );
    certificatesContent = concat(certificatesContent, ...extra);
  }

  const signerInfo = encodeSignerInfo({
    sid: profile.sid,
    digestAlgId: digestAlgId(hash),
    signedAttrsSet,
    signatureAlgId: signatureAlgId(profile.keyType, hash),
    signature,
    unsignedAttributes,
  });
  return encodeSignedDataContentInfo({
    version: VERSION_1,
    digestAlgId: digestAlgId(hash),
    encapContentInfo: ENCAP_DATA,
    certificatesContent,
    signerInfo,
  });
}

/**
 * Obtains a timestamp over a signature value and returns the signature-time-stamp unsigned
 * attribute (id-aa-signatureTimeStampToken, RFC 3161 Appendix A; ETSI EN 319 122-1 §5.3): the
 * message imprint is the digest of the SignerInfo signature OCTET STRING's content.
 */
export async function buildSignatureTimestampAttribute(
  signature: Uint8Array,
  timestamper: Timestamper,
  digest: 'sha256' | 'sha384' | 'sha512' = 'sha256',
): Promise<Uint8Array> {
  const imprint = createHash(digest).update(signature).digest();
  const token = await timestamper.timestamp(imprint, digest);
  if (!(token instanceof Uint8Array) || token.length < 2 || token[0] !== TAG.SEQUENCE) {
    throw new SignetError('TSA_FAILED', 'The timestamper returned something that is not a DER TimeStampToken. Check the timestamp service.');
  }
  return attribute(OID.signatureTimeStampToken, token);
}

/**
 * Pre-encoded building blocks of a CMS SignedData (RFC 5652 §5) shared by the PAdES signer and the
 * timestamp authority: each signer's certificate-dependent parts are encoded once and cached, so
 * that one signature costs a few concatenations besides the private-key operation.
 */
import { createHash } from 'node:crypto';
import { SignetError } from '../errors.js';
import { certificateInfo } from './certificate-info.js';
import { concat, oid, setOf, TAG, tlv } from './der.js';
import { HASH_LENGTH, OID, type HashName } from './oids.js';

const NULL = Uint8Array.of(TAG.NULL, 0);

/** INTEGER 1: SignedData version for id-data content, SignerInfo version for issuerAndSerialNumber (RFC 5652 §5.1, §5.3). */
export const VERSION_1 = Uint8Array.of(TAG.INTEGER, 1, 1);
/** INTEGER 3: SignedData version when eContentType is not id-data, e.g. TSTInfo (RFC 5652 §5.1). */
export const VERSION_3 = Uint8Array.of(TAG.INTEGER, 1, 3);

/** A digest AlgorithmIdentifier with absent parameters, as RFC 5754 §2 requires of SHA-2. */
export function digestAlgorithmId(hash: HashName): Uint8Array {
  return hash === 'sha1' ? tlv(TAG.SEQUENCE, oid(OID.sha1), NULL) : tlv(TAG.SEQUENCE, oid(OID[hash]));
}

const DIGEST_ALG_IDS: Record<HashName, Uint8Array> = {
  sha1: digestAlgorithmId('sha1'),
  sha256: digestAlgorithmId('sha256'),
  sha384: digestAlgorithmId('sha384'),
  sha512: digestAlgorithmId('sha512'),
};

/** The pre-encoded digest AlgorithmIdentifier of `hash`. */
export function digestAlgId(hash: HashName): Uint8Array {
  return DIGEST_ALG_IDS[hash];
}

/** The key families a CMS signer may have. */
export type SignerKeyType = 'rsa' | 'ec';

const ECDSA_OID: Record<HashName, string> = {
  sha1: OID.ecdsaWithSha1,
  sha256: OID.ecdsaWithSha256,
  sha384: OID.ecdsaWithSha384,
  sha512: OID.ecdsaWithSha512,
};
const RSA_ALG_ID = tlv(TAG.SEQUENCE, oid(OID.rsaEncryption), NULL);
const ECDSA_ALG_IDS = Object.fromEntries(
  Object.entries(ECDSA_OID).map(([h, o]) => [h, tlv(TAG.SEQUENCE, oid(o))]),
) as Record<HashName, Uint8Array>;

/**
 * The SignerInfo signatureAlgorithm: rsaEncryption with NULL parameters for RSA PKCS#1 v1.5
 * (RFC 3370 §3.2, the form `openssl cms` writes), ecdsa-with-SHA* without parameters for ECDSA
 * (RFC 5758 §3.2).
 */
export function signatureAlgId(key: SignerKeyType, hash: HashName): Uint8Array {
  return key === 'rsa' ? RSA_ALG_ID : ECDSA_ALG_IDS[hash];
}

/** Encodes one Attribute (RFC 5652 §5.3): SEQUENCE { attrType, SET { value } }. */
export function attribute(type: string, value: Uint8Array): Uint8Array {
  return tlv(TAG.SEQUENCE, oid(type), tlv(TAG.SET, value));
}

/** The content-type attribute (RFC 5652 §11.1) for `contentType`, cached. */
export function contentTypeAttribute(contentType: string): Uint8Array {
  let a = contentTypeAttrs.get(contentType);
  if (!a) contentTypeAttrs.set(contentType, (a = attribute(OID.contentType, oid(contentType))));
  return a;
}
const contentTypeAttrs = new Map<string, Uint8Array>();

const MD_PREFIX = new Map<number, Uint8Array>();

/** The message-digest attribute (RFC 5652 §11.2) for `digest`, from a cached prefix. */
export function messageDigestAttribute(digest: Uint8Array): Uint8Array {
  let prefix = MD_PREFIX.get(digest.length);
  if (!prefix) {
    const whole = attribute(OID.messageDigest, tlv(TAG.OCTET_STRING, new Uint8Array(digest.length)));
    prefix = whole.subarray(0, whole.length - digest.length);
    MD_PREFIX.set(digest.length, prefix);
  }
  return concat(prefix, digest);
}

/** The certificate-dependent parts of a SignerInfo, encoded once per certificate. */
export interface SignerIdentity {
  /** IssuerAndSerialNumber (RFC 5652 §5.3, §10.2.4). */
  sid: Uint8Array;
  /** The signing-certificate-v2 attribute with one ESSCertIDv2, SHA-256 (RFC 5035 §3). */
  essAttribute: Uint8Array;
}

const identities = new WeakMap<Uint8Array, SignerIdentity>();

/**
 * Returns the IssuerAndSerialNumber and the ESS signing-certificate-v2 attribute of a certificate,
 * cached per byte array. ESSCertIDv2 omits hashAlgorithm because SHA-256 is its default
 * (RFC 5035 §4), and carries issuerSerial so that the certificate is bound unambiguously.
 */
export function signerIdentity(certificate: Uint8Array): SignerIdentity {
  let id = identities.get(certificate);
  if (!id) {
    const info = certificateInfo(certificate);
    const sid = tlv(TAG.SEQUENCE, info.issuerDer, info.serialDer);
    const certHash = createHash('sha256').update(certificate).digest();
    // IssuerSerial ::= SEQUENCE { issuer GeneralNames (SEQUENCE { [4] directoryName }), serialNumber }
    const issuerSerial = tlv(TAG.SEQUENCE, tlv(TAG.SEQUENCE, tlv(0xa4, info.issuerDer)), info.serialDer);
    const essCertIdV2 = tlv(TAG.SEQUENCE, tlv(TAG.OCTET_STRING, certHash), issuerSerial);
    const signingCertificateV2 = tlv(TAG.SEQUENCE, tlv(TAG.SEQUENCE, essCertIdV2));
    id = { sid, essAttribute: attribute(OID.signingCertificateV2, signingCertificateV2) };
    identities.set(certificate, id);
  }
  return id;
}

/** Encodes the signed attributes as the DER SET OF that is signed (RFC 5652 §5.4), sorted. */
export function signedAttributesSet(attributes: Uint8Array[]): Uint8Array {
  return setOf(attributes);
}

/** Everything that goes into one SignerInfo besides the signature value itself. */
export interface SignerInfoParts {
  sid: Uint8Array;
  digestAlgId: Uint8Array;
  /** The signed attributes encoded as SET (0x31): re-tagged [0] IMPLICIT here. */
  signedAttrsSet: Uint8Array;
  signatureAlgId: Uint8Array;
  signature: Uint8Array;
  /** Unsigned attributes, each an encoded Attribute. */
  unsignedAttributes?: Uint8Array[];
}

/** Encodes a version 1 SignerInfo (RFC 5652 §5.3) from its parts. */
export function encodeSignerInfo(p: SignerInfoParts): Uint8Array {
  const signedAttrs = Buffer.from(p.signedAttrsSet);
  signedAttrs[0] = 0xa0;
  const unsigned = p.unsignedAttributes?.length ? setOf(p.unsignedAttributes) : undefined;
  if (unsigned) unsigned[0] = 0xa1;
  return tlv(TAG.SEQUENCE, VERSION_1, p.sid, p.digestAlgId, signedAttrs, p.signatureAlgId, tlv(TAG.OCTET_STRING, p.signature), unsigned);
}

const CONTENT_INFO_SIGNED_DATA = oid(OID.signedData);

/**
 * Encodes a ContentInfo holding a SignedData with one SignerInfo (RFC 5652 §3, §5.1).
 * `certificatesContent` is the concatenated DER of the certificates (the content of [0] IMPLICIT).
 */
export function encodeSignedDataContentInfo(p: {
  version: Uint8Array;
  digestAlgId: Uint8Array;
  encapContentInfo: Uint8Array;
  certificatesContent?: Uint8Array;
  signerInfo: Uint8Array;
}): Uint8Array {
  const certs = p.certificatesContent?.length ? tlv(0xa0, p.certificatesContent) : undefined;
  const signedData = tlv(TAG.SEQUENCE, p.version, tlv(TAG.SET, p.digestAlgId), p.encapContentInfo, certs, tlv(TAG.SET, p.signerInfo));
  return tlv(TAG.SEQUENCE, CONTENT_INFO_SIGNED_DATA, tlv(0xa0, signedData));
}

/** Checks that `digest` has the length of `hash`, or throws INVALID_ARGUMENT saying what was expected. */
export function checkDigestLength(digest: Uint8Array, hash: HashName, what: string): void {
  if (!(digest instanceof Uint8Array) || digest.length !== HASH_LENGTH[hash]) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      `${what} must be the ${HASH_LENGTH[hash]}-byte ${hash.toUpperCase()} digest, got ${digest instanceof Uint8Array ? `${digest.length} bytes` : typeof digest}.`,
    );
  }
}

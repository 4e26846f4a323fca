/**
 * RFC 3161 §2.4.1 TimeStampReq: encoding (for clients) and decoding (for the authority).
 */
import { SignetError } from '../errors.js';
import {
  children,
  content,
  decodeOid,
  decodeSmallInteger,
  DerError,
  expect,
  oid,
  raw,
  readNode,
  TAG,
  tlv,
  unsignedInteger,
} from '../cms/der.js';
import { HASH_LENGTH, normaliseHash, hashNameOf, type HashName } from '../cms/oids.js';
import { digestAlgId } from '../cms/signed-data-encoder.js';

/** Options of {@link buildTimestampRequest}. */
export interface TimestampRequestOptions {
  /** The nonce (unsigned big-endian bytes); clients should send a random one (RFC 3161 §2.4.1). */
  nonce?: Uint8Array;
  /** Ask the TSA to include its certificate in the token (default true). */
  certReq?: boolean;
  /** The TSA policy OID to request. */
  policy?: string;
}

const VERSION_1 = Uint8Array.of(TAG.INTEGER, 1, 1);
const TRUE = Uint8Array.of(TAG.BOOLEAN, 1, 0xff);

/**
 * Encodes a DER TimeStampReq (RFC 3161 §2.4.1) for `digest` computed with `alg`.
 * certReq defaults to true; being DEFAULT FALSE, it is omitted when false (X.690 §11.5).
 * Throws INVALID_ARGUMENT for an unknown algorithm or a digest of the wrong length.
 */
export function buildTimestampRequest(digest: Uint8Array, alg: string, opts: TimestampRequestOptions = {}): Uint8Array {
  const hash = requireHash(alg, digest);
  return tlv(
    TAG.SEQUENCE,
    VERSION_1,
    messageImprint(hash, digest),
    opts.policy ? oid(opts.policy) : undefined,
    opts.nonce ? unsignedInteger(opts.nonce) : undefined,
    opts.certReq === false ? undefined : TRUE,
  );
}

/** Encodes a MessageImprint (RFC 3161 §2.4.1) with a parameter-less AlgorithmIdentifier (RFC 5754 §2). */
export function messageImprint(hash: HashName, digest: Uint8Array): Uint8Array {
  return tlv(TAG.SEQUENCE, digestAlgId(hash), tlv(TAG.OCTET_STRING, digest));
}

/** Checks a hash name/OID and the digest length; returns the normalised name. */
export function requireHash(alg: string, digest: Uint8Array): HashName {
  const hash = normaliseHash(alg);
  if (!hash) throw new SignetError('INVALID_ARGUMENT', `The hash algorithm "${alg}" is not supported. Use sha256, sha384, sha512 or sha1.`);
  if (!(digest instanceof Uint8Array) || digest.length !== HASH_LENGTH[hash]) {
    throw new SignetError('INVALID_ARGUMENT', `The message imprint must be a ${HASH_LENGTH[hash]}-byte ${hash} digest.`);
  }
  return hash;
}

/** A decoded TimeStampReq; byte arrays are views into the request. */
export interface ParsedTimestampRequest {
  version: number;
  /** The MessageImprint, whole encoding (the TSA echoes it verbatim, RFC 3161 §2.4.2). */
  messageImprintDer: Uint8Array;
  /** The hash algorithm OID. */
  hashAlgorithm: string;
  /** The hash name when supported. */
  hash?: HashName;
  hashedMessage: Uint8Array;
  policy?: string;
  /** The nonce INTEGER, whole encoding (echoed verbatim). */
  nonceDer?: Uint8Array;
  certReq: boolean;
  hasExtensions: boolean;
}

/**
 * Decodes a DER TimeStampReq (RFC 3161 §2.4.1). Throws SignetError REQUEST_MALFORMED when the bytes
 * are not one.
 */
export function parseTimestampRequest(der: Uint8Array): ParsedTimestampRequest {
  try {
    const req = expect(der, readNode(der, 0), TAG.SEQUENCE, 'TimeStampReq');
    if (req.end !== der.length) throw new DerError('trailing bytes after the TimeStampReq');
    const f = children(der, req);
    const version = decodeSmallInteger(der, expect(der, f[0], TAG.INTEGER, 'version'));
    const mi = expect(der, f[1], TAG.SEQUENCE, 'messageImprint');
    const [algNode, hashed] = children(der, mi);
    const hashAlgorithm = decodeOid(der, children(der, expect(der, algNode, TAG.SEQUENCE, 'hashAlgorithm'))[0]);
    const parsed: ParsedTimestampRequest = {
      version,
      messageImprintDer: raw(der, mi),
      hashAlgorithm,
      hash: hashNameOf(hashAlgorithm),
      hashedMessage: content(der, expect(der, hashed, TAG.OCTET_STRING, 'hashedMessage')),
      certReq: false,
      hasExtensions: false,
    };
    for (let i = 2; i < f.length; i++) {
      const n = f[i];
      if (n.tag === TAG.OID) parsed.policy = decodeOid(der, n);
      else if (n.tag === TAG.INTEGER) parsed.nonceDer = raw(der, n);
      else if (n.tag === TAG.BOOLEAN) parsed.certReq = der[n.contentStart] !== 0;
      else if (n.tag === 0xa0) parsed.hasExtensions = true;
      else throw new DerError(`unexpected field with tag 0x${n.tag.toString(16)}`);
    }
    return parsed;
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    throw new SignetError('REQUEST_MALFORMED', `The timestamp request is malformed: ${e.message}. Send a DER TimeStampReq (RFC 3161 §2.4.1).`);
  }
}

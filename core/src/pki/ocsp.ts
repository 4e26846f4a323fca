/**
 * OCSP (RFC 6960): parsing requests, building signed responses for the embedded CA, and parsing and
 * verifying any response during validation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ContentCache } from '../util/content-cache.js';
import { SignetError } from '../errors.js';
import { encodeExtension, floorToSecond } from './build-certificate.js';
import { REVOCATION_REASON_CODES, serialBytesFromHex, normaliseSerialHex, extensions, type RevocationReason } from './crl.js';
import {
  bitString,
  bytesEqual,
  childrenOf,
  contentOf,
  DerError,
  encode,
  enumerated,
  expectUniversal,
  explicit,
  generalizedTime,
  implicitConstructed,
  implicitPrimitive,
  int,
  isContext,
  isUniversal,
  nul,
  octets,
  oid,
  rawDer,
  rawOf,
  readBitStringBytes,
  readIntegerHex,
  readOid,
  readRoot,
  readSmallInt,
  readTime,
  seq,
  TAG,
  type Asn1,
  type DerNode,
} from './der.js';
import type { CaMaterial } from './issue-certificate.js';
import { signatureAlgorithmFor, signSha256, verifySignature } from './keys.js';
import { DIGEST_NAMES, OID } from './oids.js';
import { parseCertificate, type CertificateInfo } from './parse-certificate.js';

/** Identifies one certificate in OCSP (RFC 6960 §4.1.1 CertID). */
export interface OcspCertId {
  /** 'sha1' | 'sha256' | 'sha384' | 'sha512', or the OID of another hash. */
  hashAlgorithm: string;
  /** Hash of the issuer's Name DER. */
  issuerNameHash: Uint8Array;
  /** Hash of the issuer's subjectPublicKey bits. */
  issuerKeyHash: Uint8Array;
  /** Serial, lower-case hex, no leading 00. */
  serialHex: string;
}

/** Certificate status in OCSP (RFC 6960 §4.2.1 CertStatus). */
export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

/** One SingleResponse (RFC 6960 §4.2.1). */
export interface OcspSingleResponse {
  certId: OcspCertId;
  status: OcspCertStatus;
  revokedAt?: Date;
  revocationReason?: RevocationReason;
  thisUpdate: Date;
  nextUpdate?: Date;
}

/** OCSPResponseStatus names (RFC 6960 §4.2.1). */
const RESPONSE_STATUS: Record<number, string> = {
  0: 'successful',
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};

const HASH_OIDS: Record<string, string> = { sha1: OID.sha1, sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 };

/** Builds the CertID of `cert` (RFC 6960 §4.1.1): hashes of the issuer's name and public key, and the serial. */
export function certIdFor(cert: CertificateInfo, issuer: CertificateInfo, hash: 'sha1' | 'sha256' = 'sha1'): OcspCertId {
  return {
    hashAlgorithm: hash,
    issuerNameHash: digest(hash, issuer.subjectDer),
    issuerKeyHash: digest(hash, issuer.publicKeyBits),
    serialHex: cert.serialHex,
  };
}

/** True when two CertIDs name the same certificate (same hash algorithm, hashes and serial). */
export function sameCertId(a: OcspCertId, b: OcspCertId): boolean {
  return (
    a.hashAlgorithm === b.hashAlgorithm &&
    normaliseSerialHex(a.serialHex) === normaliseSerialHex(b.serialHex) &&
    bytesEqual(a.issuerNameHash, b.issuerNameHash) &&
    bytesEqual(a.issuerKeyHash, b.issuerKeyHash)
  );
}

/** True when `certId` was made for a certificate issued by `issuer` (whatever its hash algorithm). */
export function certIdIssuedBy(certId: OcspCertId, issuer: CertificateInfo): boolean {
  const name = certId.hashAlgorithm in HASH_OIDS ? certId.hashAlgorithm : undefined;
  if (!name) return false;
  return bytesEqual(certId.issuerNameHash, digest(name, issuer.subjectDer)) && bytesEqual(certId.issuerKeyHash, digest(name, issuer.publicKeyBits));
}

function digest(name: string, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(name).update(data).digest());
}

function encodeCertId(id: OcspCertId): Asn1 {
  const hashOid = HASH_OIDS[id.hashAlgorithm] ?? id.hashAlgorithm;
  if (!/^\d+(\.\d+)+$/.test(hashOid)) throw new SignetError('INVALID_ARGUMENT', `Unknown CertID hash algorithm "${id.hashAlgorithm}". Use sha1 or sha256.`);
  return seq(seq(oid(hashOid), nul()), octets(id.issuerNameHash), octets(id.issuerKeyHash), int(serialBytesFromHex(id.serialHex)));
}

function decodeCertId(node: DerNode): OcspCertId {
  const [alg, nameHash, keyHash, serial] = childrenOf(expectUniversal(node, TAG.SEQUENCE, 'a CertID'));
  const hashOid = readOid(childrenOf(alg)[0]);
  return {
    hashAlgorithm: DIGEST_NAMES[hashOid] ?? hashOid,
    issuerNameHash: new Uint8Array(contentOf(expectUniversal(nameHash, TAG.OCTET_STRING, 'issuerNameHash'))),
    issuerKeyHash: new Uint8Array(contentOf(expectUniversal(keyHash, TAG.OCTET_STRING, 'issuerKeyHash'))),
    serialHex: readIntegerHex(serial),
  };
}

/** The nonce extension (RFC 6960 §4.4.1, RFC 8954): extnValue holds an OCTET STRING of the nonce. */
function nonceExtension(nonce: Uint8Array): Asn1 {
  return encodeExtension({ oid: OID.ocspNonce, critical: false, value: octets(nonce) });
}

/** Reads a nonce extnValue: the RFC 8954 form (an OCTET STRING), or raw octets from older clients. */
function readNonce(value: Uint8Array): Uint8Array {
  try {
    const n = readRoot(value);
    if (isUniversal(n, TAG.OCTET_STRING)) return new Uint8Array(contentOf(n));
  } catch {
    // raw nonce
  }
  return new Uint8Array(value);
}

// ---------------------------------------------------------------------------------------------
// Requests

/** A parsed OCSPRequest. */
export interface ParsedOcspRequest {
  certIds: OcspCertId[];
  nonce?: Uint8Array;
}

/**
 * Parses a DER OCSPRequest (RFC 6960 §4.1.1): the CertIDs of every Request and the nonce
 * extension (§4.4.1). A request signature, if any, is ignored. Throws REQUEST_MALFORMED.
 */
export function parseOcspRequest(der: Uint8Array): ParsedOcspRequest {
  try {
    const [tbs] = childrenOf(expectUniversal(readRoot(der), TAG.SEQUENCE, 'an OCSPRequest'));
    const t = childrenOf(expectUniversal(tbs, TAG.SEQUENCE, 'a TBSRequest'));
    let i = 0;
    if (isContext(t[i], 0)) i++; // version
    if (isContext(t[i], 1)) i++; // requestorName
    const list = expectUniversal(t[i++], TAG.SEQUENCE, 'a requestList');
    const certIds = childrenOf(list).map((req) => decodeCertId(childrenOf(req)[0]));
    if (certIds.length === 0) throw new DerError('the request list is empty');
    let nonce: Uint8Array | undefined;
    if (t[i] && isContext(t[i], 2)) {
      for (const [id, value] of extensions(childrenOf(t[i])[0])) if (id === OID.ocspNonce) nonce = readNonce(value);
    }
    return nonce ? { certIds, nonce } : { certIds };
  } catch (e) {
    if (e instanceof SignetError) throw e;
    throw new SignetError('REQUEST_MALFORMED', `The OCSP request could not be parsed (${(e as Error).message}). Send a DER-encoded RFC 6960 OCSPRequest.`);
  }
}

/**
 * Builds an unsigned OCSPRequest (RFC 6960 §4.1.1) for `certIds`, with a nonce extension when
 * `nonce` is given (`true` for 16 random octets).
 */
export function buildOcspRequest(certIds: OcspCertId[], opts: { nonce?: Uint8Array | true } = {}): Uint8Array {
  const tbs: Asn1[] = [seq(...certIds.map((id) => seq(encodeCertId(id))))];
  if (opts.nonce) {
    const nonce = opts.nonce === true ? new Uint8Array(randomBytes(16)) : opts.nonce;
    tbs.push(explicit(2, seq(nonceExtension(nonce))));
  }
  return encode(seq(seq(...tbs)));
}

// ---------------------------------------------------------------------------------------------
// Responses

/** One item to answer in {@link buildOcspResponse}. */
export interface OcspResponseItem {
  certId: OcspCertId;
  status: OcspCertStatus;
  revokedAt?: Date;
  revocationReason?: RevocationReason;
  thisUpdate: Date;
  nextUpdate?: Date;
}

/**
 * Builds a successful OCSPResponse (RFC 6960 §4.2.1) of type id-pkix-ocsp-basic, signed by
 * `responder` — the issuing CA itself, or a delegated responder (§4.2.2.2). The ResponderID is
 * byKey (SHA-1 of the responder's public key bits). The nonce, when given, is echoed (§4.4.1).
 * The responder certificate is included unless `includeResponderCert` is false.
 */
export function buildOcspResponse(
  responder: CaMaterial,
  items: OcspResponseItem[],
  opts: { producedAt: Date; nonce?: Uint8Array; includeResponderCert?: boolean },
): Uint8Array {
  const cert = parseCertificate(responder.certificate);
  const responses = items.map((item) => {
    let status: Asn1;
    if (item.status === 'good') status = implicitPrimitive(0, '');
    else if (item.status === 'unknown') status = implicitPrimitive(2, '');
    else if (item.status === 'revoked') {
      if (!item.revokedAt) throw new SignetError('INVALID_ARGUMENT', 'A revoked OCSP item needs revokedAt.');
      const info: Asn1[] = [generalizedTime(floorToSecond(item.revokedAt))];
      if (item.revocationReason) info.push(explicit(0, enumerated(REVOCATION_REASON_CODES[item.revocationReason])));
      status = implicitConstructed(1, info);
    } else {
      throw new SignetError('INVALID_ARGUMENT', `Unknown OCSP status "${String(item.status)}". Use good, revoked or unknown.`);
    }
    const single: Asn1[] = [encodeCertId(item.certId), status, generalizedTime(floorToSecond(item.thisUpdate))];
    if (item.nextUpdate) single.push(explicit(0, generalizedTime(floorToSecond(item.nextUpdate))));
    return seq(...single);
  });
  const keyHash = digest('sha1', cert.publicKeyBits);
  const data: Asn1[] = [explicit(2, octets(keyHash)), generalizedTime(floorToSecond(opts.producedAt)), seq(...responses)];
  if (opts.nonce) data.push(explicit(1, seq(nonceExtension(opts.nonce))));
  const tbs = encode(seq(...data));
  const basic: Asn1[] = [rawDer(tbs), signatureAlgorithmFor(responder.privateKey), bitString(signSha256(responder.privateKey, tbs))];
  if (opts.includeResponderCert ?? true) basic.push(explicit(0, seq(rawDer(cert.der))));
  return encode(seq(enumerated(0), explicit(0, seq(oid(OID.ocspBasic), octets(encode(seq(...basic)))))));
}

/** Builds an unsuccessful OCSPResponse carrying only the status (RFC 6960 §4.2.1, §2.3). */
export function buildOcspError(status: 'malformedRequest' | 'internalError' | 'tryLater' | 'unauthorized'): Uint8Array {
  const code = Number(Object.keys(RESPONSE_STATUS).find((k) => RESPONSE_STATUS[Number(k)] === status));
  if (!code) throw new SignetError('INVALID_ARGUMENT', `Unknown OCSP error status "${status}".`);
  return encode(seq(enumerated(code)));
}

/** A parsed OCSPResponse. */
export interface ParsedOcspResponse {
  der: Uint8Array;
  /** 'successful', 'malformedRequest', 'internalError', 'tryLater', 'sigRequired' or 'unauthorized'. */
  status: string;
  producedAt?: Date;
  responses: OcspSingleResponse[];
  /** Certificates carried in the BasicOCSPResponse, DER. */
  certificates: Uint8Array[];
  nonce?: Uint8Array;
  /** ResponderID byKey (SHA-1 of the key bits), hex, when used. */
  responderKeyHashHex?: string;
  /** ResponderID byName, DER, when used. */
  responderNameDer?: Uint8Array;
  sha256Hex: string;
  /**
   * True when the response is signed by `issuer` itself, or by a certificate included in the
   * response that `issuer` issued with extKeyUsage id-kp-OCSPSigning and that was valid at
   * producedAt (RFC 6960 §4.2.2.2). False for unsuccessful responses.
   */
  verify(issuer: CertificateInfo): boolean;
}

const ocspCache = new ContentCache<ParsedOcspResponse>(1024);

/** Parses an OCSPResponse (DER). Cached per process by content. Throws CERT_INVALID when malformed. */
export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse {
  return ocspCache.get(der, () => {
    try {
      return decodeOcspResponse(new Uint8Array(der), createHash('sha256').update(der).digest('hex'));
    } catch (e) {
      throw new SignetError('CERT_INVALID', `The OCSP response could not be parsed (${(e as Error).message}). Provide a DER-encoded RFC 6960 OCSPResponse.`);
    }
  });
}

function decodeOcspResponse(der: Uint8Array, sha256Hex: string): ParsedOcspResponse {
  const top = childrenOf(expectUniversal(readRoot(der), TAG.SEQUENCE, 'an OCSPResponse'));
  const statusCode = readSmallInt(top[0]);
  const status = RESPONSE_STATUS[statusCode] ?? `status-${statusCode}`;
  const base = { der, status, responses: [] as OcspSingleResponse[], certificates: [] as Uint8Array[], sha256Hex };
  if (statusCode !== 0) return Object.freeze({ ...base, verify: () => false });
  if (!top[1] || !isContext(top[1], 0)) throw new DerError('a successful response without responseBytes');
  const [typeNode, responseNode] = childrenOf(childrenOf(top[1])[0]);
  if (readOid(typeNode) !== OID.ocspBasic) throw new DerError('the response type is not id-pkix-ocsp-basic');
  const basicDer = contentOf(expectUniversal(responseNode, TAG.OCTET_STRING, 'the response octets'));
  const [tbsNode, sigAlgNode, sigNode, certsNode] = childrenOf(readRoot(basicDer));
  const signatureAlgorithm = readOid(childrenOf(sigAlgNode)[0]);
  const signature = readBitStringBytes(sigNode);
  const certificates = certsNode && isContext(certsNode, 0) ? childrenOf(childrenOf(certsNode)[0]).map((c) => new Uint8Array(rawOf(c))) : [];

  const t = childrenOf(expectUniversal(tbsNode, TAG.SEQUENCE, 'a ResponseData'));
  let i = 0;
  if (isContext(t[i], 0)) i++; // version
  const responderNode = t[i++];
  let responderKeyHashHex: string | undefined;
  let responderNameDer: Uint8Array | undefined;
  if (isContext(responderNode, 1)) responderNameDer = new Uint8Array(rawOf(childrenOf(responderNode)[0]));
  else if (isContext(responderNode, 2)) responderKeyHashHex = Buffer.from(contentOf(childrenOf(responderNode)[0])).toString('hex');
  else throw new DerError('bad ResponderID');
  const producedAt = readTime(t[i++]);
  const responses = childrenOf(expectUniversal(t[i++], TAG.SEQUENCE, 'responses')).map(decodeSingleResponse);
  let nonce: Uint8Array | undefined;
  if (t[i] && isContext(t[i], 1)) {
    for (const [id, value] of extensions(childrenOf(t[i])[0])) if (id === OID.ocspNonce) nonce = readNonce(value);
  }

  const tbs = rawOf(tbsNode);
  const verified = new Map<string, boolean>();
  const signedBy = (key: CertificateInfo): boolean => verifySignature(signatureAlgorithm, tbs, signature, key.publicKey);
  const matchesResponder = (c: CertificateInfo): boolean =>
    responderKeyHashHex !== undefined
      ? Buffer.from(digest('sha1', c.publicKeyBits)).toString('hex') === responderKeyHashHex
      : responderNameDer !== undefined && bytesEqual(responderNameDer, c.subjectDer);

  const verify = (issuer: CertificateInfo): boolean => {
    if (matchesResponder(issuer)) return signedBy(issuer);
    for (const certDer of certificates) {
      let c: CertificateInfo;
      try {
        c = parseCertificate(certDer);
      } catch {
        continue;
      }
      if (!matchesResponder(c)) continue;
      const delegated =
        bytesEqual(c.issuerDer, issuer.subjectDer) &&
        c.extKeyUsage.includes('OCSPSigning') &&
        c.notBefore <= producedAt &&
        producedAt <= c.notAfter &&
        c.x509.verify(issuer.publicKey);
      if (delegated && signedBy(c)) return true;
    }
    return false;
  };

  return Object.freeze({
    ...base,
    producedAt,
    responses,
    certificates,
    nonce,
    responderKeyHashHex,
    responderNameDer,
    verify(issuer: CertificateInfo): boolean {
      let ok = verified.get(issuer.sha256Hex);
      if (ok === undefined) {
        ok = verify(issuer);
        verified.set(issuer.sha256Hex, ok);
      }
      return ok;
    },
  });
}

const REASON_BY_CODE = Object.fromEntries(Object.entries(REVOCATION_REASON_CODES).map(([k, v]) => [v, k])) as Record<number, RevocationReason>;

function decodeSingleResponse(node: DerNode): OcspSingleResponse {
  const parts = childrenOf(expectUniversal(node, TAG.SEQUENCE, 'a SingleResponse'));
  const certId = decodeCertId(parts[0]);
  const statusNode = parts[1];
  let status: OcspCertStatus;
  let revokedAt: Date | undefined;
  let revocationReason: RevocationReason | undefined;
  if (isContext(statusNode, 0)) status = 'good';
  else if (isContext(statusNode, 2)) status = 'unknown';
  else if (isContext(statusNode, 1)) {
    status = 'revoked';
    const info = childrenOf(statusNode);
    revokedAt = readTime(info[0]);
    if (info[1] && isContext(info[1], 0)) revocationReason = REASON_BY_CODE[readSmallInt(childrenOf(info[1])[0])];
  } else throw new DerError('bad CertStatus');
  const thisUpdate = readTime(parts[2]);
  let nextUpdate: Date | undefined;
  for (const p of parts.slice(3)) if (isContext(p, 0)) nextUpdate = readTime(childrenOf(p)[0]);
  const out: OcspSingleResponse = { certId, status, thisUpdate };
  if (revokedAt) out.revokedAt = revokedAt;
  if (revocationReason) out.revocationReason = revocationReason;
  if (nextUpdate) out.nextUpdate = nextUpdate;
  return out;
}

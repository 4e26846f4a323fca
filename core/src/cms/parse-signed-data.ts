/**
 * Parses a CMS SignedData (RFC 5652 §5) by walking the original bytes: certificates, signature
 * values and signed attributes are sliced, never re-encoded, so what is verified is what was signed.
 */
import { SignetError } from '../errors.js';
import {
  children,
  content,
  decodeOid,
  decodeSmallInteger,
  decodeTime,
  DerError,
  expect,
  hex,
  integerMagnitude,
  raw,
  readNode,
  TAG,
  type DerNode,
} from './der.js';
import { hashNameOf, OID } from './oids.js';

/** One SignerInfo (RFC 5652 §5.3) with the attributes Signet reads decoded. */
export interface ParsedSignerInfo {
  version: number;
  /** issuerAndSerialNumber (serialHex: lower-case hex, no redundant leading zero) or subjectKeyIdentifier. */
  sid: { issuerDer: Uint8Array; serialHex: string } | { skiHex: string };
  /** The digest algorithm by name when known ('sha256', ...), else its OID. */
  digestAlgorithm: 'sha256' | 'sha384' | 'sha512' | 'sha1' | string;
  /** The signed attributes re-tagged as SET (0x31): the exact bytes the signature covers (RFC 5652 §5.4). */
  signedAttrsDer?: Uint8Array;
  /** The content-type attribute (RFC 5652 §11.1). */
  contentType?: string;
  /** The message-digest attribute (RFC 5652 §11.2). */
  messageDigest?: Uint8Array;
  /** The signing-time attribute (RFC 5652 §11.3), when present (PAdES signers omit it). */
  signingTime?: Date;
  /** ESS signing-certificate-v2 (RFC 5035 §3); hashAlgorithm defaults to 'sha256'. */
  essCertV2?: { hashAlgorithm: string; certHash: Uint8Array }[];
  /** ESS signing-certificate (RFC 2634 §5.4), SHA-1 hashes. */
  essCertV1?: { certHash: Uint8Array }[];
  /** The signatureAlgorithm OID. */
  signatureAlgorithm: string;
  /** The signatureAlgorithm parameters, whole encoding, when present (RSASSA-PSS needs them). */
  signatureAlgorithmParams?: Uint8Array;
  signature: Uint8Array;
  /** The first signature-time-stamp token (RFC 3161 App. A), a DER ContentInfo. */
  timestampToken?: Uint8Array;
  /** The OIDs of every unsigned attribute, in order. */
  unsignedAttrOids: string[];
}

/** A SignedData (RFC 5652 §5.1); byte arrays are views into the parsed input unless noted. */
export interface ParsedSignedData {
  version: number;
  eContentType: string;
  /** The encapsulated content, e.g. the TSTInfo DER of a timestamp token; absent when detached. */
  eContent?: Uint8Array;
  /** Certificates (DER); other CertificateChoices are skipped. */
  certificates: Uint8Array[];
  /** CRLs (DER CertificateList); other RevocationInfoChoices are skipped. */
  crls: Uint8Array[];
  /** Digest algorithm OIDs. */
  digestAlgorithms: string[];
  signerInfos: ParsedSignerInfo[];
}

/**
 * Parses a DER ContentInfo holding a SignedData (RFC 5652 §3, §5). Bytes after the ContentInfo are
 * tolerated when they are all zero, as in a PDF's zero-padded /Contents (ISO 32000-2 §12.8.1).
 * BER indefinite lengths are accepted. Returned byte arrays are views into `der` (except
 * `signedAttrsDer` and constructed eContent), so do not modify `der` while using the result.
 *
 * Throws SignetError REQUEST_MALFORMED ("CMS is malformed: …") when the bytes are not a SignedData.
 */
export function parseSignedData(der: Uint8Array): ParsedSignedData {
  try {
    return parse(der);
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    throw new SignetError(
      'REQUEST_MALFORMED',
      `CMS is malformed: ${e.message}. Pass the DER bytes of a ContentInfo holding a SignedData (RFC 5652).`,
    );
  }
}

function parse(der: Uint8Array): ParsedSignedData {
  if (!(der instanceof Uint8Array)) throw new DerError('input is not a byte array');
  const ci = expect(der, readNode(der, 0), TAG.SEQUENCE, 'ContentInfo');
  if (ci.end < der.length && !allZero(der, ci.end)) {
    let i = ci.end;
    while (der[i] === 0) i++;
    throw new DerError(`non-zero bytes follow the ContentInfo at offset ${i}`);
  }
  const [ctNode, wrapped] = children(der, ci);
  const contentType = decodeOid(der, expect(der, ctNode, TAG.OID, 'contentType'));
  if (contentType !== OID.signedData) throw new DerError(`content type is ${contentType}, not id-signedData`);
  const sdNode = expect(der, children(der, expect(der, wrapped, 0xa0, 'content'))[0], TAG.SEQUENCE, 'SignedData');
  const f = children(der, sdNode);
  let i = 0;
  const version = decodeSmallInteger(der, expect(der, f[i++], TAG.INTEGER, 'version'));
  const digestAlgorithms = children(der, expect(der, f[i++], TAG.SET, 'digestAlgorithms')).map((a) => decodeOid(der, children(der, a)[0]));
  const encap = children(der, expect(der, f[i++], TAG.SEQUENCE, 'encapContentInfo'));
  const eContentType = decodeOid(der, encap[0]);
  let eContent: Uint8Array | undefined;
  if (encap[1]) {
    const octets = children(der, expect(der, encap[1], 0xa0, 'eContent'))[0];
    if (!octets) throw new DerError('eContent is empty');
    eContent = octetStringContent(der, octets);
  }
  const certificates: Uint8Array[] = [];
  const crls: Uint8Array[] = [];
  if (f[i]?.tag === 0xa0) {
    for (const c of children(der, f[i++])) if (c.tag === TAG.SEQUENCE) certificates.push(raw(der, c));
  }
  if (f[i]?.tag === 0xa1) {
    for (const c of children(der, f[i++])) if (c.tag === TAG.SEQUENCE) crls.push(raw(der, c));
  }
  const signerInfos = children(der, expect(der, f[i], TAG.SET, 'signerInfos')).map((n) => parseSignerInfo(der, n));
  return { version, eContentType, eContent, certificates, crls, digestAlgorithms, signerInfos };
}

let zeros = new Uint8Array(16384);

/** True when every byte of `b` from `from` on is zero: one memcmp per chunk, not a loop in JS. */
function allZero(b: Uint8Array, from: number): boolean {
  const tail = Buffer.from(b.buffer, b.byteOffset + from, b.length - from);
  if (zeros.length < tail.length) zeros = new Uint8Array(tail.length);
  return tail.equals(zeros.subarray(0, tail.length));
}

/** The content of an OCTET STRING, primitive or (BER) constructed. */
function octetStringContent(der: Uint8Array, node: DerNode): Uint8Array {
  if (node.tag === TAG.OCTET_STRING) return content(der, node);
  if (node.tag === (TAG.OCTET_STRING | 0x20)) return Buffer.concat(children(der, node).map((c) => octetStringContent(der, c)));
  throw new DerError('eContent is not an OCTET STRING');
}

function parseSignerInfo(der: Uint8Array, node: DerNode): ParsedSignerInfo {
  const f = children(der, expect(der, node, TAG.SEQUENCE, 'SignerInfo'));
  let i = 0;
  const version = decodeSmallInteger(der, expect(der, f[i++], TAG.INTEGER, 'SignerInfo.version'));
  const sidNode = f[i++];
  let sid: ParsedSignerInfo['sid'];
  if (sidNode?.tag === TAG.SEQUENCE) {
    const [issuer, serial] = children(der, sidNode);
    sid = {
      issuerDer: raw(der, expect(der, issuer, TAG.SEQUENCE, 'sid.issuer')),
      serialHex: hex(integerMagnitude(der, expect(der, serial, TAG.INTEGER, 'sid.serialNumber'))),
    };
  } else if (sidNode?.tag === 0x80) {
    sid = { skiHex: hex(content(der, sidNode)) };
  } else throw new DerError('SignerInfo.sid is neither issuerAndSerialNumber nor subjectKeyIdentifier');
  const digestOid = decodeOid(der, children(der, expect(der, f[i++], TAG.SEQUENCE, 'digestAlgorithm'))[0]);
  const si: ParsedSignerInfo = {
    version,
    sid,
    digestAlgorithm: hashNameOf(digestOid) ?? digestOid,
    signatureAlgorithm: '',
    signature: new Uint8Array(0),
    unsignedAttrOids: [],
  };
  if (f[i]?.tag === 0xa0) {
    const attrs = f[i++];
    const set = Buffer.from(raw(der, attrs));
    set[0] = TAG.SET;
    si.signedAttrsDer = set;
    readSignedAttributes(der, attrs, si);
  }
  const sigAlg = children(der, expect(der, f[i++], TAG.SEQUENCE, 'signatureAlgorithm'));
  si.signatureAlgorithm = decodeOid(der, sigAlg[0]);
  if (sigAlg[1] && sigAlg[1].tag !== TAG.NULL) si.signatureAlgorithmParams = raw(der, sigAlg[1]);
  si.signature = content(der, expect(der, f[i++], TAG.OCTET_STRING, 'signature'));
  if (f[i]?.tag === 0xa1) {
    for (const a of children(der, f[i++])) {
      const [typeNode, values] = children(der, expect(der, a, TAG.SEQUENCE, 'Attribute'));
      const type = decodeOid(der, typeNode);
      si.unsignedAttrOids.push(type);
      if (type === OID.signatureTimeStampToken && !si.timestampToken) {
        si.timestampToken = raw(der, expect(der, children(der, expect(der, values, TAG.SET, 'attrValues'))[0], TAG.SEQUENCE, 'TimeStampToken'));
      }
    }
  }
  return si;
}

function readSignedAttributes(der: Uint8Array, attrs: DerNode, si: ParsedSignerInfo): void {
  for (const a of children(der, attrs)) {
    const [typeNode, valuesNode] = children(der, expect(der, a, TAG.SEQUENCE, 'Attribute'));
    const type = decodeOid(der, typeNode);
    const value = children(der, expect(der, valuesNode, TAG.SET, 'attrValues'))[0];
    if (!value) throw new DerError(`attribute ${type} has no value`);
    switch (type) {
      case OID.contentType:
        si.contentType = decodeOid(der, value);
        break;
      case OID.messageDigest:
        si.messageDigest = content(der, expect(der, value, TAG.OCTET_STRING, 'message-digest'));
        break;
      case OID.signingTime:
        si.signingTime = decodeTime(der, value);
        break;
      case OID.signingCertificateV2:
        si.essCertV2 = essCertIds(der, value).map(([first, second]) => {
          if (first.tag === TAG.SEQUENCE) {
            const o = decodeOid(der, children(der, first)[0]);
            return { hashAlgorithm: hashNameOf(o) ?? o, certHash: content(der, expect(der, second, TAG.OCTET_STRING, 'certHash')) };
          }
          return { hashAlgorithm: 'sha256', certHash: content(der, expect(der, first, TAG.OCTET_STRING, 'certHash')) };
        });
        break;
      case OID.signingCertificate:
        si.essCertV1 = essCertIds(der, value).map(([first]) => ({ certHash: content(der, expect(der, first, TAG.OCTET_STRING, 'certHash')) }));
        break;
    }
  }
}

/** The fields of each ESSCertID(v2) in a SigningCertificate(V2) (RFC 2634 §5.4, RFC 5035 §3). */
function essCertIds(der: Uint8Array, value: DerNode): DerNode[][] {
  const certs = children(der, expect(der, value, TAG.SEQUENCE, 'SigningCertificate'))[0];
  return children(der, expect(der, certs, TAG.SEQUENCE, 'SigningCertificate.certs')).map((c) => children(der, expect(der, c, TAG.SEQUENCE, 'ESSCertID')));
}

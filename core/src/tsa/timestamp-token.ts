/**
 * Reads and verifies RFC 3161 TimeStampTokens: a CMS SignedData over a TSTInfo (RFC 3161 §2.4.2).
 */
import { createHash } from 'node:crypto';
import { SignetError } from '../errors.js';
import { extendedKeyUsage } from '../cms/certificate-info.js';
import {
  bytesEqual,
  children,
  content,
  decodeOid,
  decodeSmallInteger,
  decodeTime,
  DerError,
  expect,
  hex,
  integerMagnitude,
  readNode,
  TAG,
} from '../cms/der.js';
import { hashNameOf, normaliseHash, OID } from '../cms/oids.js';
import { parseSignedData, type ParsedSignedData } from '../cms/parse-signed-data.js';
import { findSignerCertificate, verifySignerInfo } from '../cms/verify-signer-info.js';

/** A decoded TimeStampToken. */
export interface ParsedTimestampToken {
  genTime: Date;
  /** The hash algorithm (name when known, else OID) and the hashed message. */
  messageImprint: { algorithm: string; digest: Uint8Array };
  /** The serial number, lower-case hex without redundant leading zero. */
  serialHex: string;
  policy: string;
  /** The nonce magnitude (unsigned big-endian, no leading zero). */
  nonce?: Uint8Array;
  /** seconds, millis and micros of the accuracy, in milliseconds. */
  accuracyMs?: number;
  /** The TSA's certificate, when the token carries it. */
  tsaCertificate?: Uint8Array;
  certificates: Uint8Array[];
  signedData: ParsedSignedData;
}

/**
 * Decodes a TimeStampToken (RFC 3161 §2.4.2): SignedData with eContentType id-ct-TSTInfo. Zero
 * padding after the token is tolerated. Throws SignetError REQUEST_MALFORMED when it is not one.
 */
export function parseTimestampToken(der: Uint8Array): ParsedTimestampToken {
  const signedData = parseSignedData(der);
  if (signedData.eContentType !== OID.tstInfo || !signedData.eContent) {
    throw new SignetError('REQUEST_MALFORMED', `The timestamp token is malformed: its content type is ${signedData.eContentType}, not id-ct-TSTInfo (RFC 3161 §2.4.2).`);
  }
  const t = signedData.eContent;
  try {
    const f = children(t, expect(t, readNode(t, 0), TAG.SEQUENCE, 'TSTInfo'));
    decodeSmallInteger(t, expect(t, f[0], TAG.INTEGER, 'TSTInfo.version'));
    const policy = decodeOid(t, expect(t, f[1], TAG.OID, 'policy'));
    const [alg, hashed] = children(t, expect(t, f[2], TAG.SEQUENCE, 'messageImprint'));
    const algOid = decodeOid(t, children(t, expect(t, alg, TAG.SEQUENCE, 'hashAlgorithm'))[0]);
    const serialHex = hex(integerMagnitude(t, expect(t, f[3], TAG.INTEGER, 'serialNumber')));
    const genTime = decodeTime(t, expect(t, f[4], TAG.GENERALIZED_TIME, 'genTime'));
    const token: ParsedTimestampToken = {
      genTime,
      messageImprint: { algorithm: hashNameOf(algOid) ?? algOid, digest: content(t, expect(t, hashed, TAG.OCTET_STRING, 'hashedMessage')) },
      serialHex,
      policy,
      certificates: signedData.certificates,
      signedData,
    };
    for (let i = 5; i < f.length; i++) {
      const n = f[i];
      if (n.tag === TAG.SEQUENCE) token.accuracyMs = accuracyMs(t, children(t, n));
      else if (n.tag === TAG.INTEGER) token.nonce = integerMagnitude(t, n);
    }
    const si = signedData.signerInfos[0];
    if (si) token.tsaCertificate = findSignerCertificate(si, signedData.certificates)?.der;
    return token;
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    throw new SignetError('REQUEST_MALFORMED', `The timestamp token is malformed: TSTInfo ${e.message} (RFC 3161 §2.4.2).`);
  }
}

/** Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] OPTIONAL, micros [1] OPTIONAL }. */
function accuracyMs(t: Uint8Array, fields: ReturnType<typeof children>): number {
  let ms = 0;
  for (const n of fields) {
    const v = decodeSmallInteger(t, { ...n, tag: TAG.INTEGER });
    if (n.tag === TAG.INTEGER) ms += v * 1000;
    else if (n.tag === 0x80) ms += v;
    else if (n.tag === 0x81) ms += v / 1000;
  }
  return ms;
}

/** The outcome of {@link verifyTimestampToken}. */
export interface TimestampVerification {
  /** The token's message imprint equals the expected digest (same hash algorithm). */
  imprintMatches: boolean;
  /** The CMS signature over the TSTInfo verifies, its message-digest matches and ESS names the signer. */
  signatureValid: boolean;
  /** The TSA certificate that signed the token, when found. */
  tsaCertificate?: Uint8Array;
  genTime: Date;
  /** The TSA certificate has a critical extended key usage of only timeStamping (RFC 3161 §2.3). */
  ekuTimestampingCritical?: boolean;
  /** Every problem found, in plain words; empty when all is well. */
  problems: string[];
}

/**
 * Verifies a TimeStampToken against the data it should time-stamp, given as a digest (with its
 * algorithm, by name or OID) or as the content itself (hashed with the token's algorithm).
 *
 * Checks the message imprint (RFC 3161 §2.4.2), the CMS signature over the TSTInfo with its
 * message-digest and ESS signing-certificate(-v2) binding (RFC 3161 §2.4.1, RFC 5035), and that the
 * TSA certificate's extended key usage is timeStamping only and critical (RFC 3161 §2.3).
 * Does not validate the TSA's chain or revocation. Throws REQUEST_MALFORMED for an unreadable token.
 */
export function verifyTimestampToken(
  token: Uint8Array,
  data: { digest: Uint8Array; algorithm: string } | { content: Uint8Array },
  extraCertificates?: Uint8Array[],
): TimestampVerification {
  const t = parseTimestampToken(token);
  const problems: string[] = [];
  const tokenHash = normaliseHash(t.messageImprint.algorithm);
  let imprintMatches = false;
  if (!tokenHash) problems.push(`The token's hash algorithm ${t.messageImprint.algorithm} is not supported.`);
  else if ('content' in data) {
    imprintMatches = bytesEqual(createHash(tokenHash).update(data.content).digest(), t.messageImprint.digest);
  } else {
    imprintMatches = normaliseHash(data.algorithm) === tokenHash && bytesEqual(data.digest, t.messageImprint.digest);
  }
  if (tokenHash && !imprintMatches) problems.push('The timestamp does not cover this data: its message imprint differs.');

  const sd = t.signedData;
  const result: TimestampVerification = { imprintMatches, signatureValid: false, genTime: t.genTime, problems };
  if (sd.signerInfos.length !== 1) problems.push(`A timestamp token must have exactly one signer, this one has ${sd.signerInfos.length}.`);
  const si = sd.signerInfos[0];
  if (!si) return result;
  const hash = normaliseHash(si.digestAlgorithm);
  if (!hash) {
    problems.push(`The token's digest algorithm ${si.digestAlgorithm} is not supported.`);
    return result;
  }
  const v = verifySignerInfo(sd, 0, createHash(hash).update(sd.eContent!).digest(), extraCertificates);
  problems.push(...v.problems);
  if (v.essCertMatches === undefined) problems.push('The token lacks the ESS signing-certificate attribute that RFC 3161 §2.4.1 requires.');
  result.signatureValid = v.signatureValid && v.digestMatches && v.essCertMatches !== false;
  result.tsaCertificate = v.signerCertificate;
  if (v.signerCertificate) {
    const eku = extendedKeyUsage(v.signerCertificate);
    result.ekuTimestampingCritical = !!eku && eku.critical && eku.purposes.length === 1 && eku.purposes[0] === OID.kpTimeStamping;
    if (!result.ekuTimestampingCritical) {
      problems.push('The TSA certificate must have a critical extended key usage of only timeStamping (RFC 3161 §2.3).');
    }
  }
  return result;
}

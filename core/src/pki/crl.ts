/**
 * Certificate revocation lists (RFC 5280 §5): building v2 CRLs for the embedded CAs and parsing
 * any CRL for validation.
 */
import { createHash } from 'node:crypto';
import { ContentCache } from '../util/content-cache.js';
import { SignetError } from '../errors.js';
import { authorityKeyIdentifierExtension, encodeExtension, floorToSecond, type Extension } from './build-certificate.js';
import {
  bitString,
  bytesEqual,
  childrenOf,
  contentOf,
  encode,
  enumerated,
  expectUniversal,
  explicit,
  int,
  isContext,
  isUniversal,
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
  time,
  toHex,
  type Asn1,
  type DerNode,
} from './der.js';
import type { CaMaterial } from './issue-certificate.js';
import { signatureAlgorithmFor, signSha256, verifySignature } from './keys.js';
import { OID } from './oids.js';
import { parseCertificate, type CertificateInfo } from './parse-certificate.js';
import { toDer } from './pem.js';

/** CRLReason names (RFC 5280 §5.3.1). */
export type RevocationReason = 'unspecified' | 'keyCompromise' | 'cACompromise' | 'affiliationChanged' | 'superseded' | 'cessationOfOperation';

/** CRLReason codes by name (RFC 5280 §5.3.1). */
export const REVOCATION_REASON_CODES: Record<RevocationReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
};

const REASON_NAMES: Record<number, string> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

/** One revoked certificate. */
export interface RevokedEntry {
  /** Serial number, hex (case and a leading 00 do not matter). */
  serialHex: string;
  revokedAt: Date;
  reason?: RevocationReason;
}

/** Normalises a hex serial: lower-case, no leading zero octets. Throws INVALID_ARGUMENT on non-hex. */
export function normaliseSerialHex(serialHex: string): string {
  const s = String(serialHex).trim().toLowerCase().replace(/^0x/, '').replace(/:/g, '');
  if (!/^[0-9a-f]+$/.test(s)) throw new SignetError('INVALID_ARGUMENT', `"${serialHex}" is not a hexadecimal serial number.`);
  const t = s.replace(/^0+/, '');
  return t === '' ? '0' : t;
}

/** The unsigned octets of a hex serial. */
export function serialBytesFromHex(serialHex: string): Uint8Array {
  const s = normaliseSerialHex(serialHex);
  return new Uint8Array(Buffer.from(s.length % 2 ? `0${s}` : s, 'hex'));
}

/**
 * Builds and signs a v2 CRL (RFC 5280 §5.1) for `ca`: entries with revocationDate and, unless
 * unspecified, a reasonCode entry extension (§5.3.1); CRL extensions authorityKeyIdentifier (§5.2.1)
 * and cRLNumber (§5.2.3). The revokedCertificates field is omitted when the list is empty, as §5.1.2.6
 * requires.
 */
export function buildCrl(
  ca: CaMaterial,
  revoked: RevokedEntry[],
  opts: { thisUpdate: Date; nextUpdate: Date; crlNumber: bigint | number },
): Uint8Array {
  const issuer = parseCertificate(ca.certificate);
  const crlNumber = BigInt(opts.crlNumber);
  if (crlNumber < 0n || crlNumber >= 1n << 159n) throw new SignetError('INVALID_ARGUMENT', 'crlNumber must be a non-negative integer of at most 20 octets (RFC 5280 §5.2.3).');
  if (!(opts.nextUpdate > opts.thisUpdate)) throw new SignetError('INVALID_ARGUMENT', 'nextUpdate must be later than thisUpdate (RFC 5280 §5.1.2.5).');
  const fields: Asn1[] = [
    int(1), // v2
    signatureAlgorithmFor(ca.privateKey),
    rawDer(issuer.subjectDer),
    time(floorToSecond(opts.thisUpdate)),
    time(floorToSecond(opts.nextUpdate)),
  ];
  if (revoked.length > 0) {
    fields.push(
      seq(
        ...revoked.map((r) => {
          const entry: Asn1[] = [int(serialBytesFromHex(r.serialHex)), time(floorToSecond(r.revokedAt))];
          if (r.reason && r.reason !== 'unspecified') {
            const code = REVOCATION_REASON_CODES[r.reason];
            if (code === undefined) throw new SignetError('INVALID_ARGUMENT', `Unknown revocation reason "${r.reason}".`);
            const reasonExt: Extension = { oid: OID.cRLReason, critical: false, value: enumerated(code) };
            entry.push(seq(encodeExtension(reasonExt)));
          }
          return seq(...entry);
        }),
      ),
    );
  }
  const numberExt: Extension = { oid: OID.cRLNumber, critical: false, value: int(crlNumber) };
  fields.push(explicit(0, seq(encodeExtension(authorityKeyIdentifierExtension(issuer.spkiDer)), encodeExtension(numberExt))));
  const tbs = encode(seq(...fields));
  return encode(seq(rawDer(tbs), signatureAlgorithmFor(ca.privateKey), bitString(signSha256(ca.privateKey, tbs))));
}

/** A parsed CRL. */
export interface ParsedCrl {
  der: Uint8Array;
  /** The issuer Name, DER, byte-exact. */
  issuerDer: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Revocation dates by serial (lower-case hex, no leading 00). */
  revoked: Map<string, Date>;
  /** Revocation reasons by serial, for entries that carry a reasonCode. */
  reasons: Map<string, string>;
  crlNumber?: bigint;
  akiHex?: string;
  signatureAlgorithm: string;
  sha256Hex: string;
  /**
   * True when `issuer` issued this CRL: same name (RFC 5280 §6.3.3 (b)), matching key identifier when
   * both are present, and a valid signature (§6.3.3 (g)).
   */
  verify(issuer: CertificateInfo): boolean;
}

const crlCache = new ContentCache<ParsedCrl>(1024);

/** Parses a CRL (DER or PEM). Cached per process by content. Throws CERT_INVALID when it is not a CRL. */
export function parseCrl(input: Uint8Array | string): ParsedCrl {
  const der = toDer(input);
  return crlCache.get(der, () => {
    try {
      return decodeCrl(new Uint8Array(der), createHash('sha256').update(der).digest('hex'));
    } catch (e) {
      throw new SignetError('CERT_INVALID', `The CRL could not be parsed (${(e as Error).message}). Provide a DER or PEM X.509 CRL.`);
    }
  });
}

function decodeCrl(der: Uint8Array, sha256Hex: string): ParsedCrl {
  const [tbsNode, sigAlgNode, sigNode] = childrenOf(readRoot(der));
  expectUniversal(tbsNode, TAG.SEQUENCE, 'a TBSCertList');
  const signatureAlgorithm = readOid(childrenOf(sigAlgNode)[0]);
  const signature = readBitStringBytes(sigNode);
  const t = childrenOf(tbsNode);
  let i = 0;
  if (isUniversal(t[i], TAG.INTEGER)) i++; // version
  i++; // signature
  const issuerNode = expectUniversal(t[i++], TAG.SEQUENCE, 'an issuer Name');
  const thisUpdate = readTime(t[i++]);
  let nextUpdate: Date | undefined;
  if (t[i] && (isUniversal(t[i], TAG.UTC_TIME) || isUniversal(t[i], TAG.GENERALIZED_TIME))) nextUpdate = readTime(t[i++]);
  const revoked = new Map<string, Date>();
  const reasons = new Map<string, string>();
  if (t[i] && isUniversal(t[i], TAG.SEQUENCE)) {
    for (const entry of childrenOf(t[i++])) {
      const [serialNode, dateNode, extsNode] = childrenOf(entry);
      const serial = readIntegerHex(serialNode);
      revoked.set(serial, readTime(dateNode));
      if (extsNode) {
        for (const [id, value] of extensions(extsNode)) {
          if (id === OID.cRLReason) {
            const code = readSmallInt(readRoot(value));
            reasons.set(serial, REASON_NAMES[code] ?? String(code));
          }
        }
      }
    }
  }
  let crlNumber: bigint | undefined;
  let akiHex: string | undefined;
  if (t[i] && isContext(t[i], 0)) {
    for (const [id, value] of extensions(childrenOf(t[i])[0])) {
      if (id === OID.cRLNumber) crlNumber = BigInt(`0x${readIntegerHex(readRoot(value))}`);
      if (id === OID.authorityKeyIdentifier) {
        for (const c of childrenOf(readRoot(value))) if (isContext(c, 0)) akiHex = toHex(contentOf(c));
      }
    }
  }
  const tbs = rawOf(tbsNode);
  const issuerDer = rawOf(issuerNode);
  const verified = new Map<string, boolean>();
  return Object.freeze({
    der,
    issuerDer,
    thisUpdate,
    nextUpdate,
    revoked,
    reasons,
    crlNumber,
    akiHex,
    signatureAlgorithm,
    sha256Hex,
    verify(issuer: CertificateInfo): boolean {
      let ok = verified.get(issuer.sha256Hex);
      if (ok === undefined) {
        ok =
          bytesEqual(issuerDer, issuer.subjectDer) &&
          (akiHex === undefined || issuer.skiHex === undefined || akiHex === issuer.skiHex) &&
          verifySignature(signatureAlgorithm, tbs, signature, issuer.publicKey);
        verified.set(issuer.sha256Hex, ok);
      }
      return ok;
    },
  });
}

/** The (extnID, extnValue content) pairs of an Extensions SEQUENCE. */
export function extensions(node: DerNode): [string, Uint8Array][] {
  return childrenOf(node).map((ext) => {
    const parts = childrenOf(ext);
    const valueNode = parts[parts.length - 1];
    return [readOid(parts[0]), contentOf(expectUniversal(valueNode, TAG.OCTET_STRING, 'an extension value'))];
  });
}

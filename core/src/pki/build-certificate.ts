/**
 * Assembles and signs X.509 v3 certificates (RFC 5280 §4.1) with node-forge's ASN.1 writer and
 * node:crypto signatures. The SubjectPublicKeyInfo is embedded as exported by node:crypto, so RSA
 * and EC keys are handled alike.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { SignetError } from '../errors.js';
import {
  bitString,
  bool,
  encode,
  explicit,
  implicitConstructed,
  implicitPrimitive,
  int,
  nul,
  octets,
  oid,
  rawDer,
  seq,
  time,
  type Asn1,
} from './der.js';
import { signatureAlgorithmFor, signSha256 } from './keys.js';
import { buildName, type NameAttribute } from './name.js';
import { OID } from './oids.js';
import { keyIdentifierOf } from './parse-certificate.js';

/** One certificate extension (RFC 5280 §4.2): its OID, criticality and the DER of extnValue's content. */
export interface Extension {
  oid: string;
  critical: boolean;
  value: Asn1;
}

/** What {@link buildCertificate} needs. */
export interface CertificateTemplate {
  serial: Uint8Array;
  /** Issuer Name DER, byte-exact from the issuer certificate (name chaining, RFC 5280 §6.1). */
  issuerDer?: Uint8Array;
  subject: NameAttribute[];
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER (`publicKey.export({ type: 'spki', format: 'der' })`). */
  spkiDer: Uint8Array;
  extensions: Extension[];
}

/**
 * Encodes the TBSCertificate of `template` and signs it with `issuerKey` (sha256WithRSAEncryption
 * or ecdsa-with-SHA256). Without `issuerDer` the certificate is self-issued.
 */
export function buildCertificate(template: CertificateTemplate, issuerKey: KeyObject): Uint8Array {
  const algorithm = signatureAlgorithmFor(issuerKey);
  const subject = buildName(template.subject);
  const tbs = seq(
    explicit(0, int(2)), // v3
    int(template.serial),
    algorithm,
    template.issuerDer ? rawDer(template.issuerDer) : buildName(template.subject),
    seq(time(template.notBefore), time(template.notAfter)),
    subject,
    rawDer(template.spkiDer),
    explicit(3, seq(...template.extensions.map(encodeExtension))),
  );
  const tbsDer = encode(tbs);
  const signature = signSha256(issuerKey, tbsDer);
  return encode(seq(rawDer(tbsDer), signatureAlgorithmFor(issuerKey), bitString(signature)));
}

/** Encodes one Extension; `critical` is omitted when false (DER DEFAULT FALSE). */
export function encodeExtension(ext: Extension): Asn1 {
  const parts = [oid(ext.oid)];
  if (ext.critical) parts.push(bool(true));
  parts.push(octets(encode(ext.value)));
  return seq(...parts);
}

/**
 * A positive serial number of 16 random octets (RFC 5280 §4.1.2.2: at most 20 octets, positive,
 * unpredictable per CA/B BR §7.1). The top bit is cleared and the next set, so the INTEGER is
 * always 16 octets.
 */
export function randomSerial(): Uint8Array {
  const s = new Uint8Array(randomBytes(16));
  s[0] = (s[0] & 0x7f) | 0x40;
  return s;
}

/** Checks a caller-supplied serial: 1–20 octets, not zero (RFC 5280 §4.1.2.2). */
export function checkSerial(serial: Uint8Array): Uint8Array {
  const trimmed = serial.subarray(serial.findIndex((b) => b !== 0));
  if (serial.every((b) => b === 0) || trimmed.byteLength > 20) {
    throw new SignetError('INVALID_ARGUMENT', 'The serial number must be 1 to 20 octets and not zero (RFC 5280 §4.1.2.2).');
  }
  return trimmed;
}

/** Truncates to whole seconds: X.509 times carry no fractions (RFC 5280 §4.1.2.5). */
export function floorToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** `d` plus `years` calendar years (UTC). */
export function addYears(d: Date, years: number): Date {
  const r = new Date(d.getTime());
  r.setUTCFullYear(r.getUTCFullYear() + years);
  return r;
}

// --- extension builders (RFC 5280 §4.2.1) ---

const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

/** keyUsage (RFC 5280 §4.2.1.3), always critical, as a DER named bit list without trailing zeros. */
export function keyUsageExtension(usages: (keyof typeof KEY_USAGE_BITS)[]): Extension {
  let bits = 0;
  for (const u of usages) bits |= 0x80 >> KEY_USAGE_BITS[u];
  let unused = 0;
  while (unused < 7 && !(bits & (1 << unused))) unused++;
  return { oid: OID.keyUsage, critical: true, value: bitString(new Uint8Array([bits]), unused) };
}

/** basicConstraints (RFC 5280 §4.2.1.9), critical; an end entity gets an empty SEQUENCE (cA FALSE). */
export function basicConstraintsExtension(ca: boolean, pathLen?: number): Extension {
  const parts: Asn1[] = [];
  if (ca) {
    parts.push(bool(true));
    if (pathLen !== undefined) parts.push(int(pathLen));
  }
  return { oid: OID.basicConstraints, critical: true, value: seq(...parts) };
}

/** subjectKeyIdentifier (RFC 5280 §4.2.1.2), method (1). */
export function subjectKeyIdentifierExtension(spkiDer: Uint8Array): Extension {
  return { oid: OID.subjectKeyIdentifier, critical: false, value: octets(keyIdentifierOf(spkiDer)) };
}

/** authorityKeyIdentifier (RFC 5280 §4.2.1.1) with the keyIdentifier of the issuer's key. */
export function authorityKeyIdentifierExtension(issuerSpkiDer: Uint8Array): Extension {
  return { oid: OID.authorityKeyIdentifier, critical: false, value: seq(implicitPrimitive(0, keyIdentifierOf(issuerSpkiDer))) };
}

/** cRLDistributionPoints (RFC 5280 §4.2.1.13) with one fullName URI. */
export function crlDistributionPointsExtension(url: string): Extension {
  // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames { [6] URI } } }
  const uri = implicitPrimitive(6, url);
  return {
    oid: OID.cRLDistributionPoints,
    critical: false,
    value: seq(seq(implicitConstructed(0, [implicitConstructed(0, [uri])]))),
  };
}

/** authorityInfoAccess (RFC 5280 §4.2.2.1) with an OCSP responder and optionally a caIssuers URI. */
export function authorityInfoAccessExtension(ocspUrl: string, caIssuersUrl?: string): Extension {
  const entries = [seq(oid(OID.adOcsp), implicitPrimitive(6, ocspUrl))];
  if (caIssuersUrl) entries.push(seq(oid(OID.adCaIssuers), implicitPrimitive(6, caIssuersUrl)));
  return { oid: OID.authorityInfoAccess, critical: false, value: seq(...entries) };
}

/** extKeyUsage (RFC 5280 §4.2.1.12). */
export function extKeyUsageExtension(purposeOids: string[], critical: boolean): Extension {
  return { oid: OID.extKeyUsage, critical, value: seq(...purposeOids.map((p) => oid(p))) };
}

/** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1) for delegated OCSP responder certificates. */
export function ocspNoCheckExtension(): Extension {
  return { oid: OID.ocspNoCheck, critical: false, value: nul() };
}

/** certificatePolicies (RFC 5280 §4.2.1.4) with bare policy OIDs. */
export function certificatePoliciesExtension(policyOids: string[]): Extension {
  return { oid: OID.certificatePolicies, critical: false, value: seq(...policyOids.map((p) => seq(oid(p)))) };
}

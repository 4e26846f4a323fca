/**
 * Certification path building and validation (RFC 5280 §6, simplified) with revocation checking
 * from CRLs (RFC 5280 §6.3) and OCSP responses (RFC 6960).
 */
import { bytesEqual } from './der.js';
import { parseCrl, type ParsedCrl } from './crl.js';
import { certIdIssuedBy, parseOcspResponse, type ParsedOcspResponse } from './ocsp.js';
import { OID } from './oids.js';
import { parseCertificate, type CertificateInfo } from './parse-certificate.js';

/** Revocation outcome of one certificate of the chain. */
export interface RevocationStatus {
  serialHex: string;
  /** Subject display text (`CN=…, C=CN`). */
  subject: string;
  /** 'not-checked' when no CRL or OCSP data was given; 'unknown' when the data given does not cover it. */
  status: 'good' | 'revoked' | 'unknown' | 'not-checked';
  source?: 'ocsp' | 'crl';
  revokedAt?: Date;
}

/** The outcome of {@link validateChain}: data, never an exception. */
export interface ChainResult {
  /** True when a path to an anchor was found and `problems` is empty. */
  trusted: boolean;
  /** Leaf first, anchor last when found. */
  chain: CertificateInfo[];
  /** Why the chain is not trusted, in English. */
  problems: string[];
  /** Facts that do not break trust (revocation data missing or ignored, revocation after `at`). */
  warnings: string[];
  /** One entry per non-anchor certificate of the chain. */
  revocation: RevocationStatus[];
}

/** Inputs of {@link validateChain}. */
export interface ChainOptions {
  /** Candidate intermediate CA certificates, DER (extra ones are ignored). */
  intermediates: Uint8Array[];
  /** Trust anchors, DER (usually the root). */
  anchors: Uint8Array[];
  /** Validation time (signing time, timestamp time, or now). */
  at: Date;
  /** CRLs, DER. */
  crls?: Uint8Array[];
  /** OCSPResponses, DER. */
  ocsps?: Uint8Array[];
}

/** Extensions this validator accepts as critical; any other critical extension rejects the certificate (RFC 5280 §4.2). */
const KNOWN_CRITICAL = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.certificatePolicies,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.cRLDistributionPoints,
  OID.authorityInfoAccess,
  '2.5.29.17', // subjectAltName
]);

const signatureCache = new Map<string, boolean>();

/** True when `issuer`'s key verifies `cert`'s signature (cached per pair). */
export function isSignedBy(cert: CertificateInfo, issuer: CertificateInfo): boolean {
  const key = `${cert.sha256Hex}:${issuer.sha256Hex}`;
  let ok = signatureCache.get(key);
  if (ok === undefined) {
    try {
      ok = cert.x509.verify(issuer.publicKey);
    } catch {
      ok = false;
    }
    if (signatureCache.size >= 8192) signatureCache.clear();
    signatureCache.set(key, ok);
  }
  return ok;
}

/**
 * Builds the path from `leaf` to one of `anchors` through `intermediates` (issuer name equal to
 * subject name, RFC 5280 §6.1.3 (a)(4), and AKI = SKI when both are present), then checks every
 * signature (§6.1.3 (a)(1)), validity at `at` (§6.1.3 (a)(2)), that every issuer is a CA with
 * keyCertSign (§6.1.4 (k), (n)) within its pathLenConstraint (§6.1.4 (l), (m)), that no unknown
 * extension is critical (§4.2), and revocation (§6.1.3 (a)(3)) of every non-anchor certificate from
 * the OCSP responses and CRLs given. A certificate revoked at or before `at` makes the chain
 * untrusted. Anchors are trusted as configured: their own signature is not checked.
 */
export function validateChain(leaf: Uint8Array, opts: ChainOptions): ChainResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const at = opts.at;

  let leafInfo: CertificateInfo;
  try {
    leafInfo = parseCertificate(leaf);
  } catch (e) {
    return { trusted: false, chain: [], problems: [`The certificate cannot be parsed: ${(e as Error).message}`], warnings, revocation: [] };
  }
  const anchors = parseAll(opts.anchors, 'trust anchor', warnings);
  const intermediates = parseAll(opts.intermediates, 'intermediate certificate', warnings);

  // --- path building
  const chain: CertificateInfo[] = [leafInfo];
  let anchorFound = false;
  let current = leafInfo;
  for (let depth = 0; depth < 16; depth++) {
    if (anchors.some((a) => a.sha256Hex === current.sha256Hex)) {
      anchorFound = true;
      break;
    }
    const candidates = [...anchors, ...intermediates].filter(
      (c) =>
        bytesEqual(c.subjectDer, current.issuerDer) &&
        (current.akiHex === undefined || c.skiHex === undefined || c.skiHex === current.akiHex) &&
        !chain.some((x) => x.sha256Hex === c.sha256Hex),
    );
    const issuer = candidates.find((c) => isSignedBy(current, c)) ?? candidates[0];
    if (!issuer) {
      if (current.selfIssued && isSignedBy(current, current)) {
        problems.push(`The chain ends at the self-signed certificate "${current.subjectText}", which is not a trust anchor.`);
      } else {
        problems.push(`The issuer of "${current.subjectText}" ("${current.issuerText}") was not found among the intermediates and trust anchors.`);
      }
      break;
    }
    chain.push(issuer);
    current = issuer;
  }
  if (!anchorFound && problems.length === 0) problems.push('No path to a trust anchor was found within 16 certificates.');

  // --- per-certificate checks
  const lastChecked = anchorFound ? chain.length - 1 : chain.length;
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i];
    if (at < c.notBefore) problems.push(`"${c.subjectText}" is not valid before ${c.notBefore.toISOString()} (checked at ${at.toISOString()}).`);
    if (at > c.notAfter) problems.push(`"${c.subjectText}" expired on ${c.notAfter.toISOString()} (checked at ${at.toISOString()}).`);
    if (i >= lastChecked) continue; // the anchor itself
    const unknownCritical = c.criticalExtensions.filter((o) => !KNOWN_CRITICAL.has(o));
    if (unknownCritical.length > 0) problems.push(`"${c.subjectText}" has unsupported critical extensions: ${unknownCritical.join(', ')}.`);
    const issuer = chain[i + 1];
    if (!issuer) continue;
    if (!isSignedBy(c, issuer)) problems.push(`The signature of "${c.subjectText}" does not verify with the key of "${issuer.subjectText}".`);
    if (!issuer.isCa) problems.push(`"${issuer.subjectText}" issued "${c.subjectText}" but is not a CA (basicConstraints).`);
    if (issuer.keyUsage.length > 0 && !issuer.keyUsage.includes('keyCertSign')) {
      problems.push(`"${issuer.subjectText}" issued "${c.subjectText}" but lacks the keyCertSign key usage.`);
    }
    // Intermediate CA certificates (not self-issued) between `issuer` and the leaf.
    const below = chain.slice(1, i + 1).filter((x) => !x.selfIssued).length;
    if (issuer.pathLen !== undefined && below > issuer.pathLen) {
      problems.push(`"${issuer.subjectText}" allows ${issuer.pathLen} intermediate CA(s) below it (pathLenConstraint) but the chain has ${below}.`);
    }
  }

  // --- revocation
  const crls = parseRevocationData(opts.crls ?? [], parseCrl, 'CRL', warnings);
  const ocsps = parseRevocationData(opts.ocsps ?? [], parseOcspResponse, 'OCSP response', warnings);
  const haveData = (opts.crls?.length ?? 0) + (opts.ocsps?.length ?? 0) > 0;
  const revocation: RevocationStatus[] = [];
  for (let i = 0; i < lastChecked; i++) {
    const c = chain[i];
    const issuer = chain[i + 1];
    const entry: RevocationStatus = { serialHex: c.serialHex, subject: c.subjectText, status: haveData ? 'unknown' : 'not-checked' };
    revocation.push(entry);
    if (!haveData) continue;
    if (!issuer) {
      warnings.push(`The revocation status of "${c.subjectText}" cannot be checked without its issuer.`);
      continue;
    }
    const status = ocspStatus(c, issuer, ocsps, warnings) ?? crlStatus(c, issuer, crls, warnings);
    if (status) Object.assign(entry, status);
    if (entry.status === 'unknown') warnings.push(`No revocation data covers "${c.subjectText}" (serial ${c.serialHex}).`);
    if (entry.status === 'revoked' && entry.revokedAt) {
      if (entry.revokedAt <= at) problems.push(`"${c.subjectText}" (serial ${c.serialHex}) was revoked on ${entry.revokedAt.toISOString()} (${entry.source}).`);
      else warnings.push(`"${c.subjectText}" was revoked on ${entry.revokedAt.toISOString()}, after ${at.toISOString()}.`);
    }
  }

  return { trusted: anchorFound && problems.length === 0, chain, problems, warnings, revocation };
}

type Found = Pick<RevocationStatus, 'status' | 'source' | 'revokedAt'>;

function ocspStatus(cert: CertificateInfo, issuer: CertificateInfo, responses: ParsedOcspResponse[], warnings: string[]): Found | undefined {
  let found: Found | undefined;
  for (const r of responses) {
    if (r.status !== 'successful') continue;
    const single = r.responses.find((s) => s.certId.serialHex === cert.serialHex && certIdIssuedBy(s.certId, issuer));
    if (!single) continue;
    if (!r.verify(issuer)) {
      warnings.push(`An OCSP response about "${cert.subjectText}" is not signed by its issuer or a delegated responder: ignored.`);
      continue;
    }
    if (single.status === 'revoked') return { status: 'revoked', source: 'ocsp', revokedAt: single.revokedAt };
    if (single.status === 'good') found = { status: 'good', source: 'ocsp' };
  }
  return found;
}

function crlStatus(cert: CertificateInfo, issuer: CertificateInfo, crls: ParsedCrl[], warnings: string[]): Found | undefined {
  let found: Found | undefined;
  for (const crl of crls) {
    if (!bytesEqual(crl.issuerDer, issuer.subjectDer)) continue;
    if (!crl.verify(issuer) || (issuer.keyUsage.length > 0 && !issuer.keyUsage.includes('cRLSign'))) {
      warnings.push(`A CRL naming "${issuer.subjectText}" as issuer is not validly signed by it: ignored.`);
      continue;
    }
    const revokedAt = crl.revoked.get(cert.serialHex);
    if (revokedAt) return { status: 'revoked', source: 'crl', revokedAt };
    found = { status: 'good', source: 'crl' };
  }
  return found;
}

function parseAll(ders: Uint8Array[], what: string, warnings: string[]): CertificateInfo[] {
  const out: CertificateInfo[] = [];
  for (const der of ders) {
    try {
      out.push(parseCertificate(der));
    } catch {
      warnings.push(`A ${what} cannot be parsed: ignored.`);
    }
  }
  return out;
}

function parseRevocationData<T>(ders: Uint8Array[], parse: (der: Uint8Array) => T, what: string, warnings: string[]): T[] {
  const out: T[] = [];
  for (const der of ders) {
    try {
      out.push(parse(der));
    } catch {
      warnings.push(`A ${what} cannot be parsed: ignored.`);
    }
  }
  return out;
}

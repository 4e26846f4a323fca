/**
 * Validation data from the embedded PKI itself: an OCSP response from the issuing CA for each
 * end-entity certificate, and the root's CRL for the CAs and the TSA it certified. Used for PAdES
 * B-LT, so that Signet's signatures validate offline (Adobe "LTV enabled").
 */
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import {
  buildCrl, buildOcspResponse, certIdFor, parseCertificate,
  type CaMaterial, type CertificateInfo, type EmbeddedPki, type OcspCertId, type RevokedEntry,
} from '../pki/index.js';
import type { ValidationData } from '../pdf/dss.js';
import type { ValidationDataProvider } from './validation-data.js';

/** Revocation state the provider answers from. */
export interface RevocationSource {
  /** Revoked certificates of one CA. */
  revoked(ca: 'root' | 'issuing'): RevokedEntry[];
  /** Monotonic CRL number. */
  readonly crlNumber: number;
}

const CRL_LIFETIME_MS = 7 * 24 * 3600_000;
const OCSP_LIFETIME_MS = 7 * 24 * 3600_000;
/** How long a pre-produced OCSP response is handed out again (it stays valid for a week). */
const OCSP_REUSE_MS = 10 * 60_000;

/** A ValidationDataProvider backed by the embedded CA's keys and revocation registry. */
export class EmbeddedValidationData implements ValidationDataProvider {
  private crlCache = new Map<string, { key: string; der: Uint8Array; until: number }>();
  private ocspCache = new Map<string, { key: string; der: Uint8Array; until: number }>();

  constructor(
    private readonly pki: EmbeddedPki,
    private readonly revocation: RevocationSource,
    private readonly clock: Clock = systemClock,
  ) {}

  private caOf(info: CertificateInfo): { name: 'root' | 'issuing'; ca: CaMaterial } | undefined {
    const root = parseCertificate(this.pki.root.certificate);
    const issuing = parseCertificate(this.pki.issuing.certificate);
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
    if (same(info.issuerDer, issuing.subjectDer) && (!info.akiHex || info.akiHex === issuing.skiHex)) return { name: 'issuing', ca: this.pki.issuing };
    if (same(info.issuerDer, root.subjectDer) && (!info.akiHex || info.akiHex === root.skiHex)) return { name: 'root', ca: this.pki.root };
    return undefined;
  }

  /** The current CRL of one CA (cached until the registry changes or it half-expires). */
  crl(name: 'root' | 'issuing'): Uint8Array {
    const now = this.clock.now().getTime();
    const key = `${this.revocation.crlNumber}`;
    const hit = this.crlCache.get(name);
    if (hit && hit.key === key && hit.until > now) return hit.der;
    const thisUpdate = new Date(now - 60_000);
    const der = buildCrl(name === 'root' ? this.pki.root : this.pki.issuing, this.revocation.revoked(name), {
      thisUpdate,
      nextUpdate: new Date(now + CRL_LIFETIME_MS),
      crlNumber: this.revocation.crlNumber,
    });
    this.crlCache.set(name, { key, der, until: now + CRL_LIFETIME_MS / 2 });
    return der;
  }

  /**
   * An OCSP response from the issuing CA about `cert`, reused for up to {@link OCSP_REUSE_MS} while
   * the registry does not change: a batch stamping thousands of documents with one seal would
   * otherwise sign a fresh response for each (RFC 6960 §4.2.2.1 lets responders pre-produce them).
   */
  ocsp(cert: CertificateInfo): Uint8Array {
    const nowMs = this.clock.now().getTime();
    const key = `${this.revocation.crlNumber}`;
    const hit = this.ocspCache.get(cert.serialHex);
    if (hit && hit.key === key && hit.until > nowMs) return hit.der;
    const der = this.freshOcsp(cert);
    if (this.ocspCache.size >= 10_000) this.ocspCache.delete(this.ocspCache.keys().next().value!);
    this.ocspCache.set(cert.serialHex, { key, der, until: nowMs + OCSP_REUSE_MS });
    return der;
  }

  private freshOcsp(cert: CertificateInfo): Uint8Array {
    const issuer = parseCertificate(this.pki.issuing.certificate);
    const now = this.clock.now();
    const revoked = this.revocation.revoked('issuing').find((r) => r.serialHex === cert.serialHex);
    return buildOcspResponse(this.pki.issuing, [{
      certId: certIdFor(cert, issuer),
      status: revoked ? 'revoked' : 'good',
      revokedAt: revoked?.revokedAt,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + OCSP_LIFETIME_MS),
    }], { producedAt: now });
  }

  /**
   * Answers an OCSP request for one CertID (RFC 6960 §2.2): "good" or "revoked" for certificates the
   * issuing CA issued, "unknown" for anything else (another issuer, or a serial it never issued).
   */
  ocspFor(certId: OcspCertId, opts: { nonce?: Uint8Array; isIssued?: (serialHex: string) => boolean } = {}): Uint8Array {
    const issuer = parseCertificate(this.pki.issuing.certificate);
    const ours = certIdFor({ ...issuer, serialHex: certId.serialHex } as CertificateInfo, issuer, certId.hashAlgorithm === 'sha256' ? 'sha256' : 'sha1');
    const sameIssuer = Buffer.compare(Buffer.from(ours.issuerNameHash), Buffer.from(certId.issuerNameHash)) === 0 &&
      Buffer.compare(Buffer.from(ours.issuerKeyHash), Buffer.from(certId.issuerKeyHash)) === 0;
    const now = this.clock.now();
    const revoked = this.revocation.revoked('issuing').find((r) => r.serialHex === certId.serialHex);
    const known = sameIssuer && (opts.isIssued ? opts.isIssued(certId.serialHex) : true);
    return buildOcspResponse(this.pki.issuing, [{
      certId,
      status: !known ? 'unknown' : revoked ? 'revoked' : 'good',
      revokedAt: revoked?.revokedAt,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + OCSP_LIFETIME_MS),
    }], { producedAt: now, nonce: opts.nonce });
  }

  async collect(chains: Uint8Array[][]): Promise<ValidationData> {
    const out: ValidationData = { certs: [], crls: [], ocsps: [] };
    const seen = new Set<string>();
    const addCert = (der: Uint8Array) => {
      const h = parseCertificate(der).sha256Hex;
      if (!seen.has(h)) { seen.add(h); out.certs.push(der); }
    };
    const crlsWanted = new Set<'root' | 'issuing'>();
    for (const chain of chains) {
      for (const der of chain) {
        const info = parseCertificate(der);
        addCert(der);
        if (Buffer.compare(Buffer.from(info.subjectDer), Buffer.from(info.issuerDer)) === 0) continue; // self-signed anchor
        const ca = this.caOf(info);
        if (!ca) continue; // not ours: leave it to the signer's own validation data
        addCert(ca.ca.certificate);
        if (ca.name === 'issuing') out.ocsps.push(this.ocsp(info));
        else crlsWanted.add('root');
      }
    }
    addCert(this.pki.root.certificate);
    for (const name of crlsWanted) out.crls.push(this.crl(name));
    return out;
  }
}

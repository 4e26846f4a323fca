/**
 * End-entity certificates bound to a verified identity: a person (name + resident ID number) or an
 * organization (name + unified social credit code).
 */
import { createHash, type KeyObject } from 'node:crypto';
import { SignetError } from '../errors.js';
import { validateIdCardNumber } from '../identity/id-card.js';
import { validateUscc } from '../identity/uscc.js';
import {
  authorityInfoAccessExtension,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  buildCertificate,
  checkSerial,
  crlDistributionPointsExtension,
  floorToSecond,
  keyUsageExtension,
  randomSerial,
  subjectKeyIdentifierExtension,
} from './build-certificate.js';
import { keyAlgorithmOf } from './keys.js';
import type { NameAttribute } from './name.js';
import { parseCertificate } from './parse-certificate.js';

/** A CA's certificate and private key. */
export interface CaMaterial {
  /** The CA certificate, DER. */
  certificate: Uint8Array;
  privateKey: KeyObject;
}

/** Options for issuing an end-entity certificate. */
export interface IssueOptions {
  /** The subject's public key (RSA ≥ 2048 bits or ECDSA P-256). */
  publicKey: KeyObject;
  /** Issuance time; notBefore is this, truncated to the second. Default: now. */
  now?: Date;
  /** Validity in days, default 730. notAfter never exceeds the issuing CA's notAfter. */
  validityDays?: number;
  /** Public base URL of the Signet server, e.g. `http://localhost:8080`: CRL DP and OCSP URLs derive from it. */
  baseUrl: string;
  /** Serial number octets (unsigned, big-endian, 1–20 octets). Default: 16 random octets, positive. */
  serial?: Uint8Array;
  /** Name of the issuing CA in the CRL URL (`<baseUrl>/pki/crl/<crlName>.crl`). Default 'issuing'. */
  crlName?: string;
  /**
   * Put the OCSP responder `<baseUrl>/pki/ocsp` in authorityInfoAccess. Default true. Pass false when
   * no responder will be reachable (offline CLI signing): poppler ≤ 22.x reports "Unknown issue with
   * Certificate" after a failed OCSP fetch, even though the chain is trusted.
   */
  ocsp?: boolean;
}

/** URLs of the embedded CA under `baseUrl` (the server serves them). */
export function pkiUrls(baseUrl: string, crlName = 'issuing'): { crl: string; ocsp: string } {
  const base = normaliseBaseUrl(baseUrl);
  return { crl: `${base}/pki/crl/${crlName}.crl`, ocsp: `${base}/pki/ocsp` };
}

/** Checks and trims a base URL (http or https, no trailing slash). */
export function normaliseBaseUrl(baseUrl: string): string {
  if (typeof baseUrl !== 'string' || !/^https?:\/\/[^\s/]+/.test(baseUrl) || /[\s"<>]/.test(baseUrl)) {
    throw new SignetError('INVALID_ARGUMENT', `baseUrl must be an http(s) URL such as http://localhost:8080 (got "${String(baseUrl)}").`);
  }
  return baseUrl.replace(/\/+$/, '');
}

/**
 * The subject serialNumber of a person: `'IDH:'` + the first 32 hex digits of SHA-256 of the ID
 * number (upper-cased, trimmed). The raw ID number never appears in a certificate; this value still
 * lets a verifier who knows the number confirm the binding.
 */
export function hashIdNumber(idNumber: string): string {
  const normalised = String(idNumber).trim().toUpperCase();
  return `IDH:${createHash('sha256').update(normalised, 'utf8').digest('hex').slice(0, 32)}`;
}

/**
 * Issues a person's signing certificate (RFC 5280 §4.1) with subject C=CN, CN=name,
 * serialNumber={@link hashIdNumber}. The ID number is checked first (GB 11643-1999 §7 check digit,
 * IDENTITY_INVALID otherwise). Extensions: see {@link issueEndEntityCertificate}.
 */
export function issuePersonCertificate(ca: CaMaterial, person: { name: string; idNumber: string }, opts: IssueOptions): Uint8Array {
  const name = checkName(person?.name, 'person name');
  const check = validateIdCardNumber(person?.idNumber);
  if (!check.ok) throw new SignetError('IDENTITY_INVALID', `${check.reason}. Correct the ID number and retry.`);
  return issueEndEntityCertificate(
    ca,
    [
      { type: 'C', value: 'CN' },
      { type: 'CN', value: name },
      { type: 'serialNumber', value: hashIdNumber(person.idNumber) },
    ],
    opts,
  );
}

/**
 * Issues an organization's signing (seal) certificate with subject C=CN, O=name, CN=name and
 * organizationIdentifier (2.5.4.97) = `NTRCN-` + USCC (ETSI EN 319 412-1 §5.1.4 semantics: national
 * trade register, China). The USCC is checked first (GB 32100-2015 §5, IDENTITY_INVALID otherwise).
 */
export function issueOrganizationCertificate(ca: CaMaterial, org: { name: string; uscc: string }, opts: IssueOptions): Uint8Array {
  const name = checkName(org?.name, 'organization name');
  const check = validateUscc(org?.uscc);
  if (!check.ok) throw new SignetError('IDENTITY_INVALID', `${check.reason}. Correct the unified social credit code and retry.`);
  return issueEndEntityCertificate(
    ca,
    [
      { type: 'C', value: 'CN' },
      { type: 'O', value: name },
      { type: 'organizationIdentifier', value: `NTRCN-${org.uscc.trim().toUpperCase()}` },
      { type: 'CN', value: name },
    ],
    opts,
  );
}

/**
 * Issues an end-entity certificate for `subject` signed by `ca`. Extensions (RFC 5280 §4.2.1):
 * basicConstraints cA FALSE (critical), keyUsage digitalSignature + nonRepudiation (critical), no
 * extKeyUsage (so any-purpose CMS verification accepts it), authority and subject key identifiers,
 * the CA's CRL distribution point and (unless `opts.ocsp` is false) the OCSP responder in
 * authorityInfoAccess.
 */
export function issueEndEntityCertificate(ca: CaMaterial, subject: NameAttribute[], opts: IssueOptions): Uint8Array {
  const issuer = parseCertificate(ca.certificate);
  if (!issuer.isCa) throw new SignetError('INVALID_ARGUMENT', 'The issuing certificate is not a CA (basicConstraints cA is false). Pass the issuing CA.');
  if (opts?.publicKey?.type !== 'public') throw new SignetError('INVALID_ARGUMENT', 'opts.publicKey must be a public KeyObject (crypto.createPublicKey or a KeyPool pair).');
  keyAlgorithmOf(opts.publicKey);
  const urls = pkiUrls(opts.baseUrl, opts.crlName);
  const notBefore = floorToSecond(opts.now ?? new Date());
  const days = opts.validityDays ?? 730;
  if (!Number.isFinite(days) || days <= 0) throw new SignetError('INVALID_ARGUMENT', 'validityDays must be a positive number of days.');
  let notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  if (notAfter > issuer.notAfter) notAfter = issuer.notAfter;
  if (notBefore >= issuer.notAfter) {
    throw new SignetError('CA_NOT_INITIALISED', `The issuing CA expired on ${issuer.notAfter.toISOString()}. Re-create the CA with \`signet init\`.`);
  }
  if (notBefore < issuer.notBefore) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      `The issuance time ${notBefore.toISOString()} is before the issuing CA's notBefore ${issuer.notBefore.toISOString()}. Issue later, or create the PKI with an earlier \`now\`.`,
    );
  }
  const spkiDer = new Uint8Array(opts.publicKey.export({ type: 'spki', format: 'der' }));
  return buildCertificate(
    {
      serial: opts.serial ? checkSerial(opts.serial) : randomSerial(),
      issuerDer: issuer.subjectDer,
      subject,
      notBefore,
      notAfter,
      spkiDer,
      extensions: [
        basicConstraintsExtension(false),
        keyUsageExtension(['digitalSignature', 'nonRepudiation']),
        authorityKeyIdentifierExtension(issuer.spkiDer),
        subjectKeyIdentifierExtension(spkiDer),
        crlDistributionPointsExtension(urls.crl),
        ...(opts.ocsp === false ? [] : [authorityInfoAccessExtension(urls.ocsp)]),
      ],
    },
    ca.privateKey,
  );
}

/** Trims a name and checks it fits X.520's ub-common-name / ub-organization-name (64 characters). */
function checkName(name: unknown, what: string): string {
  const s = typeof name === 'string' ? name.trim() : '';
  if (s === '') throw new SignetError('IDENTITY_INVALID', `The ${what} is empty. Provide the name as on the identity document.`);
  if ([...s].length > 64) throw new SignetError('IDENTITY_INVALID', `The ${what} is longer than 64 characters (X.520 upper bound). Shorten it.`);
  if (/[\u0000-\u001f\u007f]/.test(s)) throw new SignetError('IDENTITY_INVALID', `The ${what} contains control characters. Remove them.`);
  return s;
}

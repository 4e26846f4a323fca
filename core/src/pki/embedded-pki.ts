/**
 * The embedded certificate authority: a self-signed root, an issuing CA for signers, and a TSA
 * certificate; plus (de)serialisation for the data directory.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignetError } from '../errors.js';
import {
  addYears,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  buildCertificate,
  crlDistributionPointsExtension,
  extKeyUsageExtension,
  floorToSecond,
  keyUsageExtension,
  ocspNoCheckExtension,
  randomSerial,
  subjectKeyIdentifierExtension,
} from './build-certificate.js';
import { bytesEqual } from './der.js';
import type { CaMaterial } from './issue-certificate.js';
import { pkiUrls } from './issue-certificate.js';
import { generateKeyPair, keyAlgorithmOf, publicKeyOf, type KeyKind, type KeyPair } from './keys.js';
import { OID } from './oids.js';
import { parseCertificate } from './parse-certificate.js';
import { derToPem, pemToDer } from './pem.js';

/** The embedded PKI: root CA → issuing CA (signers), root → TSA; optionally a delegated OCSP responder. */
export interface EmbeddedPki {
  root: CaMaterial;
  issuing: CaMaterial;
  tsa: CaMaterial;
  ocsp?: CaMaterial;
}

/** Options of {@link createEmbeddedPki}. */
export interface PkiOptions {
  /** Public base URL, e.g. `http://localhost:8080`. CRL DP = `<baseUrl>/pki/crl/<ca>.crl`, OCSP = `<baseUrl>/pki/ocsp`. */
  baseUrl: string;
  /** Organization in the CA names. Default 'Signet Demo CA'. */
  orgName?: string;
  /** Creation time (notBefore of every certificate). Default: now. */
  now?: Date;
  /** Key type of the issuing CA and TSA. Default rsa-2048. */
  keyKind?: KeyKind;
  /** Key type of the root. Default: `keyKind`. */
  rootKeyKind?: KeyKind;
  /** Pre-generated keys (e.g. from a KeyPool, or to make tests faster). */
  keys?: { root?: KeyPair; issuing?: KeyPair; tsa?: KeyPair };
}

/**
 * Creates a fresh PKI (RFC 5280):
 * - root CA: self-signed, 20 years, basicConstraints cA (critical), keyUsage keyCertSign + cRLSign
 *   (critical), subjectKeyIdentifier;
 * - issuing CA: 10 years, pathLenConstraint 0, keyUsage keyCertSign + cRLSign + digitalSignature
 *   (it signs OCSP responses itself, RFC 6960 §4.2.2.2), AKI/SKI, the root's CRL DP;
 * - TSA: issued by the root, 10 years, extKeyUsage timeStamping (critical, RFC 3161 §2.3), keyUsage
 *   digitalSignature + nonRepudiation (critical), AKI/SKI, the root's CRL DP.
 */
export function createEmbeddedPki(opts: PkiOptions): EmbeddedPki {
  const orgName = (opts.orgName ?? 'Signet Demo CA').trim();
  if (orgName === '' || [...orgName].length > 56) {
    throw new SignetError('INVALID_ARGUMENT', 'orgName must be 1 to 56 characters (it is put into 64-character CA names).');
  }
  const now = floorToSecond(opts.now ?? new Date());
  const kind = opts.keyKind ?? 'rsa-2048';
  const rootUrls = pkiUrls(opts.baseUrl, 'root');
  const rootKeys = opts.keys?.root ?? generateKeyPair(opts.rootKeyKind ?? kind);
  const issuingKeys = opts.keys?.issuing ?? generateKeyPair(kind);
  const tsaKeys = opts.keys?.tsa ?? generateKeyPair(kind);

  const rootSpki = spkiOf(rootKeys.publicKey);
  const rootName = [
    { type: 'C', value: 'CN' },
    { type: 'O', value: orgName },
    { type: 'CN', value: `${orgName} Root` },
  ] as const;
  const rootCert = buildCertificate(
    {
      serial: randomSerial(),
      subject: [...rootName],
      notBefore: now,
      notAfter: addYears(now, 20),
      spkiDer: rootSpki,
      extensions: [
        basicConstraintsExtension(true),
        keyUsageExtension(['keyCertSign', 'cRLSign']),
        subjectKeyIdentifierExtension(rootSpki),
      ],
    },
    rootKeys.privateKey,
  );
  const rootSubjectDer = parseCertificate(rootCert).subjectDer;

  const issuingSpki = spkiOf(issuingKeys.publicKey);
  const issuingCert = buildCertificate(
    {
      serial: randomSerial(),
      issuerDer: rootSubjectDer,
      subject: [
        { type: 'C', value: 'CN' },
        { type: 'O', value: orgName },
        { type: 'CN', value: `${orgName} Issuing CA` },
      ],
      notBefore: now,
      notAfter: addYears(now, 10),
      spkiDer: issuingSpki,
      extensions: [
        basicConstraintsExtension(true, 0),
        keyUsageExtension(['digitalSignature', 'keyCertSign', 'cRLSign']),
        authorityKeyIdentifierExtension(rootSpki),
        subjectKeyIdentifierExtension(issuingSpki),
        crlDistributionPointsExtension(rootUrls.crl),
      ],
    },
    rootKeys.privateKey,
  );

  const tsaSpki = spkiOf(tsaKeys.publicKey);
  const tsaCert = buildCertificate(
    {
      serial: randomSerial(),
      issuerDer: rootSubjectDer,
      subject: [
        { type: 'C', value: 'CN' },
        { type: 'O', value: orgName },
        { type: 'CN', value: `${orgName} Timestamping` },
      ],
      notBefore: now,
      notAfter: addYears(now, 10),
      spkiDer: tsaSpki,
      extensions: [
        basicConstraintsExtension(false),
        keyUsageExtension(['digitalSignature', 'nonRepudiation']),
        extKeyUsageExtension([OID.kpTimeStamping], true),
        authorityKeyIdentifierExtension(rootSpki),
        subjectKeyIdentifierExtension(tsaSpki),
        crlDistributionPointsExtension(rootUrls.crl),
      ],
    },
    rootKeys.privateKey,
  );

  return {
    root: { certificate: rootCert, privateKey: rootKeys.privateKey },
    issuing: { certificate: issuingCert, privateKey: issuingKeys.privateKey },
    tsa: { certificate: tsaCert, privateKey: tsaKeys.privateKey },
  };
}

/**
 * Issues a delegated OCSP responder certificate (RFC 6960 §4.2.2.2): issued by `ca`, extKeyUsage
 * id-kp-OCSPSigning, keyUsage digitalSignature (critical), id-pkix-ocsp-nocheck (§4.2.2.2.1).
 * Default validity 30 days; the result can be stored as `EmbeddedPki.ocsp`.
 */
export function issueOcspResponderCertificate(
  ca: CaMaterial,
  opts: { publicKey: KeyObject; now?: Date; validityDays?: number; orgName?: string },
): Uint8Array {
  const issuer = parseCertificate(ca.certificate);
  const spkiDer = spkiOf(opts.publicKey);
  const notBefore = floorToSecond(opts.now ?? new Date());
  let notAfter = new Date(notBefore.getTime() + (opts.validityDays ?? 30) * 86_400_000);
  if (notAfter > issuer.notAfter) notAfter = issuer.notAfter;
  const orgName = opts.orgName ?? issuer.subject.O ?? 'Signet Demo CA';
  return buildCertificate(
    {
      serial: randomSerial(),
      issuerDer: issuer.subjectDer,
      subject: [
        { type: 'C', value: 'CN' },
        { type: 'O', value: orgName },
        { type: 'CN', value: `${orgName} OCSP Responder` },
      ],
      notBefore,
      notAfter,
      spkiDer,
      extensions: [
        basicConstraintsExtension(false),
        keyUsageExtension(['digitalSignature']),
        extKeyUsageExtension([OID.kpOcspSigning], false),
        authorityKeyIdentifierExtension(issuer.spkiDer),
        subjectKeyIdentifierExtension(spkiDer),
        ocspNoCheckExtension(),
      ],
    },
    ca.privateKey,
  );
}

function spkiOf(publicKey: KeyObject): Uint8Array {
  keyAlgorithmOf(publicKey);
  return new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
}

/** A CA as stored in the data directory: PEM certificate and PKCS#8 PEM private key. */
export interface SerializedCa {
  certificate: string;
  privateKey: string;
}

/** The PKI as stored in the data directory (JSON). */
export interface SerializedPki {
  root: SerializedCa;
  issuing: SerializedCa;
  tsa: SerializedCa;
  ocsp?: SerializedCa;
}

/** Serialises the PKI to JSON-ready PEM strings (certificates; PKCS#8 private keys, unencrypted). */
export function serializePki(pki: EmbeddedPki): SerializedPki {
  const one = (ca: CaMaterial): SerializedCa => ({
    certificate: derToPem(ca.certificate),
    privateKey: String(ca.privateKey.export({ type: 'pkcs8', format: 'pem' })),
  });
  const out: SerializedPki = { root: one(pki.root), issuing: one(pki.issuing), tsa: one(pki.tsa) };
  if (pki.ocsp) out.ocsp = one(pki.ocsp);
  return out;
}

/**
 * Restores a PKI from {@link serializePki} output (an object or its JSON text). Checks every
 * certificate parses and matches its private key, and that the issuing CA and TSA chain to the root.
 * Throws CA_NOT_INITIALISED when anything is missing or damaged.
 */
export function deserializePki(json: unknown): EmbeddedPki {
  let data: unknown = json;
  try {
    if (typeof json === 'string') data = JSON.parse(json);
  } catch {
    throw damaged('the file is not valid JSON');
  }
  if (!data || typeof data !== 'object') throw damaged('the data is not an object');
  const d = data as Record<string, unknown>;
  const root = restoreCa(d.root, 'root');
  const issuing = restoreCa(d.issuing, 'issuing');
  const tsa = restoreCa(d.tsa, 'tsa');
  const pki: EmbeddedPki = { root, issuing, tsa };
  if (d.ocsp !== undefined) pki.ocsp = restoreCa(d.ocsp, 'ocsp');
  const rootInfo = parseCertificate(root.certificate);
  for (const [name, ca] of [['issuing', issuing], ['tsa', tsa]] as const) {
    const info = parseCertificate(ca.certificate);
    if (!bytesEqual(info.issuerDer, rootInfo.subjectDer) || !info.x509.verify(rootInfo.publicKey)) {
      throw damaged(`the ${name} certificate is not issued by the root`);
    }
  }
  return pki;
}

function restoreCa(value: unknown, name: string): CaMaterial {
  if (!value || typeof value !== 'object') throw damaged(`"${name}" is missing`);
  const v = value as Record<string, unknown>;
  if (typeof v.certificate !== 'string' || typeof v.privateKey !== 'string') throw damaged(`"${name}" lacks a certificate or private key`);
  let certificate: Uint8Array;
  let privateKey: KeyObject;
  try {
    certificate = pemToDer(v.certificate)[0];
    privateKey = createPrivateKey(v.privateKey);
  } catch {
    throw damaged(`the ${name} certificate or key cannot be read`);
  }
  let info;
  try {
    info = parseCertificate(certificate);
  } catch {
    throw damaged(`the ${name} certificate cannot be parsed`);
  }
  const keySpki = new Uint8Array(publicKeyOf(privateKey).export({ type: 'spki', format: 'der' }));
  if (!bytesEqual(keySpki, info.spkiDer)) throw damaged(`the ${name} private key does not match its certificate`);
  return { certificate, privateKey };
}

function damaged(why: string): SignetError {
  return new SignetError('CA_NOT_INITIALISED', `The stored certificate authority is damaged: ${why}. Restore it from a backup or run \`signet init\`.`);
}

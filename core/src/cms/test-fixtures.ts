/**
 * Test-only PKI for the cms/ and tsa/ specs: a root CA, an issuing CA, RSA-2048, RSA-3072 and
 * ECDSA P-256 signer certificates and a TSA certificate (EKU timeStamping, critical), made at run
 * time with node:crypto keys and hand-encoded TBSCertificates (RFC 5280 §4.1). It does not depend
 * on pki/, which is written separately.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { KeySigner } from '../ports/key-signer.js';
import { oid, TAG, tlv, x509Time } from './der.js';
import { OID } from './oids.js';

/** A certificate with its private key. */
export interface FixtureCertificate {
  /** DER. */
  certificate: Uint8Array;
  pem: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The test PKI. */
export interface FixturePki {
  root: FixtureCertificate;
  issuing: FixtureCertificate;
  rsa2048: FixtureCertificate;
  rsa3072: FixtureCertificate;
  p256: FixtureCertificate;
  tsa: FixtureCertificate;
  /** A TSA certificate with an ECDSA P-256 key. */
  tsaP256: FixtureCertificate;
}

const NULL = Uint8Array.of(TAG.NULL, 0);
const SHA256_RSA = tlv(TAG.SEQUENCE, oid(OID.sha256WithRSAEncryption), NULL);

function name(cn: string): Uint8Array {
  const rdn = (type: string, value: Uint8Array) => tlv(TAG.SET, tlv(TAG.SEQUENCE, oid(type), value));
  return tlv(
    TAG.SEQUENCE,
    rdn(OID.countryName, tlv(TAG.PRINTABLE_STRING, Buffer.from('CN'))),
    rdn(OID.organizationName, tlv(TAG.UTF8_STRING, Buffer.from('Signet Test'))),
    rdn(OID.commonName, tlv(TAG.UTF8_STRING, Buffer.from(cn, 'utf8'))),
  );
}

function extension(type: string, critical: boolean, value: Uint8Array): Uint8Array {
  return tlv(TAG.SEQUENCE, oid(type), critical ? Uint8Array.of(TAG.BOOLEAN, 1, 0xff) : undefined, tlv(TAG.OCTET_STRING, value));
}

function keyId(publicKey: KeyObject): Uint8Array {
  return createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest();
}

type Kind = 'ca' | 'signer' | 'tsa';

function issue(opts: {
  subject: string;
  kind: Kind;
  publicKey: KeyObject;
  issuer?: { name: Uint8Array; privateKey: KeyObject; publicKey: KeyObject };
  selfKey?: KeyObject;
}): Uint8Array {
  const subjectName = name(opts.subject);
  const issuerName = opts.issuer?.name ?? subjectName;
  const signingKey = opts.issuer?.privateKey ?? opts.selfKey!;
  const issuerPublic = opts.issuer?.publicKey ?? opts.publicKey;
  const serial = randomBytes(12);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  const now = Date.now();
  const exts: Uint8Array[] = [];
  if (opts.kind === 'ca') {
    exts.push(extension(OID.basicConstraints, true, tlv(TAG.SEQUENCE, Uint8Array.of(TAG.BOOLEAN, 1, 0xff))));
    exts.push(extension(OID.keyUsage, true, Uint8Array.of(TAG.BIT_STRING, 2, 1, 0x06))); // keyCertSign, cRLSign
  } else {
    exts.push(extension(OID.basicConstraints, true, tlv(TAG.SEQUENCE)));
    exts.push(extension(OID.keyUsage, true, opts.kind === 'tsa' ? Uint8Array.of(TAG.BIT_STRING, 2, 7, 0x80) : Uint8Array.of(TAG.BIT_STRING, 2, 6, 0xc0)));
  }
  if (opts.kind === 'tsa') exts.push(extension(OID.extKeyUsage, true, tlv(TAG.SEQUENCE, oid(OID.kpTimeStamping))));
  exts.push(extension(OID.subjectKeyIdentifier, false, tlv(TAG.OCTET_STRING, keyId(opts.publicKey))));
  exts.push(extension(OID.authorityKeyIdentifier, false, tlv(TAG.SEQUENCE, tlv(0x80, keyId(issuerPublic)))));
  const tbs = tlv(
    TAG.SEQUENCE,
    tlv(0xa0, Uint8Array.of(TAG.INTEGER, 1, 2)),
    tlv(TAG.INTEGER, serial),
    SHA256_RSA,
    issuerName,
    tlv(TAG.SEQUENCE, x509Time(new Date(now - 3600_000)), x509Time(new Date(now + 365 * 86400_000))),
    subjectName,
    opts.publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, tlv(TAG.SEQUENCE, ...exts)),
  );
  const signature = sign('sha256', tbs, signingKey);
  return tlv(TAG.SEQUENCE, tbs, SHA256_RSA, tlv(TAG.BIT_STRING, Uint8Array.of(0), signature));
}

/** PEM-armours a DER certificate. */
export function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

function fixture(certificate: Uint8Array, privateKey: KeyObject, publicKey: KeyObject): FixtureCertificate {
  return { certificate, pem: toPem(certificate), privateKey, publicKey };
}

let cached: FixturePki | undefined;

/** Returns the test PKI, made once per process (RSA key generation takes a moment). */
export function testPki(): FixturePki {
  if (cached) return cached;
  const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits });
  const rootKeys = rsa(2048);
  const root = fixture(issue({ subject: 'Signet Test Root CA', kind: 'ca', publicKey: rootKeys.publicKey, selfKey: rootKeys.privateKey }), rootKeys.privateKey, rootKeys.publicKey);
  const rootIssuer = { name: name('Signet Test Root CA'), ...rootKeys };
  const caKeys = rsa(2048);
  const issuing = fixture(issue({ subject: 'Signet Test Issuing CA', kind: 'ca', publicKey: caKeys.publicKey, issuer: rootIssuer }), caKeys.privateKey, caKeys.publicKey);
  const caIssuer = { name: name('Signet Test Issuing CA'), ...caKeys };
  const leaf = (subject: string, kind: Kind, keys: { privateKey: KeyObject; publicKey: KeyObject }, by = caIssuer) =>
    fixture(issue({ subject, kind, publicKey: keys.publicKey, issuer: by }), keys.privateKey, keys.publicKey);
  cached = {
    root,
    issuing,
    rsa2048: leaf('张三 RSA-2048', 'signer', rsa(2048)),
    rsa3072: leaf('李四 RSA-3072', 'signer', rsa(3072)),
    p256: leaf('王五 P-256', 'signer', generateKeyPairSync('ec', { namedCurve: 'P-256' })),
    tsa: leaf('Signet Test TSA', 'tsa', rsa(2048), rootIssuer),
    tsaP256: leaf('Signet Test TSA P-256', 'tsa', generateKeyPairSync('ec', { namedCurve: 'P-256' }), rootIssuer),
  };
  return cached;
}

/** A KeySigner over a fixture certificate, signing with node:crypto; its chain is the issuing CA. */
export function fixtureSigner(cert: FixtureCertificate, chain: Uint8Array[] = [testPki().issuing.certificate]): KeySigner {
  const algorithm = cert.privateKey.asymmetricKeyType === 'ec' ? 'ecdsa-p256' : 'rsa';
  return {
    algorithm,
    certificate: cert.certificate,
    chain,
    async sign(data, digest) {
      return sign(digest, data, cert.privateKey);
    },
  };
}

/**
 * X.509 certificate parsing (RFC 5280 §4), cached per process by the DER's SHA-256.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { ContentCache } from '../util/content-cache.js';
import { SignetError } from '../errors.js';
import {
  childrenOf,
  contentOf,
  isContext,
  isUniversal,
  rawOf,
  readBitStringBytes,
  readIntegerHex,
  readOid,
  readRoot,
  readSmallInt,
  readString,
  readTime,
  TAG,
  toHex,
  expectUniversal,
  type DerNode,
} from './der.js';
import { readName } from './name.js';
import { KEY_PURPOSE_NAMES, OID } from './oids.js';
import { toDer } from './pem.js';

/** Everything Signet reads from a certificate. Instances are shared and frozen: do not mutate. */
export interface CertificateInfo {
  /** The certificate, DER. */
  der: Uint8Array;
  /** node:crypto's view, for signature checks (`x509.verify(issuerKey)`) and text output. */
  x509: X509Certificate;
  publicKey: KeyObject;
  /** Subject attributes by short name (CN, O, C, serialNumber, organizationIdentifier, …), UTF-8 decoded. */
  subject: Record<string, string>;
  /** Subject as display text, most specific first (`CN=张三, C=CN`). */
  subjectText: string;
  /** The subject Name, DER, byte-exact from the certificate. */
  subjectDer: Uint8Array;
  /** The issuer Name, DER, byte-exact from the certificate. */
  issuerDer: Uint8Array;
  issuer: Record<string, string>;
  issuerText: string;
  /** Serial number, lower-case hex, no leading 00 (RFC 5280 §4.1.2.2). */
  serialHex: string;
  /** Content octets of the serial INTEGER as encoded (two's complement), for IssuerSerial / IssuerAndSerialNumber. */
  serialBytes: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints cA (RFC 5280 §4.2.1.9). */
  isCa: boolean;
  /** basicConstraints pathLenConstraint, when present. */
  pathLen?: number;
  /** Key usage names (RFC 5280 §4.2.1.3): digitalSignature, nonRepudiation, keyCertSign, cRLSign, … Empty when absent. */
  keyUsage: string[];
  keyUsageCritical: boolean;
  /** Extended key usage (RFC 5280 §4.2.1.12) as names (timeStamping, OCSPSigning, …) or OIDs when unnamed. */
  extKeyUsage: string[];
  extKeyUsageCritical: boolean;
  /** CRL distribution point URIs (RFC 5280 §4.2.1.13). */
  crlUrls: string[];
  /** OCSP responder URIs from authorityInfoAccess (RFC 5280 §4.2.2.1). */
  ocspUrls: string[];
  /** caIssuers URIs from authorityInfoAccess. */
  caIssuersUrls: string[];
  /** certificatePolicies OIDs. */
  policies: string[];
  skiHex?: string;
  akiHex?: string;
  /** SHA-256 of the DER, lower-case hex. */
  sha256Hex: string;
  /** 'rsa', 'ecdsa-p256', or another node:crypto key type / curve name. */
  keyAlgorithm: 'rsa' | 'ecdsa-p256' | string;
  keyBits?: number;
  /** SubjectPublicKeyInfo, DER. */
  spkiDer: Uint8Array;
  /** The subjectPublicKey BIT STRING contents (what RFC 6960 issuerKeyHash and RFC 5280 key ids hash). */
  publicKeyBits: Uint8Array;
  /** Signature algorithm OID of the certificate. */
  signatureAlgorithm: string;
  /** OIDs of the extensions marked critical. */
  criticalExtensions: string[];
  /** True when subject and issuer names are byte-identical. */
  selfIssued: boolean;
}

const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

const cache = new ContentCache<CertificateInfo>(4096);

/**
 * Parses an X.509 certificate (DER, or PEM text) into {@link CertificateInfo}. Results are cached
 * per process by content, so repeated parsing of the same CA certificates is free.
 * Throws CERT_INVALID when the bytes are not a certificate.
 */
export function parseCertificate(input: Uint8Array | string): CertificateInfo {
  const der = toDer(input);
  return cache.get(der, () => {
    try {
      return decodeCertificate(new Uint8Array(der), createHash('sha256').update(der).digest('hex'));
    } catch (e) {
      if (e instanceof SignetError) throw e;
      throw new SignetError('CERT_INVALID', `The certificate could not be parsed (${(e as Error).message}). Provide a DER or PEM X.509 certificate.`);
    }
  });
}

/** The subjectPublicKey bits of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7). */
export function publicKeyBitsOf(spkiDer: Uint8Array): Uint8Array {
  const spki = readRoot(spkiDer);
  return readBitStringBytes(childrenOf(spki)[1]);
}

/** Key identifier per RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits. */
export function keyIdentifierOf(spkiDer: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(publicKeyBitsOf(spkiDer)).digest());
}

function decodeCertificate(der: Uint8Array, sha256Hex: string): CertificateInfo {
  const cert = readRoot(der);
  const [tbs, sigAlg] = childrenOf(cert);
  expectUniversal(tbs, TAG.SEQUENCE, 'a TBSCertificate');
  const t = childrenOf(tbs);
  let i = 0;
  if (isContext(t[0], 0)) i++;
  const serialNode = expectUniversal(t[i++], TAG.INTEGER, 'a serial number');
  i++; // signature AlgorithmIdentifier (must match the outer one; node:crypto checks it)
  const issuerNode = t[i++];
  const validity = childrenOf(expectUniversal(t[i++], TAG.SEQUENCE, 'a Validity'));
  const subjectNode = t[i++];
  const spkiNode = expectUniversal(t[i++], TAG.SEQUENCE, 'a SubjectPublicKeyInfo');
  let extsNode: DerNode | undefined;
  for (; i < t.length; i++) if (isContext(t[i], 3)) extsNode = childrenOf(t[i])[0];

  const x509 = new X509Certificate(Buffer.from(der));
  const publicKey = x509.publicKey;
  const subject = readName(subjectNode);
  const issuer = readName(issuerNode);
  const spkiDer = rawOf(spkiNode);

  const info: CertificateInfo = {
    der,
    x509,
    publicKey,
    subject: subject.attributes,
    subjectText: subject.text,
    subjectDer: rawOf(subjectNode),
    issuerDer: rawOf(issuerNode),
    issuer: issuer.attributes,
    issuerText: issuer.text,
    serialHex: readIntegerHex(serialNode),
    serialBytes: contentOf(serialNode),
    notBefore: readTime(validity[0]),
    notAfter: readTime(validity[1]),
    isCa: false,
    keyUsage: [],
    keyUsageCritical: false,
    extKeyUsage: [],
    extKeyUsageCritical: false,
    crlUrls: [],
    ocspUrls: [],
    caIssuersUrls: [],
    policies: [],
    sha256Hex,
    keyAlgorithm: 'unknown',
    spkiDer,
    publicKeyBits: publicKeyBitsOf(spkiDer),
    signatureAlgorithm: readOid(childrenOf(sigAlg)[0]),
    criticalExtensions: [],
    selfIssued: false,
  };
  info.selfIssued = Buffer.compare(info.subjectDer, info.issuerDer) === 0;

  const details = publicKey.asymmetricKeyDetails;
  if (publicKey.asymmetricKeyType === 'rsa') {
    info.keyAlgorithm = 'rsa';
    info.keyBits = details?.modulusLength;
  } else if (publicKey.asymmetricKeyType === 'ec') {
    info.keyAlgorithm = details?.namedCurve === 'prime256v1' ? 'ecdsa-p256' : `ec-${details?.namedCurve ?? 'unknown'}`;
    info.keyBits = details?.namedCurve === 'prime256v1' ? 256 : undefined;
  } else {
    info.keyAlgorithm = publicKey.asymmetricKeyType ?? 'unknown';
  }

  if (extsNode) readExtensions(extsNode, info);
  return Object.freeze(info);
}

function readExtensions(exts: DerNode, info: CertificateInfo): void {
  for (const ext of childrenOf(exts)) {
    const parts = childrenOf(ext);
    const id = readOid(parts[0]);
    let critical = false;
    let valueNode = parts[1];
    if (isUniversal(valueNode, TAG.BOOLEAN)) {
      critical = contentOf(valueNode)[0] !== 0;
      valueNode = parts[2];
    }
    const value = contentOf(expectUniversal(valueNode, TAG.OCTET_STRING, 'an extension value'));
    if (critical) info.criticalExtensions.push(id);
    const v = readRoot(value);
    switch (id) {
      case OID.basicConstraints: {
        for (const c of childrenOf(v)) {
          if (isUniversal(c, TAG.BOOLEAN)) info.isCa = contentOf(c)[0] !== 0;
          else if (isUniversal(c, TAG.INTEGER)) info.pathLen = readSmallInt(c);
        }
        break;
      }
      case OID.keyUsage: {
        info.keyUsageCritical = critical;
        const bits = readBitStringBytes(v);
        KEY_USAGE_NAMES.forEach((name, bit) => {
          if ((bits[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) info.keyUsage.push(name);
        });
        break;
      }
      case OID.extKeyUsage:
        info.extKeyUsageCritical = critical;
        for (const c of childrenOf(v)) {
          const purpose = readOid(c);
          info.extKeyUsage.push(KEY_PURPOSE_NAMES[purpose] ?? purpose);
        }
        break;
      case OID.subjectKeyIdentifier:
        info.skiHex = toHex(contentOf(expectUniversal(v, TAG.OCTET_STRING, 'a key identifier')));
        break;
      case OID.authorityKeyIdentifier:
        for (const c of childrenOf(v)) if (isContext(c, 0)) info.akiHex = toHex(contentOf(c));
        break;
      case OID.cRLDistributionPoints:
        for (const dp of childrenOf(v)) {
          for (const field of childrenOf(dp)) {
            if (!isContext(field, 0)) continue; // distributionPoint
            for (const dpName of childrenOf(field)) {
              if (isContext(dpName, 0)) info.crlUrls.push(...uris(dpName)); // fullName
            }
          }
        }
        break;
      case OID.authorityInfoAccess:
        for (const ad of childrenOf(v)) {
          const [method, location] = childrenOf(ad);
          if (!location || !isContext(location, 6)) continue;
          const url = readString(location);
          const m = readOid(method);
          if (m === OID.adOcsp) info.ocspUrls.push(url);
          else if (m === OID.adCaIssuers) info.caIssuersUrls.push(url);
        }
        break;
      case OID.certificatePolicies:
        for (const p of childrenOf(v)) info.policies.push(readOid(childrenOf(p)[0]));
        break;
      default:
        break;
    }
  }
}

/** The uniformResourceIdentifier entries `[6]` of a GeneralNames. */
function uris(generalNames: DerNode): string[] {
  return childrenOf(generalNames)
    .filter((gn) => isContext(gn, 6))
    .map((gn) => readString(gn));
}


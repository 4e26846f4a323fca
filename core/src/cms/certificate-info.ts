/**
 * The few certificate fields CMS needs (RFC 5280 §4.1), read from the DER by offset and cached per
 * certificate byte array, plus public keys cached per SubjectPublicKeyInfo.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { ContentCache } from '../util/content-cache.js';
import { SignetError } from '../errors.js';
import { children, content, decodeOid, DerError, expect, raw, readNode, TAG, type DerNode } from './der.js';
import { OID } from './oids.js';

/** One certificate extension (RFC 5280 §4.1.2.9). */
export interface CertificateExtension {
  oid: string;
  critical: boolean;
  /** The extnValue OCTET STRING content (the extension's own DER). */
  value: Uint8Array;
}

/** What CMS needs to know about one certificate; every byte array is a view into `der`. */
export interface CertificateInfo {
  der: Uint8Array;
  /** The serial number INTEGER, whole encoding. */
  serialDer: Uint8Array;
  /** The serial number INTEGER content bytes. */
  serial: Uint8Array;
  /** The issuer Name, whole encoding. */
  issuerDer: Uint8Array;
  /** The subject Name, whole encoding. */
  subjectDer: Uint8Array;
  /** The SubjectPublicKeyInfo, whole encoding. */
  spkiDer: Uint8Array;
  /** The public key algorithm OID (rsaEncryption, id-ecPublicKey, ...). */
  keyAlgorithm: string;
  extensions: CertificateExtension[];
  /** The subject key identifier, when the extension is present. */
  subjectKeyId?: Uint8Array;
}

const infoCache = new WeakMap<Uint8Array, CertificateInfo>();
const contentCache = new ContentCache<CertificateInfo>(2048);

/**
 * Reads the fields of an X.509 certificate that CMS uses. Cached per byte array (WeakMap), so a
 * KeySigner's certificate is parsed once, and per content, so the same CA certificate embedded in
 * every signature is decoded once per process. Throws SignetError CERT_INVALID when it is not a certificate.
 */
export function certificateInfo(der: Uint8Array): CertificateInfo {
  let info = infoCache.get(der);
  if (!info) {
    const known = contentCache.get(der, () => {
      try {
        return parseCertificate(new Uint8Array(der));
      } catch (e) {
        if (!(e instanceof DerError)) throw e;
        throw new SignetError('CERT_INVALID', `The certificate could not be parsed (${e.message}). Provide a DER-encoded X.509 certificate.`);
      }
    });
    info = rebase(known, der);
    infoCache.set(der, info);
  }
  return info;
}

const digestCache = new ContentCache<Map<string, Uint8Array>>(2048);

/** The digest of a certificate's DER with `hash` (ESS signing-certificate binding), cached per content. */
export function certificateDigest(der: Uint8Array, hash: string): Uint8Array {
  const byHash = digestCache.get(der, () => new Map());
  let d = byHash.get(hash);
  if (!d) byHash.set(hash, (d = new Uint8Array(createHash(hash).update(der).digest())));
  return d;
}

/** The same fields as views into `der`, which holds the same bytes as `info.der`. */
function rebase(info: CertificateInfo, der: Uint8Array): CertificateInfo {
  const base = info.der.byteOffset;
  const view = (v: Uint8Array) => der.subarray(v.byteOffset - base, v.byteOffset - base + v.length);
  return {
    der,
    serialDer: view(info.serialDer),
    serial: view(info.serial),
    issuerDer: view(info.issuerDer),
    subjectDer: view(info.subjectDer),
    spkiDer: view(info.spkiDer),
    keyAlgorithm: info.keyAlgorithm,
    extensions: info.extensions.map((e) => ({ oid: e.oid, critical: e.critical, value: view(e.value) })),
    subjectKeyId: info.subjectKeyId && view(info.subjectKeyId),
  };
}

function parseCertificate(der: Uint8Array): CertificateInfo {
  const cert = expect(der, readNode(der, 0), TAG.SEQUENCE, 'Certificate');
  const tbs = expect(der, children(der, cert)[0], TAG.SEQUENCE, 'TBSCertificate');
  const f = children(der, tbs);
  let i = 0;
  if (f[0]?.tag === 0xa0) i++; // [0] EXPLICIT version
  const serial = expect(der, f[i++], TAG.INTEGER, 'serialNumber');
  i++; // signature AlgorithmIdentifier
  const issuer = expect(der, f[i++], TAG.SEQUENCE, 'issuer');
  i++; // validity
  const subject = expect(der, f[i++], TAG.SEQUENCE, 'subject');
  const spki = expect(der, f[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const spkiAlg = expect(der, children(der, spki)[0], TAG.SEQUENCE, 'subjectPublicKeyInfo.algorithm');
  const keyAlgorithm = decodeOid(der, children(der, spkiAlg)[0]);
  const extensions: CertificateExtension[] = [];
  for (; i < f.length; i++) {
    if (f[i].tag !== 0xa3) continue;
    const list = expect(der, children(der, f[i])[0], TAG.SEQUENCE, 'extensions');
    for (const ext of children(der, list)) extensions.push(readExtension(der, ext));
  }
  const ski = extensions.find((e) => e.oid === OID.subjectKeyIdentifier);
  let subjectKeyId: Uint8Array | undefined;
  if (ski) subjectKeyId = content(ski.value, expect(ski.value, readNode(ski.value, 0), TAG.OCTET_STRING, 'subjectKeyIdentifier'));
  return {
    der,
    serialDer: raw(der, serial),
    serial: content(der, serial),
    issuerDer: raw(der, issuer),
    subjectDer: raw(der, subject),
    spkiDer: raw(der, spki),
    keyAlgorithm,
    extensions,
    subjectKeyId,
  };
}

function readExtension(der: Uint8Array, ext: DerNode): CertificateExtension {
  const parts = children(der, ext);
  const oid = decodeOid(der, parts[0]);
  let critical = false;
  let k = 1;
  if (parts[k]?.tag === TAG.BOOLEAN) critical = der[parts[k++].contentStart] !== 0;
  const value = content(der, expect(der, parts[k], TAG.OCTET_STRING, 'extnValue'));
  return { oid, critical, value };
}

/**
 * Reads the extended key usage of a certificate (RFC 5280 §4.2.1.12): the purposes and whether the
 * extension is critical; undefined when the certificate has none.
 */
export function extendedKeyUsage(der: Uint8Array): { purposes: string[]; critical: boolean } | undefined {
  const ext = certificateInfo(der).extensions.find((e) => e.oid === OID.extKeyUsage);
  if (!ext) return undefined;
  try {
    const seq = expect(ext.value, readNode(ext.value, 0), TAG.SEQUENCE, 'ExtKeyUsageSyntax');
    return { purposes: children(ext.value, seq).map((n) => decodeOid(ext.value, n)), critical: ext.critical };
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    throw new SignetError('CERT_INVALID', `The certificate's extended key usage could not be parsed (${e.message}). Reissue the certificate.`);
  }
}

const KEY_CACHE_LIMIT = 512;
const keyCache = new Map<string, KeyObject>();

/**
 * Returns the public key of a certificate as a node:crypto KeyObject. Importing a key costs about
 * 100 µs, more than an RSA verification, so keys are cached by SubjectPublicKeyInfo (bounded).
 */
export function publicKeyOf(info: CertificateInfo): KeyObject {
  const spki = Buffer.from(info.spkiDer.buffer, info.spkiDer.byteOffset, info.spkiDer.length);
  const cacheKey = spki.toString('latin1');
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(cacheKey, key);
  }
  return key;
}

/**
 * Key pairs and raw signatures, all through node:crypto (forge's pure-JS RSA is ~80× slower).
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { SignetError } from '../errors.js';
import type { KeyAlgorithm } from '../ports/key-signer.js';
import { nul, oid, seq, type Asn1 } from './der.js';
import { OID, SIGNATURE_DIGESTS } from './oids.js';

/** The key types the embedded PKI issues certificates for. */
export type KeyKind = 'rsa-2048' | 'rsa-3072' | 'ecdsa-p256';

/** All key kinds, for validation and iteration. */
export const KEY_KINDS: readonly KeyKind[] = ['rsa-2048', 'rsa-3072', 'ecdsa-p256'];

/** A private key with its public half. */
export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The node:crypto `generateKeyPair` arguments for `kind`. */
export function keyGenParams(kind: KeyKind): ['rsa', { modulusLength: number; publicExponent: number }] | ['ec', { namedCurve: string }] {
  switch (kind) {
    case 'rsa-2048':
      return ['rsa', { modulusLength: 2048, publicExponent: 0x10001 }];
    case 'rsa-3072':
      return ['rsa', { modulusLength: 3072, publicExponent: 0x10001 }];
    case 'ecdsa-p256':
      return ['ec', { namedCurve: 'P-256' }];
    default:
      throw new SignetError('KEY_UNSUPPORTED', `Unknown key kind "${String(kind)}". Use one of: ${KEY_KINDS.join(', ')}.`);
  }
}

/** Generates a key pair of `kind` synchronously (RSA-2048 takes ~50 ms; prefer a {@link KeyPool} on hot paths). */
export function generateKeyPair(kind: KeyKind): KeyPair {
  const [type, params] = keyGenParams(kind);
  // The overloads of generateKeyPairSync are keyed on the literal type, hence the narrowing.
  return type === 'rsa' ? generateKeyPairSync('rsa', params as { modulusLength: number }) : generateKeyPairSync('ec', params as { namedCurve: string });
}

/** The {@link KeyKind} of a key (private or public), or undefined when Signet does not issue for it. */
export function keyKindOf(key: KeyObject): KeyKind | undefined {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') {
    if (d?.modulusLength === 2048) return 'rsa-2048';
    if (d?.modulusLength === 3072) return 'rsa-3072';
    return undefined;
  }
  if (key.asymmetricKeyType === 'ec' && d?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  return undefined;
}

/**
 * The KeySigner algorithm of a key: RSA of 2048 bits or more, or ECDSA on P-256.
 * Throws KEY_UNSUPPORTED otherwise.
 */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && (d?.modulusLength ?? 0) >= 2048) return 'rsa';
  if (key.asymmetricKeyType === 'ec' && d?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  throw new SignetError(
    'KEY_UNSUPPORTED',
    `Unsupported key (${key.asymmetricKeyType ?? key.type}${d?.modulusLength ? ` ${d.modulusLength} bits` : ''}${d?.namedCurve ? ` ${d.namedCurve}` : ''}). Use RSA 2048/3072 or ECDSA P-256.`,
  );
}

/** The public key of a private key (node:crypto derives it). */
export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return privateKey.type === 'public' ? privateKey : createPublicKey(privateKey);
}

/**
 * The AlgorithmIdentifier a key signs certificates, CRLs and OCSP responses with:
 * sha256WithRSAEncryption with NULL parameters (RFC 4055 §5) or ecdsa-with-SHA256 without
 * parameters (RFC 5758 §3.2).
 */
export function signatureAlgorithmFor(key: KeyObject): Asn1 {
  return keyAlgorithmOf(key) === 'rsa' ? seq(oid(OID.sha256WithRSAEncryption), nul()) : seq(oid(OID.ecdsaWithSHA256));
}

/** Signs `data` with SHA-256 (RSA PKCS#1 v1.5, or ECDSA with a DER Ecdsa-Sig-Value). */
export function signSha256(privateKey: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }));
}

/**
 * Verifies a signature made with the signature algorithm `algorithmOid` (RSA PKCS#1 v1.5 or ECDSA,
 * SHA-1/2). Returns false for unknown algorithms and for any error.
 */
export function verifySignature(algorithmOid: string, data: Uint8Array, signature: Uint8Array, publicKey: KeyObject): boolean {
  const digest = SIGNATURE_DIGESTS[algorithmOid];
  if (!digest) return false;
  try {
    return verify(digest, data, { key: publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

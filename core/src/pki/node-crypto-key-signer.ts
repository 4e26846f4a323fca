/**
 * The production KeySigner: a private key held in this process, signing with node:crypto.
 */
import { sign, type KeyObject } from 'node:crypto';
import { SignetError } from '../errors.js';
import type { DigestAlgorithm, KeyAlgorithm, KeySigner } from '../ports/key-signer.js';
import { bytesEqual } from './der.js';
import { keyAlgorithmOf, publicKeyOf } from './keys.js';
import { parseCertificate } from './parse-certificate.js';

const DIGESTS: readonly DigestAlgorithm[] = ['sha256', 'sha384', 'sha512'];

/**
 * Signs with a node:crypto private key: RSA PKCS#1 v1.5 (RFC 8017 §8.2) or ECDSA P-256 with a DER
 * Ecdsa-Sig-Value (RFC 5480 / RFC 5758 §3.2). The algorithm follows the key type. The constructor
 * checks that the key matches the certificate (INVALID_ARGUMENT otherwise).
 */
export class NodeCryptoKeySigner implements KeySigner {
  readonly algorithm: KeyAlgorithm;
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];

  constructor(
    private readonly privateKey: KeyObject,
    certificate: Uint8Array,
    chain: Uint8Array[] = [],
  ) {
    if (privateKey?.type !== 'private') throw new SignetError('INVALID_ARGUMENT', 'NodeCryptoKeySigner needs a private KeyObject (crypto.createPrivateKey).');
    this.algorithm = keyAlgorithmOf(privateKey);
    const cert = parseCertificate(certificate);
    const spki = new Uint8Array(publicKeyOf(privateKey).export({ type: 'spki', format: 'der' }));
    if (!bytesEqual(spki, cert.spkiDer)) {
      throw new SignetError('INVALID_ARGUMENT', 'The private key does not match the certificate. Pass the certificate issued for this key.');
    }
    this.certificate = cert.der;
    this.chain = Object.freeze([...chain]);
  }

  /** Hashes `data` with `digest` and signs it; returns the raw signature value. */
  async sign(data: Uint8Array, digest: DigestAlgorithm): Promise<Uint8Array> {
    if (!DIGESTS.includes(digest)) throw new SignetError('INVALID_ARGUMENT', `Unsupported digest "${String(digest)}". Use sha256, sha384 or sha512.`);
    return new Uint8Array(sign(digest, data, { key: this.privateKey, dsaEncoding: 'der' }));
  }
}

import { SignetError } from '../errors.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { KeySigner } from '../ports/key-signer.js';
import type { CertificateSubject, SignerKeyKind, SignerKeyStore } from '../ports/signer-key-store.js';
import type { RevocationSource } from '../pades/embedded-validation-data.js';
import type { EmbeddedPki } from '../pki/embedded-pki.js';
import { issueOrganizationCertificate, issuePersonCertificate } from '../pki/issue-certificate.js';
import { generateKeyPair } from '../pki/keys.js';
import { NodeCryptoKeySigner } from '../pki/node-crypto-key-signer.js';
import { normaliseSerialHex, type RevokedEntry } from '../pki/crl.js';

/**
 * A SignerKeyStore in memory for tests, on an embedded PKI made at run time: the first request for
 * a subject generates a key and issues its certificate from the issuing CA; later requests reuse
 * it. It is also the RevocationSource of an EmbeddedValidationData, so revocations show in OCSP.
 */
export class InMemorySignerKeyStore implements SignerKeyStore, RevocationSource {
  private readonly signers = new Map<string, Promise<KeySigner>>();
  private readonly revokedEntries: RevokedEntry[] = [];
  /** How many certificates were issued. */
  issued = 0;

  constructor(
    private readonly pki: EmbeddedPki,
    private readonly opts: { baseUrl?: string; clock?: Clock; keyKind?: SignerKeyKind } = {},
  ) {}

  signerFor(subject: CertificateSubject, keyKind?: SignerKeyKind): Promise<KeySigner> {
    const kind = keyKind ?? this.opts.keyKind ?? 'rsa-2048';
    const key = subject.kind === 'person' ? `p|${subject.name}|${subject.idNumber}|${kind}` : `o|${subject.name}|${subject.uscc}|${kind}`;
    let signer = this.signers.get(key);
    if (!signer) {
      signer = Promise.resolve().then(() => {
        const { privateKey, publicKey } = generateKeyPair(kind);
        const opts = { publicKey, baseUrl: this.opts.baseUrl ?? 'http://127.0.0.1:1', ocsp: false, now: (this.opts.clock ?? systemClock).now() };
        const cert = subject.kind === 'person'
          ? issuePersonCertificate(this.pki.issuing, { name: subject.name, idNumber: subject.idNumber }, opts)
          : issueOrganizationCertificate(this.pki.issuing, { name: subject.name, uscc: subject.uscc }, opts);
        this.issued++;
        return new NodeCryptoKeySigner(privateKey, cert, [this.pki.issuing.certificate]);
      });
      this.signers.set(key, signer);
      signer.catch(() => this.signers.delete(key));
    }
    return signer;
  }

  async revoke(serialHex: string, _reason?: string): Promise<void> {
    if (!/^[0-9a-f]+$/i.test(serialHex)) throw new SignetError('INVALID_ARGUMENT', 'Give the certificate serial number in hex.');
    this.revokedEntries.push({ serialHex: normaliseSerialHex(serialHex), revokedAt: (this.opts.clock ?? systemClock).now() });
  }

  revoked(ca: 'root' | 'issuing'): RevokedEntry[] {
    return ca === 'issuing' ? [...this.revokedEntries] : [];
  }

  get crlNumber(): number {
    return 1 + this.revokedEntries.length;
  }
}

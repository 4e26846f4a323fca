/**
 * The embedded CA, TSA and signer keys of one installation, kept under `<data>/pki/` with every
 * private key sealed by the master key. All writes are atomic.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import {
  SignetError, createEmbeddedPki, derToPem, pemToDer, parseCertificate, generateKeyPair,
  issuePersonCertificate, issueOrganizationCertificate, NodeCryptoKeySigner,
  type EmbeddedPki, type CaMaterial, type RevokedEntry, type KeyKind, type KeyPair,
} from '@signet/core';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { MasterKey } from '../storage/master-key.js';

interface SealedMaterial {
  certificate: string;
  /** base64 of the master-key-sealed PKCS#8 DER. */
  key: string;
}

interface CaFile {
  version: 1;
  createdAt: string;
  baseUrl: string;
  /**
   * Whether signer certificates carry the OCSP URL. Only when the operator gave a public base URL:
   * a localhost responder is unreachable for every relying party, and poppler <= 22.12 then reports
   * "Unknown issue with Certificate" (it reads NSS's stale error after a soft OCSP failure).
   */
  ocspInCertificates?: boolean;
  root: SealedMaterial;
  issuing: SealedMaterial;
  tsa: SealedMaterial;
}

/** One issued certificate, as the registry remembers it (for OCSP "good" vs "unknown"). */
export interface IssuedRecord {
  serialHex: string;
  subject: string;
  ca: 'root' | 'issuing';
  issuedAt: string;
  notAfter: string;
}

interface RegistryFile {
  version: 1;
  issued: IssuedRecord[];
  revoked: (Omit<RevokedEntry, 'revokedAt'> & { revokedAt: string; ca: 'root' | 'issuing' })[];
  crlNumber: number;
}

/** A signer identity for the CLI and the server: a person or an organization. */
export type SignerIdentity =
  | { kind: 'person'; name: string; idNumber: string }
  | { kind: 'organization'; name: string; uscc: string };

/** The PKI of one installation. */
export class FilePkiStore {
  private registry: RegistryFile;

  private constructor(
    readonly dataDir: string,
    readonly pki: EmbeddedPki,
    readonly baseUrl: string,
    private readonly masterKey: MasterKey,
    readonly ocspInCertificates = false,
  ) {
    const regPath = join(dataDir, 'pki', 'registry.json');
    this.registry = existsSync(regPath) ? (JSON.parse(readFileSync(regPath, 'utf8')) as RegistryFile) : { version: 1, issued: [], revoked: [], crlNumber: 1 };
  }

  /** True when `<data>/pki/ca.json` exists. */
  static exists(dataDir: string): boolean {
    return existsSync(join(dataDir, 'pki', 'ca.json'));
  }

  /** Creates the root CA, issuing CA and TSA if absent; idempotent. Returns the store and whether it was created. */
  static init(dataDir: string, masterKey: MasterKey, baseUrl: string, publicBaseUrl = false): { store: FilePkiStore; created: boolean } {
    if (FilePkiStore.exists(dataDir)) return { store: FilePkiStore.open(dataDir, masterKey), created: false };
    const pki = createEmbeddedPki({ baseUrl, orgName: 'Signet Demo CA' });
    const seal = (m: CaMaterial, label: string): SealedMaterial => ({
      certificate: derToPem(m.certificate),
      key: masterKey.seal(m.privateKey.export({ type: 'pkcs8', format: 'der' }), label).toString('base64'),
    });
    const file: CaFile = {
      version: 1,
      createdAt: new Date().toISOString(),
      baseUrl,
      ocspInCertificates: publicBaseUrl,
      root: seal(pki.root, 'ca:root'),
      issuing: seal(pki.issuing, 'ca:issuing'),
      tsa: seal(pki.tsa, 'ca:tsa'),
    };
    writeFileAtomic(join(dataDir, 'pki', 'ca.json'), JSON.stringify(file, null, 2), 0o600);
    const store = new FilePkiStore(dataDir, pki, baseUrl, masterKey, publicBaseUrl);
    for (const [ca, m] of [['root', pki.issuing], ['root', pki.tsa]] as const) store.record(ca, m.certificate);
    store.saveRegistry();
    return { store, created: true };
  }

  /** Opens an initialised store; throws CA_NOT_INITIALISED with the fix otherwise. */
  static open(dataDir: string, masterKey: MasterKey): FilePkiStore {
    const path = join(dataDir, 'pki', 'ca.json');
    if (!existsSync(path)) throw new SignetError('CA_NOT_INITIALISED', `No CA in ${dataDir}; run \`signet init --data ${dataDir}\``);
    let file: CaFile;
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as CaFile;
    } catch {
      throw new SignetError('CA_NOT_INITIALISED', `${path} is damaged; restore it from backup`);
    }
    const open = (m: SealedMaterial, label: string): CaMaterial => ({
      certificate: pemToDer(m.certificate)[0],
      privateKey: createPrivateKey({ key: masterKey.open(Buffer.from(m.key, 'base64'), label), format: 'der', type: 'pkcs8' }),
    });
    const pki: EmbeddedPki = { root: open(file.root, 'ca:root'), issuing: open(file.issuing, 'ca:issuing'), tsa: open(file.tsa, 'ca:tsa') };
    return new FilePkiStore(dataDir, pki, file.baseUrl, masterKey, !!file.ocspInCertificates);
  }

  /** The trust anchor (root CA certificate), DER. */
  get rootCertificate(): Uint8Array {
    return this.pki.root.certificate;
  }

  private record(ca: 'root' | 'issuing', der: Uint8Array): void {
    const info = parseCertificate(der);
    if (this.registry.issued.some((r) => r.serialHex === info.serialHex)) return;
    this.registry.issued.push({
      serialHex: info.serialHex,
      subject: info.subject.CN ?? info.subject.O ?? '',
      ca,
      issuedAt: new Date().toISOString(),
      notAfter: info.notAfter.toISOString(),
    });
  }

  private saveRegistry(): void {
    writeFileAtomic(join(this.dataDir, 'pki', 'registry.json'), JSON.stringify(this.registry, null, 1));
  }

  /** True when the CA issued the certificate with this serial. */
  isIssued(serialHex: string): boolean {
    return this.registry.issued.some((r) => r.serialHex === serialHex);
  }

  /** Revoked entries of one CA. */
  revoked(ca: 'root' | 'issuing'): RevokedEntry[] {
    return this.registry.revoked.filter((r) => r.ca === ca).map((r) => ({ serialHex: r.serialHex, reason: r.reason, revokedAt: new Date(r.revokedAt) }));
  }

  /** The current CRL number (monotonic). */
  get crlNumber(): number {
    return this.registry.crlNumber;
  }

  /** Revokes a certificate issued by the issuing CA (or by the root, for CA/TSA certificates). */
  revoke(serialHex: string, reason: RevokedEntry['reason'] = 'unspecified', at = new Date()): void {
    const rec = this.registry.issued.find((r) => r.serialHex === serialHex.toLowerCase());
    if (!rec) throw new SignetError('NOT_FOUND', `No certificate with serial ${serialHex} was issued by this CA`);
    if (this.registry.revoked.some((r) => r.serialHex === rec.serialHex)) return;
    this.registry.revoked.push({ serialHex: rec.serialHex, reason, revokedAt: at.toISOString(), ca: rec.ca });
    this.registry.crlNumber += 1;
    this.saveRegistry();
  }

  /**
   * Returns a KeySigner for an identity: the stored key and certificate when this identity signed
   * before, otherwise a new key pair and a certificate from the issuing CA (stored sealed).
   */
  signerFor(identity: SignerIdentity, keyKind: KeyKind = 'rsa-2048', newKey: () => KeyPair = () => generateKeyPair(keyKind)): NodeCryptoKeySigner {
    const idKey = identity.kind === 'person' ? `p:${identity.name}:${identity.idNumber}` : `o:${identity.name}:${identity.uscc}`;
    const id = createHash('sha256').update(`${idKey}:${keyKind}`).digest('hex').slice(0, 32);
    const path = join(this.dataDir, 'pki', 'signers', `${id}.json`);
    if (existsSync(path)) {
      const f = JSON.parse(readFileSync(path, 'utf8')) as SealedMaterial;
      const cert = pemToDer(f.certificate)[0];
      const info = parseCertificate(cert);
      if (info.notAfter.getTime() > Date.now() + 86_400_000) {
        const key: KeyObject = createPrivateKey({ key: this.masterKey.open(Buffer.from(f.key, 'base64'), `signer:${id}`), format: 'der', type: 'pkcs8' });
        return new NodeCryptoKeySigner(key, cert, [this.pki.issuing.certificate]);
      }
    }
    const { privateKey, publicKey } = newKey();
    const opts = { publicKey, baseUrl: this.baseUrl, ocsp: this.ocspInCertificates };
    const cert = identity.kind === 'person'
      ? issuePersonCertificate(this.pki.issuing, { name: identity.name, idNumber: identity.idNumber }, opts)
      : issueOrganizationCertificate(this.pki.issuing, { name: identity.name, uscc: identity.uscc }, opts);
    const sealed: SealedMaterial = {
      certificate: derToPem(cert),
      key: this.masterKey.seal(privateKey.export({ type: 'pkcs8', format: 'der' }), `signer:${id}`).toString('base64'),
    };
    writeFileAtomic(path, JSON.stringify(sealed, null, 2), 0o600);
    this.record('issuing', cert);
    this.saveRegistry();
    return new NodeCryptoKeySigner(privateKey, cert, [this.pki.issuing.certificate]);
  }
}

/**
 * Test-only world for the evidence specs: a real embedded PKI and TSA made at run time, a platform
 * organization certificate, two signers, a contract signed by both with visible signatures, its
 * audit chain, and evidence data describing all of it (with the raw mobile and ID number that the
 * page must mask).
 */
import { createHash } from 'node:crypto';
import { unzipSync, zipSync } from 'fflate';
import type { FontProgram } from '../font/font-program.js';
import {
  createEmbeddedPki, generateKeyPair, issueOrganizationCertificate, issuePersonCertificate, NodeCryptoKeySigner,
  type EmbeddedPki,
} from '../pki/index.js';
import { EmbeddedTimestamper, TimestampAuthority } from '../tsa/index.js';
import { EmbeddedValidationData } from '../pades/embedded-validation-data.js';
import { signPdf } from '../pades/sign-pdf.js';
import { TextAppearance } from '../pdf/appearance.js';
import { verifyPdf } from '../verify/verify-pdf.js';
import { sampleIdCardNumber, sampleUscc } from '../identity/samples.js';
import { appendAuditEvent, timestampChainHead, type AuditEvent } from './audit-chain.js';
import type { EvidenceInput, EvidenceSigner } from './evidence-input.js';
import { buildEvidencePage } from './evidence-page.js';
import { signEvidencePage } from './sign-evidence-page.js';
import { buildEvidencePackage } from './evidence-package.js';

/** The raw identities the evidence page must never print. */
export const RAW = {
  mobile: '18512345544',
  idNumber: sampleIdCardNumber(7, { birthDate: '1990-03-07' }),
  email: 'zhangsan@example.com',
  senderMobile: '13800138000',
} as const;

/** The PKI, TSA and signers of one test run. */
export interface EvidenceWorld {
  pki: EmbeddedPki;
  trustAnchors: Uint8Array[];
  timestamper: EmbeddedTimestamper;
  validationData: EmbeddedValidationData;
  platform: NodeCryptoKeySigner;
  person: NodeCryptoKeySigner;
  org: NodeCryptoKeySigner;
}

/** Makes a fresh PKI, TSA, platform certificate ("Signet 签约平台") and two signers. */
export function makeEvidenceWorld(): EvidenceWorld {
  const pki = createEmbeddedPki({ baseUrl: 'http://127.0.0.1:1' });
  const timestamper = new EmbeddedTimestamper(new TimestampAuthority({ certificate: pki.tsa.certificate, privateKey: pki.tsa.privateKey }));
  const validationData = new EmbeddedValidationData(pki, { revoked: () => [], crlNumber: 1 });
  const opts = () => {
    const { privateKey, publicKey } = generateKeyPair('rsa-2048');
    return { privateKey, issue: { publicKey, baseUrl: 'http://127.0.0.1:1', ocsp: false } };
  };
  const p = opts();
  const platform = new NodeCryptoKeySigner(p.privateKey, issueOrganizationCertificate(pki.issuing, { name: 'Signet 签约平台', uscc: sampleUscc(2026) }, p.issue), [pki.issuing.certificate]);
  const a = opts();
  const person = new NodeCryptoKeySigner(a.privateKey, issuePersonCertificate(pki.issuing, { name: '张三', idNumber: RAW.idNumber }, a.issue), [pki.issuing.certificate]);
  const o = opts();
  const org = new NodeCryptoKeySigner(o.privateKey, issueOrganizationCertificate(pki.issuing, { name: '上海示例科技有限公司', uscc: sampleUscc(3) }, o.issue), [pki.issuing.certificate]);
  return { pki, trustAnchors: [pki.root.certificate], timestamper, validationData, platform, person, org };
}

/** A contract signed by the person (page 1) then the organization (page 2), B-T, each visible. */
export interface SignedContract {
  name: string;
  original: Uint8Array;
  signed: Uint8Array;
  /** Per signer: certificate serial and the widget position reported by verifyPdf. */
  signatures: { serial: string; page: number; x: number; y: number }[];
}

/** Signs `unsigned` twice (person, then organization) and reads back where each signature sits. */
export async function signContract(world: EvidenceWorld, unsigned: Uint8Array, name = '劳动合同.pdf'): Promise<SignedContract> {
  const s1 = await signPdf(unsigned, { signer: world.person, level: 'B-T', timestamper: world.timestamper, page: 1, rect: { x: 60, y: 60, w: 180, h: 50 }, appearance: new TextAppearance() });
  const s2 = await signPdf(s1, { signer: world.org, level: 'B-T', timestamper: world.timestamper, page: 2, rect: { x: 320, y: 80, w: 180, h: 50 }, appearance: new TextAppearance() });
  const report = verifyPdf(s2, { trustAnchors: world.trustAnchors });
  if (!report.valid) throw new Error(`fixture contract does not verify: ${report.summary}`);
  // verifyPdf reports positions from the bottom-left; the evidence page gives the top-left corner from the top-left.
  const signatures = report.signatures.map((s) => {
    const p = s.position ?? { x: 0, y: 0, w: 0, h: 0 };
    return { serial: s.signer!.serialNumber, page: s.page ?? 1, x: p.x, y: Math.round((1 - p.y - p.h) * 10_000) / 10_000 };
  });
  return { name, original: unsigned, signed: s2, signatures };
}

/** A short audit chain for a contract: created, sent, read and signed by both, completed. */
export function auditChainFor(subject: string, start = Date.parse('2026-01-02T01:00:00Z')): AuditEvent[] {
  const events: AuditEvent[] = [];
  const steps: [string, string][] = [
    ['contract.created', 'u_sender'], ['contract.sent', 'u_sender'], ['signer.read', 's_1'], ['signer.signed', 's_1'],
    ['signer.read', 's_2'], ['signer.signed', 's_2'], ['contract.completed', 'system'],
  ];
  steps.forEach(([type, id], i) => {
    events.push(appendAuditEvent(events.at(-1), { type, subject, at: new Date(start + i * 60_000), actor: { kind: id === 'system' ? 'system' : id.startsWith('s_') ? 'signer' : 'user', id, ip: '203.0.113.7' }, data: { step: i + 1 } }));
  });
  return events;
}

/** Time-stamps the chain head with the world's TSA. */
export function stampHead(world: EvidenceWorld, events: AuditEvent[]): Promise<Uint8Array> {
  return timestampChainHead(events[events.length - 1], world.timestamper);
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Evidence data for a signed contract and its audit chain, with raw accounts the page must mask. */
export function evidenceInputFor(contract: SignedContract, events: AuditEvent[], extra: { signers?: number; number?: string } = {}): EvidenceInput {
  const base: EvidenceSigner[] = [
    {
      subject: '张三', kind: 'person', idNumber: RAW.idNumber, account: RAW.mobile,
      receivedAt: '2026-01-02T01:02:00Z', signedAt: '2026-01-02T01:03:00Z', ip: '203.0.113.7',
      willingness: { method: 'sms-otp', at: '2026-01-02T01:02:40Z' }, certificateSerial: contract.signatures[0].serial,
      positions: [{ page: contract.signatures[0].page, x: contract.signatures[0].x, y: contract.signatures[0].y }],
    },
    {
      subject: '上海示例科技有限公司', kind: 'organization', uscc: sampleUscc(3), operator: '王五', account: RAW.email,
      receivedAt: '2026-01-02T01:04:00Z', signedAt: '2026-01-02T01:05:00Z', ip: '2001:db8::7',
      willingness: { method: 'password', at: '2026-01-02T01:04:50Z' }, certificateSerial: contract.signatures[1].serial,
      positions: [{ page: contract.signatures[1].page, x: contract.signatures[1].x, y: contract.signatures[1].y }],
    },
  ];
  const signers: EvidenceSigner[] = [];
  for (let i = 0; i < (extra.signers ?? 2); i++) signers.push({ ...base[i % 2], subject: i < 2 ? base[i].subject : `${base[i % 2].subject} ${i + 1}` });
  return {
    platform: { name: 'Signet 签约平台', verifyUrl: 'https://sign.example.com/verify' },
    contract: {
      name: '劳动合同（软件开发岗位）', number: extra.number ?? 'HT-2026-000123',
      sentAt: '2026-01-02T01:01:00Z', completedAt: '2026-01-02T01:06:00Z',
      sender: { account: RAW.senderMobile, name: '李四', enterprise: '上海示例科技有限公司', ip: '198.51.100.20' },
    },
    files: [{ name: contract.name, sha256: sha256(contract.signed), originalSha256: sha256(contract.original), pages: 2 }],
    signers,
    audit: { headHash: events[events.length - 1].hash, events: events.length },
  };
}

/** Everything a package is built from, and the package itself. */
export interface SamplePackage {
  world: EvidenceWorld;
  contract: SignedContract;
  events: AuditEvent[];
  headTimestamp: Uint8Array;
  input: EvidenceInput;
  page: Uint8Array;
  zip: Uint8Array;
}

/** Builds a complete, valid evidence package: contract signed by two, audit chain with a stamped head, signed B-LT page. */
export async function samplePackage(font: FontProgram, unsigned: Uint8Array, world = makeEvidenceWorld()): Promise<SamplePackage> {
  const contract = await signContract(world, unsigned);
  const events = auditChainFor('ct_1');
  const headTimestamp = await stampHead(world, events);
  const input = evidenceInputFor(contract, events);
  const page = await signEvidencePage(buildEvidencePage(input, { font }), { signer: world.platform, timestamper: world.timestamper, validationData: world.validationData });
  const zip = buildEvidencePackage({ evidencePage: page, files: [{ signed: contract.signed, original: contract.original }], audit: { events, headTimestamp } });
  return { world, contract, events, headTimestamp, input, page, zip };
}

/**
 * Rewrites a package as a tamperer would: `edit` changes the entries (name → bytes; delete to
 * remove). With `fixManifest`, the manifest's hashes and sizes are updated to match, as a careful
 * tamperer would do, so that only the deeper checks can catch it.
 */
export function repack(zip: Uint8Array, edit: (entries: Map<string, Uint8Array>) => void, opts: { fixManifest?: boolean } = {}): Uint8Array {
  const files = unzipSync(zip);
  const entries = new Map(Object.entries(files));
  edit(entries);
  if (opts.fixManifest) {
    const manifest = JSON.parse(new TextDecoder().decode(entries.get('manifest.json'))) as { entries: { path: string; sha256: string; size: number }[] };
    for (const e of manifest.entries) {
      const b = entries.get(e.path);
      if (b) Object.assign(e, { sha256: sha256(b), size: b.length });
    }
    entries.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
  }
  return zipSync(Object.fromEntries(entries));
}

/**
 * Test-only wiring for the workflow specs: a real embedded PKI and TSA made at run time, in-memory
 * store, blobs and willingness gate, two enterprises with members, a person, and real PDFs drawn
 * with PdfDocumentBuilder and an embedded CJK font subset.
 */
import { FontProgram } from '../font/font-program.js';
import { FontSubset } from '../font/font-subset.js';
import type { Actor } from '../directory/actor.js';
import { sampleIdCardNumber, sampleUscc } from '../identity/samples.js';
import { PdfDocumentBuilder } from '../pdf/document-builder.js';
import { PdfDict } from '../pdf/objects.js';
import { EmbeddedValidationData } from '../pades/embedded-validation-data.js';
import type { PadesLevel } from '../pades/levels.js';
import { createEmbeddedPki, type EmbeddedPki } from '../pki/embedded-pki.js';
import { SignetError } from '../errors.js';
import type { CertificateSubject } from '../ports/signer-key-store.js';
import { EmbeddedTimestamper } from '../tsa/embedded-timestamper.js';
import { TimestampAuthority } from '../tsa/timestamp-authority.js';
import { FixedClock } from '../testing/fixed-clock.js';
import { InMemoryBlobStore } from '../testing/in-memory-blob-store.js';
import { InMemoryRecordStore } from '../testing/in-memory-record-store.js';
import { InMemorySignerKeyStore } from '../testing/in-memory-signer-key-store.js';
import { InMemoryWillingnessGate } from '../testing/in-memory-willingness-gate.js';
import { RecordingEventPublisher } from '../testing/recording-event-publisher.js';
import { RecordingMessageSender } from '../testing/recording-message-sender.js';
import { SequentialIdGenerator } from '../testing/sequential-id-generator.js';
import { verifyPdf } from '../verify/verify-pdf.js';
import type { VerificationReport } from '../verify/report.js';
import { createWorkflow, type Workflow, type WorkflowDeps } from './create-workflow.js';
import type { SubjectRef, VerifiedSubjects } from './verified-subjects.js';
import type { ContractRecord } from './contract.js';
import { verifyAuditChain, type AuditChainCheck } from '../evidence/audit-chain.js';

/** A PKI shared by every kit of one test run (creating RSA CAs takes a moment). */
let sharedPki: EmbeddedPki | undefined;
const PKI_TIME = new Date(Date.now() - 86_400_000);

/** Draws an A4 contract of `pages` pages with Chinese text. */
export function contractPdf(font: Uint8Array, title = '劳动合同 Labour contract', pages = 2): Uint8Array {
  const b = new PdfDocumentBuilder();
  const f = new FontSubset(FontProgram.load(font), b);
  const resources = new PdfDict({ Font: new PdfDict({ F1: f.ref }) });
  for (let p = 1; p <= pages; p++) {
    b.addPage({
      width: 595,
      height: 842,
      resources,
      content: `BT /F1 20 Tf 72 760 Td ${f.encode(title)} Tj ET\nBT /F1 11 Tf 72 720 Td ${f.encode(`第 ${p} 页 甲方（盖章） 乙方（签字） Page ${p}`)} Tj ET\n`,
    });
  }
  f.finish();
  return b.build();
}

/** The parties of the kit. */
export const ENT_A = 'ent_a';
export const ENT_B = 'ent_b';

/** Options of {@link makeKit}. */
export interface KitOptions {
  font: Uint8Array;
  level?: PadesLevel;
  /** Overrides of the workflow deps (e.g. a template filler). */
  deps?: Partial<WorkflowDeps>;
}

/** Everything a workflow spec needs. */
export interface Kit {
  clock: FixedClock;
  pki: EmbeddedPki;
  store: InMemoryRecordStore;
  blobs: InMemoryBlobStore;
  events: RecordingEventPublisher;
  messages: RecordingMessageSender;
  gate: InMemoryWillingnessGate;
  keys: InMemorySignerKeyStore;
  wf: Workflow;
  font: Uint8Array;
  actors: {
    /** Enterprise A's super admin and sender. */
    alice: Actor;
    /** A plain member of A. */
    bob: Actor;
    /** A's seal admin. */
    sealAdmin: Actor;
    /** A member of A who will hold a grant for A's contract seal. */
    stamper: Actor;
    /** A's integrator app. */
    appA: Actor;
    /** A member of enterprise B (another tenant). */
    carol: Actor;
    /** B's integrator app. */
    appB: Actor;
    /** A person with no enterprise. */
    dave: Actor;
  };
  /** A willingness proof for `userId` over `contractIds`. */
  proof(userId: string, contractIds: string[], method?: 'sms_otp' | 'password' | 'face'): string;
  /** Verifies a PDF against the kit's root. */
  verify(pdf: Uint8Array): VerificationReport;
  /** Checks the contract's audit chain as stored, and that the contract's head matches it. */
  chain(c: ContractRecord | string): Promise<AuditChainCheck & { headMatches: boolean }>;
}

/** Builds a kit: a fresh store and workflow on the shared PKI. */
export function makeKit(opts: KitOptions): Kit {
  const clock = new FixedClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  sharedPki ??= createEmbeddedPki({ baseUrl: 'http://127.0.0.1:1', now: PKI_TIME });
  const pki = sharedPki;
  const store = new InMemoryRecordStore();
  const blobs = new InMemoryBlobStore();
  const events = new RecordingEventPublisher();
  const messages = new RecordingMessageSender();
  const gate = new InMemoryWillingnessGate(clock);
  const keys = new InMemorySignerKeyStore(pki, { clock });
  const timestamper = new EmbeddedTimestamper(new TimestampAuthority({ certificate: pki.tsa.certificate, privateKey: pki.tsa.privateKey, clock }));
  const validationData = new EmbeddedValidationData(pki, keys, clock);
  const people = new Map<string, CertificateSubject>([
    ['u_alice', { kind: 'person', name: '王芳', idNumber: sampleIdCardNumber(1) }],
    ['u_bob', { kind: 'person', name: '李强', idNumber: sampleIdCardNumber(2) }],
    ['u_stamper', { kind: 'person', name: '赵敏', idNumber: sampleIdCardNumber(3) }],
    ['u_carol', { kind: 'person', name: 'Carol Chen', idNumber: sampleIdCardNumber(4) }],
    ['u_dave', { kind: 'person', name: '张伟', idNumber: sampleIdCardNumber(5) }],
  ]);
  const orgs = new Map<string, CertificateSubject>([
    [ENT_A, { kind: 'organization', name: '上海示例科技有限公司', uscc: sampleUscc(1) }],
    [ENT_B, { kind: 'organization', name: '北京样例贸易有限公司', uscc: sampleUscc(2) }],
  ]);
  const subjects: VerifiedSubjects = {
    async certificateSubjectOf(ref: SubjectRef) {
      const s = ref.kind === 'person' ? people.get(ref.userId) : orgs.get(ref.enterpriseId);
      if (!s) throw new SignetError('INVALID_ARGUMENT', `No verified subject for ${JSON.stringify(ref)}`);
      return s;
    },
  };
  const wf = createWorkflow({
    store,
    blobs,
    clock,
    ids: new SequentialIdGenerator(),
    events,
    messages,
    keys,
    subjects,
    willingness: gate,
    timestamper,
    validationData,
    level: opts.level ?? 'B-LT',
    font: opts.font,
    signingUrl: (t) => `https://sign.example.com/sign/${t}`,
    ...opts.deps,
  });
  const verifyReport = (pdf: Uint8Array) => verifyPdf(pdf, { trustAnchors: [pki.root.certificate], now: clock.now() });
  return {
    clock, pki, store, blobs, events, messages, gate, keys, wf, font: opts.font,
    actors: {
      alice: { kind: 'member', userId: 'u_alice', enterpriseId: ENT_A, roles: ['super_admin'] },
      bob: { kind: 'member', userId: 'u_bob', enterpriseId: ENT_A, roles: ['member'] },
      sealAdmin: { kind: 'member', userId: 'u_sealadmin', enterpriseId: ENT_A, roles: ['seal_admin'] },
      stamper: { kind: 'member', userId: 'u_stamper', enterpriseId: ENT_A, roles: ['member'] },
      appA: { kind: 'app', appId: 'app_a', enterpriseId: ENT_A },
      carol: { kind: 'member', userId: 'u_carol', enterpriseId: ENT_B, roles: ['super_admin'] },
      appB: { kind: 'app', appId: 'app_b', enterpriseId: ENT_B },
      dave: { kind: 'person', userId: 'u_dave' },
    },
    proof: (userId, contractIds, method) => gate.issue({ userId, contractIds, method }),
    verify: verifyReport,
    async chain(c) {
      const id = typeof c === 'string' ? c : c.id;
      const stored = (await wf.collections.contracts.get(id))!;
      const events = await wf.collections.audit.find('subject', id);
      const check = verifyAuditChain(events.map(({ id: _i, version: _v, ...e }) => e));
      return { ...check, headMatches: check.length === stored.audit.seq && (check.headHash ?? '') === stored.audit.hash };
    },
  };
}

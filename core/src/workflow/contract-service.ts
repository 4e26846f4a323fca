/**
 * The contract application service: loads a contract, checks tenancy and rights, runs the pure
 * {@link transition}, does the side effects (PDF signatures, blobs, links, messages) and saves the
 * contract with its audit events in one atomic batch. Optimistic versioning makes concurrent writers
 * safe: on VERSION_CONFLICT the service reloads and retries, re-signing on the newest PDF, so two
 * signers signing at the same moment both end up in the file, one revision each.
 */
import { createHash } from 'node:crypto';
import { SignetError, isSignetError } from '../errors.js';
import type { Actor } from '../directory/actor.js';
import type { AuditActor, AuditEvent } from '../evidence/audit-chain.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { EventPublisher } from '../ports/event-publisher.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { KeySigner } from '../ports/key-signer.js';
import type { MessageSender } from '../ports/message-sender.js';
import { writeOp, type WriteOp } from '../ports/record-store.js';
import type { SignerKeyKind, SignerKeyStore } from '../ports/signer-key-store.js';
import type { Timestamper } from '../ports/timestamper.js';
import { addTextFields, assertRectOnPage, type Rect } from '../pdf/acroform.js';
import type { AppearanceProvider } from '../pdf/appearance.js';
import { PdfReader } from '../pdf/reader.js';
import { IncrementalWriter } from '../pdf/writer.js';
import { checkCanSign } from '../pades/prepare.js';
import { addDocumentTimestamp, addValidationData, signPdf } from '../pades/sign-pdf.js';
import type { PadesLevel } from '../pades/levels.js';
import type { ValidationDataProvider } from '../pades/validation-data.js';
import { parseCertificate } from '../pki/parse-certificate.js';
import type { AnchorLocator, AnchorSpec } from './anchor-locator.js';
import { defaultAppearanceFor, type AppearanceFactory, type Handwriting } from './appearance-factory.js';
import { EMPTY_HEAD, chainEvents, domainEventsOf } from './chain-events.js';
import { maskAccount } from '../evidence/mask.js';
import { evidenceDataOf, type ContractEvidenceData } from './contract-evidence.js';
import {
  DEFAULT_WILLINGNESS_POLICY, WILLINGNESS_OPTIONS, allSigned, isSignatureField, signersInTurn,
  type ContractDocument, type FieldKind, type ContractRecord, type ContractSigner, type PageFractions, type SignatureField,
  type SignatureRecord, type SigningOrder, type WillingnessOption, type WillingnessPolicy,
} from './contract.js';
import { buildInvalidationAgreement } from './invalidation-agreement.js';
import type { ExternalApproval, LedgerAuthority, SealLedgerEntry, SealRecord } from './seal-record.js';
import { isGrantActive, type SealService } from './seal-service.js';
import { hashLinkToken, isLinkActive, newLinkToken, type SigningLinkRecord } from './signing-link.js';
import type { TemplateFiller } from './template-filler.js';
import type { TemplateRecord } from './template-record.js';
import type { TemplateService } from './template-service.js';
import { normaliseLabels, requireState, requireTurn, transition, type AuditDraft, type ContractCommand, type ViewKind } from './transition.js';
import type { VerifiedSubjects } from './verified-subjects.js';
import type { WillingnessEvidence, WillingnessGate } from './willingness-gate.js';
import { memberKey, type WorkflowCollections } from './workflow-collections.js';
import {
  auditActorOf, forbidden, hasRoleAtLeast, notFound, requireTenant, type RequestContext,
} from './workflow-actor.js';

/** What {@link ContractService} needs: ports, the sibling services, and signing configuration. */
export interface ContractServiceDeps {
  collections: WorkflowCollections;
  blobs: BlobStore;
  clock: Clock;
  ids: IdGenerator;
  events?: EventPublisher;
  messages?: MessageSender;
  keys: SignerKeyStore;
  subjects: VerifiedSubjects;
  willingness: WillingnessGate;
  seals: SealService;
  templates: TemplateService;
  timestamper?: Timestamper;
  validationData?: ValidationDataProvider;
  /** PAdES level of each signature. Default B-LT with a timestamper and validation data, else B-T or B-B. */
  level?: PadesLevel;
  /** Key kind for certificates issued on first signature (default the key store's). */
  keyKind?: SignerKeyKind;
  appearanceFor?: AppearanceFactory;
  filler?: TemplateFiller;
  anchors?: AnchorLocator;
  /** CJK font bytes for invalidation agreements, template filling and filled date and text fields. */
  font?: Uint8Array;
  /** The signing page URL for a link token, e.g. `https://sign.example.com/sign/<token>`. */
  signingUrl?: (token: string) => string;
  /** How long a signing link lives when the contract has no deadline (default 30 days). */
  linkTtlMs?: number;
  /** Optimistic-concurrency attempts per change (default 8). */
  maxAttempts?: number;
  /** Platform name on the evidence page (default `Signet 签约平台`). */
  platform?: string;
}

/**
 * A field of the create input: page + rectangle, an anchor text, or invisible (signatures only).
 * `date` and `text` fields are filled by the signer when signing (the date by Signet); `label` says
 * what a text field asks for, and `required` (default true) whether it may stay empty.
 */
export type FieldInput =
  | { file?: number; page: number; rect: Rect; kind?: FieldKind; label?: string; required?: boolean }
  | { file?: number; anchor: AnchorSpec; kind?: FieldKind; label?: string; required?: boolean }
  | { file?: number; invisible: true; kind?: 'signature' | 'seal' };

/** A signer of the create input. */
export interface SignerInput {
  kind: 'person' | 'organization';
  name: string;
  /** Person signers: the platform user (required). */
  userId?: string;
  /** Organization signers: the enterprise (required). */
  enterpriseId?: string;
  /** Organization signers: the designated seal operator. */
  operator?: string;
  /** Organization signers: the seal to use. */
  seal?: string;
  /** Mobile number or e-mail for the invitation. */
  account?: string;
  /** Template role this signer fills. */
  role?: string;
  /** Sequential contracts: the step (default: the signer's position, so each signs after the previous one). */
  step?: number;
  /** One method, a preference list (face first, SMS as fallback), or a whole policy. */
  willingness?: WillingnessOption | WillingnessOption[] | Partial<WillingnessPolicy>;
  handwriting?: WillingnessPolicy['handwriting'];
  fields?: FieldInput[];
}

/** Everything a contract is created with except its files. */
export interface ContractInputBase {
  title: string;
  signers: SignerInput[];
  order?: SigningOrder;
  deadline?: Date;
  expiresAt?: Date;
  labels?: string[];
  /** Idempotency key with the app id: creating again returns the same contract. */
  bizNo?: string;
  /** Default true; false waits for an explicit {@link ContractService.finish}. */
  autoFinish?: boolean;
  level?: PadesLevel;
  certify?: 1 | 2 | 3;
  /** Send right away (default false: the contract stays a draft). */
  send?: boolean;
  /** For the evidence page: the sender's display name and account, and the enterprise's name. */
  senderName?: string;
  senderAccount?: string;
  enterpriseName?: string;
}

/** Input of {@link ContractService.create}. */
export interface CreateContractInput extends ContractInputBase {
  files: { name: string; pdf: Uint8Array }[];
}

/** Input of {@link ContractService.createFromTemplate}: one template or a bundle, and its variables. */
export interface CreateFromTemplateInput extends ContractInputBase {
  templateId?: string;
  bundleId?: string;
  vars: Record<string, unknown>;
}

const FIELD_KINDS: readonly FieldKind[] = ['signature', 'seal', 'date', 'text'];

/** A link handed to a signer. The token is shown once, here and in the invitation; only its hash is stored. */
export interface LinkDelivery {
  signerId: string;
  token: string;
  url?: string;
  expiresAt: string;
  /** Whether the MessageSender accepted the invitation. */
  delivered: boolean;
}

/** Something a caller may do with a contract now (see {@link ContractService.actionsFor}). */
export type ContractAction = 'send' | 'remind' | 'sign' | 'stamp' | 'reject' | 'revoke' | 'invalidate' | 'extend' | 'finish' | 'download' | 'evidence';

/** Every {@link ContractAction}, in the order buttons show them. */
export const CONTRACT_ACTIONS: readonly ContractAction[] = ['send', 'remind', 'sign', 'stamp', 'reject', 'revoke', 'invalidate', 'extend', 'finish', 'download', 'evidence'];

/** The outcome of a change that may invite signers. */
export interface ContractResult {
  contract: ContractRecord;
  links: LinkDelivery[];
}

/** The outcome of a create: the contract, whether it is new (false: an earlier create with the same bizNo), and links when sent. */
export interface CreateResult extends ContractResult {
  created: boolean;
}

/** Input of {@link ContractService.sign}. */
export interface SignInput {
  /** Which signer (default: the one the actor may sign for now). */
  signerId?: string;
  /** The willingness proof from the identity module. */
  proofId?: string;
  /** Organization signers: the seal (default: the signer's designated seal). */
  seal?: string;
  handwriting?: Handwriting;
  /** Values of the signer's `text` fields, by field name (date fields are filled by Signet). */
  values?: Record<string, string>;
}

/** Input of {@link ContractService.signSilently}. */
export interface SilentSignInput {
  signerId?: string;
  seal?: string;
  /** The per-use authority, e.g. the OA approval that asked for the stamp. */
  authority?: ExternalApproval;
}

/** A document's bytes with its record. */
export interface DocumentBytes {
  document: ContractDocument;
  pdf: Uint8Array;
}

interface Access {
  /** Sender-side rights: send, revoke, extend, finish, labels. */
  manage: boolean;
  /** The signers the actor may act as. */
  signers: ContractSigner[];
  link?: SigningLinkRecord;
}

interface Step {
  next: ContractRecord;
  events: AuditDraft[];
  extra?: WriteOp[];
  deliveries?: Omit<LinkDelivery, 'delivered'>[];
}

const LEVEL_RANK: Record<PadesLevel, number> = { 'B-B': 0, 'B-T': 1, 'B-LT': 2, 'B-LTA': 3 };
const DAY = 86_400_000;
const serials = new WeakMap<KeySigner, string>();

function serialOf(signer: KeySigner): string {
  let s = serials.get(signer);
  if (!s) {
    s = parseCertificate(signer.certificate).serialHex;
    serials.set(signer, s);
  }
  return s;
}

function invalid(zh: string, en: string): SignetError {
  return new SignetError('INVALID_ARGUMENT', `${zh} ${en}`);
}

function fractionsOf(box: [number, number, number, number], rect: Rect): PageFractions {
  const [x1, y1, x2, y2] = box;
  const w = x2 - x1;
  const h = y2 - y1;
  const r = (v: number) => Math.round(v * 10_000) / 10_000;
  return { x: r((rect.x - x1) / w), y: r((y2 - (rect.y + rect.h)) / h), w: r(rect.w / w), h: r(rect.h / h) };
}

function normalisePolicy(input: SignerInput): WillingnessPolicy {
  const w = input.willingness;
  let methods: WillingnessOption[];
  let handwriting = input.handwriting;
  if (w === undefined) methods = [...DEFAULT_WILLINGNESS_POLICY.methods];
  else if (typeof w === 'string') methods = [w];
  else if (Array.isArray(w)) methods = [...w];
  else {
    methods = w.methods ? [...w.methods] : [...DEFAULT_WILLINGNESS_POLICY.methods];
    handwriting ??= w.handwriting;
  }
  methods = [...new Set(methods)];
  if (methods.length === 0 || methods.some((m) => !WILLINGNESS_OPTIONS.includes(m))) {
    throw invalid('意愿认证方式无效。', `Willingness methods must be a non-empty list of ${WILLINGNESS_OPTIONS.join(', ')}.`);
  }
  handwriting ??= DEFAULT_WILLINGNESS_POLICY.handwriting;
  if (!['required', 'forbidden', 'optional'].includes(handwriting)) throw invalid('手写签名要求无效。', 'handwriting must be required, forbidden or optional.');
  return { methods, handwriting };
}

/** The contract service. */
export class ContractService {
  private readonly col: WorkflowCollections;
  private readonly maxAttempts: number;
  private readonly appearanceFor: AppearanceFactory;
  private readonly defaultLevel: PadesLevel;

  constructor(private readonly deps: ContractServiceDeps) {
    this.col = deps.collections;
    this.maxAttempts = deps.maxAttempts ?? 8;
    this.appearanceFor = deps.appearanceFor ?? defaultAppearanceFor;
    this.defaultLevel = deps.level ?? (deps.timestamper ? (deps.validationData ? 'B-LT' : 'B-T') : 'B-B');
  }

  // ---------------------------------------------------------------- loading, rights, saving

  private async load(id: string): Promise<ContractRecord> {
    const c = typeof id === 'string' ? await this.col.contracts.get(id) : undefined;
    if (!c) throw notFound('Contract 合同', String(id));
    return c;
  }

  /** True when a member may operate an organization signer's seal (designated operator, seal admin, or a grant). */
  private async canOperate(actor: Actor, s: ContractSigner): Promise<boolean> {
    if (actor.kind !== 'member' || actor.enterpriseId !== s.enterpriseId) return false;
    if (s.operator) return s.operator === actor.userId || hasRoleAtLeast(actor, 'seal_admin');
    if (hasRoleAtLeast(actor, 'seal_admin')) return true;
    const now = this.deps.clock.now();
    const grants = await this.col.grants.find('member', memberKey(actor.enterpriseId, actor.userId));
    return grants.some((g) => isGrantActive(g, now) && (!s.seal || g.seal === s.seal));
  }

  /**
   * What the actor may do with the contract. Another tenant's contract (or one the actor is no party
   * to) is NOT_FOUND; a contract of the actor's own enterprise it has no rights on is FORBIDDEN.
   * `sign` lets every member of an organization signer try, so that a missing grant is SEAL_NOT_GRANTED.
   * `view` (details, history, preview, download, evidence) also lets a signing link that was used
   * to sign or reject in; `act` and `sign` need a link that is still unused.
   */
  private async access(actor: Actor, c: ContractRecord, purpose: 'view' | 'act' | 'sign' = 'act'): Promise<Access> {
    const sent = c.state !== 'draft';
    switch (actor.kind) {
      case 'system':
        return { manage: true, signers: [] };
      case 'app': {
        const manage = c.tenant === actor.enterpriseId;
        const signers = sent ? c.signers.filter((s) => s.kind === 'organization' && s.enterpriseId === actor.enterpriseId) : [];
        if (!manage && signers.length === 0) throw notFound('Contract 合同', c.id);
        return { manage, signers };
      }
      case 'person': {
        const signers = sent ? c.signers.filter((s) => s.kind === 'person' && s.userId === actor.userId) : [];
        if (signers.length === 0) throw notFound('Contract 合同', c.id);
        return { manage: false, signers };
      }
      case 'link': {
        const link = actor.contractId === c.id ? await this.col.links.get(actor.linkId) : undefined;
        const signer = c.signers.find((s) => s.id === actor.signerId);
        if (!link || link.contractId !== c.id || link.signerId !== actor.signerId || !signer) throw notFound('Contract 合同', c.id);
        this.checkLink(link, { allowUsed: purpose === 'view' });
        return { manage: false, signers: [signer], link };
      }
      case 'member': {
        const manage = c.tenant === actor.enterpriseId && (c.sender.userId === actor.userId || hasRoleAtLeast(actor, 'system_admin'));
        const persons = sent ? c.signers.filter((s) => s.kind === 'person' && s.userId === actor.userId) : [];
        const orgs = sent ? c.signers.filter((s) => s.kind === 'organization' && s.enterpriseId === actor.enterpriseId) : [];
        const operable: ContractSigner[] = [];
        for (const s of orgs) if (await this.canOperate(actor, s)) operable.push(s);
        if (manage || persons.length || operable.length) return { manage, signers: [...persons, ...(purpose === 'sign' ? orgs : operable)] };
        if (purpose === 'sign' && orgs.length) return { manage, signers: orgs };
        if (c.tenant === actor.enterpriseId || orgs.length) {
          throw forbidden('你不是此合同的发起方或签署方。', `You are neither the sender nor a signer of contract ${c.id}; ask its sender or an administrator.`);
        }
        throw notFound('Contract 合同', c.id);
      }
    }
  }

  private requireManage(access: Access, c: ContractRecord): void {
    if (!access.manage) {
      throw forbidden('只有发起方或企业管理员可以这样做。', `Only the sender of contract ${c.id} or an administrator of its enterprise can do this.`);
    }
  }

  /**
   * Throws LINK_USED, LINK_EXPIRED or LINK_REVOKED when a link can no longer be used. A link revoked
   * because its time ran out (the expiry job) counts as expired. With `allowUsed`, a link that was
   * used to sign or reject still passes until it expires: its holder may still see the contract's
   * status and download the completed PDF.
   */
  checkLink(link: SigningLinkRecord, opts: { allowUsed?: boolean } = {}): void {
    if (link.usedAt && !opts.allowUsed) throw new SignetError('LINK_USED', '此签署链接已使用，请登录查看合同或联系发起方。This signing link was already used; sign in to see the contract, or ask the sender for a new link.');
    const expiresAt = Date.parse(link.expiresAt);
    const expired = expiresAt <= this.deps.clock.now().getTime();
    if (link.revokedAt && !(expired && Date.parse(link.revokedAt) >= expiresAt)) {
      throw new SignetError('LINK_REVOKED', '此签署链接已失效，请使用最新的链接或联系发起方。This signing link was revoked; use the newest link, or ask the sender.');
    }
    if (expired) throw new SignetError('LINK_EXPIRED', '此签署链接已过期，请联系发起方重新发送。This signing link has expired; ask the sender to send the contract again.');
  }

  /** Saves `step` over `prev` (one atomic batch with the audit events), then publishes the domain events. */
  private async commit(prev: ContractRecord | undefined, step: Step, now: Date): Promise<ContractRecord> {
    const { head, records } = chainEvents(step.next.id, prev?.audit ?? EMPTY_HEAD, step.events, now);
    const rec: ContractRecord = { ...step.next, audit: head };
    const ops: WriteOp[] = [
      prev ? writeOp.update(this.col.contracts, rec, prev.version) : writeOp.insert(this.col.contracts, rec),
      ...records.map((r) => writeOp.insert(this.col.audit, r)),
      ...(step.extra ?? []),
    ];
    const stored = (await this.col.store.transact(ops))[0] as ContractRecord;
    const extra = { tenant: stored.tenant, state: stored.state, kind: stored.kind, appId: stored.appId, bizNo: stored.bizNo };
    for (const e of domainEventsOf(records, extra)) await this.deps.events?.publish(e).catch(() => undefined);
    return stored;
  }

  /**
   * Loads the contract, asks `fn` for the change, and saves it; on VERSION_CONFLICT (another writer
   * saved first) it reloads and asks again, up to `maxAttempts` times. `fn` returning undefined
   * means nothing to save.
   */
  private async mutate(id: string, fn: (c: ContractRecord, attempt: number) => Promise<Step | undefined>): Promise<{ contract: ContractRecord; links: LinkDelivery[] }> {
    for (let attempt = 1; ; attempt++) {
      const c = await this.load(id);
      const step = await fn(c, attempt);
      if (!step) return { contract: c, links: [] };
      let stored: ContractRecord;
      try {
        stored = await this.commit(c, step, this.deps.clock.now());
      } catch (e) {
        if (!isSignetError(e, 'VERSION_CONFLICT') || attempt >= this.maxAttempts) throw e;
        continue;
      }
      // The change is saved: what follows never fails the caller's request.
      const links = await this.deliver(stored, step.deliveries ?? []);
      // An agreement left unsettled here is settled by runDueJobs().
      await this.afterChange(stored).catch(() => undefined);
      return { contract: stored, links };
    }
  }

  /** Applies a sequence of commands purely. */
  private apply(c: ContractRecord, commands: ContractCommand[], now: Date): { next: ContractRecord; events: AuditDraft[] } {
    let next = c;
    const events: AuditDraft[] = [];
    for (const cmd of commands) {
      const r = transition(next, cmd, now);
      next = r.contract;
      events.push(...r.events);
    }
    return { next, events };
  }

  // ---------------------------------------------------------------- links and invitations

  private linkExpiry(c: ContractRecord, now: Date): string {
    return c.deadline ?? new Date(now.getTime() + (this.deps.linkTtlMs ?? 30 * DAY)).toISOString();
  }

  /** New links for `signerIds` (revoking their older active links) as write ops, and what to deliver. */
  private async issueLinks(c: ContractRecord, signerIds: string[], now: Date): Promise<{ ops: WriteOp[]; deliveries: Omit<LinkDelivery, 'delivered'>[] }> {
    const ops: WriteOp[] = [];
    const deliveries: Omit<LinkDelivery, 'delivered'>[] = [];
    if (signerIds.length === 0) return { ops, deliveries };
    const existing = await this.col.links.find('contract', c.id);
    for (const old of existing) {
      if (signerIds.includes(old.signerId) && !old.usedAt && !old.revokedAt) ops.push(writeOp.update(this.col.links, { ...old, revokedAt: now.toISOString() }, old.version));
    }
    const expiresAt = this.linkExpiry(c, now);
    for (const signerId of signerIds) {
      const token = newLinkToken();
      ops.push(writeOp.insert(this.col.links, {
        id: this.deps.ids.next('lnk'),
        contractId: c.id,
        signerId,
        tokenHash: hashLinkToken(token),
        createdAt: now.toISOString(),
        expiresAt,
      }));
      deliveries.push({ signerId, token, url: this.deps.signingUrl?.(token), expiresAt });
    }
    return { ops, deliveries };
  }

  /** Revokes every active link of the contract (it ended), as write ops. */
  private async revokeLinks(c: ContractRecord, now: Date, except?: string): Promise<WriteOp[]> {
    const links = await this.col.links.find('contract', c.id);
    return links
      .filter((l) => l.id !== except && isLinkActive(l, now))
      .map((l) => writeOp.update(this.col.links, { ...l, revokedAt: now.toISOString() }, l.version));
  }

  /** Sends the invitations of a saved change; a failed delivery is reported, never undone. */
  private async deliver(c: ContractRecord, deliveries: Omit<LinkDelivery, 'delivered'>[]): Promise<LinkDelivery[]> {
    const out: LinkDelivery[] = [];
    for (const d of deliveries) {
      const signer = c.signers.find((s) => s.id === d.signerId)!;
      let delivered = false;
      if (signer.account && this.deps.messages) {
        try {
          await this.deps.messages.send({
            to: signer.account,
            template: 'sign-invite',
            params: { title: c.title, sender: c.sender.enterpriseName ?? c.sender.name ?? '', signer: signer.name, url: d.url ?? '', expiresAt: d.expiresAt },
          });
          delivered = true;
        } catch {
          delivered = false;
        }
      }
      out.push({ ...d, delivered });
    }
    return out;
  }

  /** Invitations for signers whose turn has come and who were not invited yet. */
  private async invitations(before: ContractRecord, next: ContractRecord, by: AuditActor, now: Date): Promise<{ commands: ContractCommand[]; ops: WriteOp[]; deliveries: Omit<LinkDelivery, 'delivered'>[] }> {
    const ids = next.state === 'signing' ? signersInTurn(next).filter((s) => !s.invitedAt).map((s) => s.id) : [];
    if (ids.length === 0) return { commands: [], ops: [], deliveries: [] };
    const { ops, deliveries } = await this.issueLinks(before, ids, now);
    return { commands: [{ type: 'invite', by, invite: ids }], ops, deliveries };
  }

  /** Links, by token: the actor a one-time signing link stands for. Throws NOT_FOUND, LINK_USED, LINK_REVOKED or LINK_EXPIRED. */
  async resolveLink(token: string): Promise<Extract<Actor, { kind: 'link' }>> {
    const link = typeof token === 'string' && token ? await this.col.links.getBy('token', hashLinkToken(token)) : undefined;
    if (!link) throw new SignetError('NOT_FOUND', '签署链接无效。The signing link is not valid; check that it was copied completely.');
    this.checkLink(link);
    return { kind: 'link', contractId: link.contractId, signerId: link.signerId, linkId: link.id };
  }

  // ---------------------------------------------------------------- create

  private tenantAndApp(actor: Actor): { tenant: string; appId: string } {
    const tenant = requireTenant(actor, '发起合同 create contracts');
    return { tenant, appId: actor.kind === 'app' ? actor.appId : 'console' };
  }

  private async existing(tenant: string, appId: string, bizNo: string | undefined): Promise<ContractRecord | undefined> {
    if (bizNo === undefined) return undefined;
    if (typeof bizNo !== 'string' || !bizNo.trim() || bizNo.length > 128) throw invalid('业务编号须为 1 到 128 个字符。', 'bizNo must be 1 to 128 characters.');
    return this.col.contracts.getBy('bizNo', `${tenant}\u0000${appId}\u0000${bizNo}`);
  }

  /**
   * Creates a contract from uploaded PDF file(s). Idempotent on `(appId, bizNo)`: creating again,
   * even concurrently, returns the one contract (`created: false`). Sends it when `send` is set.
   */
  async create(actor: Actor, input: CreateContractInput, ctx: RequestContext = {}): Promise<CreateResult> {
    const { tenant, appId } = this.tenantAndApp(actor);
    const found = await this.existing(tenant, appId, input?.bizNo);
    if (found) {
      await this.access(actor, found);
      return { contract: found, created: false, links: [] };
    }
    if (!Array.isArray(input.files) || input.files.length === 0 || input.files.length > 20) throw invalid('请上传 1 到 20 个 PDF 文件。', 'Give 1 to 20 PDF files.');
    const docs = input.files.map((f, i) => {
      if (!(f?.pdf instanceof Uint8Array)) throw invalid(`第 ${i + 1} 个文件不是 PDF。`, `files[${i}].pdf must be the PDF bytes.`);
      return { name: this.fileName(f.name, i), pdf: f.pdf, positions: [] as { signer: number; field: SignatureField }[] };
    });
    return this.createFrom(actor, tenant, appId, input, docs, undefined, ctx);
  }

  /**
   * Creates a contract from a template or a bundle (合同组合) filled with `vars`: every template's
   * signature and seal positions go to the signer with the same `role`. Idempotent like {@link create}.
   */
  async createFromTemplate(actor: Actor, input: CreateFromTemplateInput, ctx: RequestContext = {}): Promise<CreateResult> {
    const { tenant, appId } = this.tenantAndApp(actor);
    const found = await this.existing(tenant, appId, input?.bizNo);
    if (found) {
      await this.access(actor, found);
      return { contract: found, created: false, links: [] };
    }
    if (!this.deps.filler) throw invalid('未配置模板填充器。', 'No template filler is configured; creating from templates needs one.');
    if (!!input.templateId === !!input.bundleId) throw invalid('请指定模板或合同组合（二选一）。', 'Give either templateId or bundleId.');
    const bundle = input.bundleId ? await this.deps.templates.getBundle(actor, input.bundleId) : undefined;
    const templates: TemplateRecord[] = [];
    for (const id of bundle ? bundle.templateIds : [input.templateId!]) templates.push(await this.deps.templates.get(actor, id));
    const withPdfs = [];
    // fillBundle matches templates by id: a bundle lists record ids, so each definition goes in under its record's id.
    for (const t of templates) withPdfs.push({ template: bundle && typeof t.definition === 'object' && t.definition !== null ? { ...(t.definition as object), id: t.id } : t.definition, basePdf: await this.deps.blobs.get(t.basePdf) });
    const vars = input.vars ?? {};
    const opts = { font: this.deps.font };
    const filled = bundle && this.deps.filler.fillBundle
      ? await this.deps.filler.fillBundle({ id: bundle.id, name: bundle.name, templateIds: bundle.templateIds }, withPdfs, vars, opts)
      : await Promise.all(withPdfs.map((w) => this.deps.filler!.fillTemplate(w.template, w.basePdf, vars, opts)));
    const byRole = new Map<string, number>();
    (input.signers ?? []).forEach((s, i) => {
      if (s?.role) byRole.set(s.role, i);
    });
    const missing = new Set<string>();
    const docs = filled.map((f, i) => ({
      name: templates[i].name.endsWith('.pdf') ? templates[i].name : `${templates[i].name}.pdf`,
      pdf: f.pdf,
      positions: f.positions.flatMap((p) => {
        const signer = byRole.get(p.role);
        if (signer === undefined) {
          missing.add(p.role);
          return [];
        }
        return [{ signer, field: { doc: `d${i + 1}`, page: p.page, rect: p.rect, at: p.fractions, kind: p.kind } as SignatureField }];
      }),
    }));
    if (missing.size) throw invalid(`模板中的角色没有对应的签署方：${[...missing].join('、')}。`, `These template roles have no signer: ${[...missing].join(', ')}; give each signer its role.`);
    return this.createFrom(actor, tenant, appId, input, docs, { templateIds: templates.map((t) => t.id), ...(bundle ? { bundleId: bundle.id } : {}) }, ctx);
  }

  private fileName(name: unknown, i: number): string {
    const n = typeof name === 'string' ? name.trim() : '';
    if (!n || n.length > 200) throw invalid(`第 ${i + 1} 个文件缺少名称。`, `files[${i}].name must be 1 to 200 characters.`);
    return n;
  }

  private async createFrom(
    actor: Actor,
    tenant: string,
    appId: string,
    input: ContractInputBase,
    docs: { name: string; pdf: Uint8Array; positions: { signer: number; field: SignatureField }[] }[],
    template: ContractRecord['template'],
    ctx: RequestContext,
  ): Promise<CreateResult> {
    const now = this.deps.clock.now();
    const title = typeof input.title === 'string' ? input.title.trim() : '';
    if (!title || [...title].length > 200) throw invalid('合同名称须为 1 到 200 个字。', 'The title must be 1 to 200 characters.');
    const order: SigningOrder = input.order ?? 'sequential';
    if (order !== 'sequential' && order !== 'parallel') throw invalid('签署顺序须为 sequential 或 parallel。', 'order must be sequential or parallel.');
    const level = input.level ?? this.defaultLevel;
    if (LEVEL_RANK[level] === undefined) throw new SignetError('LEVEL_UNKNOWN', `Unknown PAdES level "${level}"; use B-B, B-T, B-LT or B-LTA.`);
    if (LEVEL_RANK[level] >= 1 && !this.deps.timestamper) throw invalid('未配置时间戳服务。', `Level ${level} needs a timestamper; configure one or use B-B.`);
    if (LEVEL_RANK[level] >= 2 && !this.deps.validationData) throw invalid('未配置验证数据。', `Level ${level} needs validation data; configure it or use B-T.`);
    if (input.certify !== undefined && ![1, 2, 3].includes(input.certify)) throw invalid('认证级别须为 1、2 或 3。', 'certify must be 1, 2 or 3.');
    const deadline = this.futureDate(input.deadline, 'deadline', now);
    const expiresAt = input.expiresAt === undefined ? undefined : this.validDate(input.expiresAt, 'expiresAt');
    if (!Array.isArray(input.signers) || input.signers.length === 0 || input.signers.length > 50) throw invalid('请指定 1 到 50 个签署方。', 'Give 1 to 50 signers.');

    // Read every file first: a bad PDF fails the create before anything is stored.
    const readers = docs.map((d) => {
      const reader = PdfReader.load(d.pdf);
      checkCanSign(reader, input.certify);
      return reader;
    });
    const signers: ContractSigner[] = [];
    for (let i = 0; i < input.signers.length; i++) {
      const s = this.signerOf(input.signers[i], i, order);
      s.fields = docs.flatMap((d) => d.positions.filter((p) => p.signer === i).map((p) => p.field));
      s.fields.push(...(await this.fieldsOf(input.signers[i], i, docs, readers)));
      // Word markers are for uploaded files; a template's fields already say where each role signs.
      if (!template) s.fields.push(...(await this.tagFields(input.signers[i], input.signers, docs, s.fields)));
      for (const f of s.fields) {
        const r = readers[Number(f.doc.slice(1)) - 1];
        if (f.page < 1 || f.page > r.pageCount()) throw new SignetError('PDF_PAGE_OUT_OF_RANGE', `Signer ${i + 1}: page ${f.page} does not exist; the document has ${r.pageCount()} page(s).`);
        if (f.rect) {
          const box = assertRectOnPage(r, f.page - 1, f.rect);
          f.at ??= fractionsOf(r.getPage(f.page - 1).cropBox ?? box, f.rect);
        }
      }
      signers.push(s);
    }
    const prepared = this.withTextFields(docs, readers, signers);
    const documents: ContractDocument[] = [];
    for (let i = 0; i < docs.length; i++) {
      const blob = await this.deps.blobs.put(docs[i].pdf);
      const current = prepared[i] === docs[i].pdf ? blob : await this.deps.blobs.put(prepared[i]);
      documents.push({ id: `d${i + 1}`, name: docs[i].name, original: blob, current, pages: readers[i].pageCount(), signatures: 0 });
    }
    const labels = normaliseLabels(input.labels ?? []);
    const contract: ContractRecord = {
      id: this.deps.ids.next('ct'),
      version: 0,
      tenant,
      kind: 'contract',
      title,
      appId,
      ...(input.bizNo !== undefined ? { bizNo: input.bizNo } : {}),
      sender: {
        ...(actor.kind === 'member' ? { userId: actor.userId } : {}),
        ...(actor.kind === 'app' ? { appId: actor.appId } : {}),
        ...(input.senderName ? { name: String(input.senderName).slice(0, 100) } : {}),
        ...(input.senderAccount ? { account: maskAccount(String(input.senderAccount)) } : {}),
        ...(input.enterpriseName ? { enterpriseName: String(input.enterpriseName).slice(0, 100) } : {}),
        ...(ctx.ip ? { ip: ctx.ip } : {}),
      },
      state: 'draft',
      order,
      autoFinish: input.autoFinish ?? true,
      level,
      ...(input.certify ? { certify: input.certify } : {}),
      documents,
      signers,
      labels,
      ...(deadline ? { deadline } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      createdAt: now.toISOString(),
      ...(template ? { template } : {}),
      audit: EMPTY_HEAD,
    };
    const by = auditActorOf(actor, ctx);
    const events: AuditDraft[] = [{
      type: 'contract.created',
      actor: by,
      data: { title, bizNo: input.bizNo, documents: documents.map((d) => ({ id: d.id, name: d.name, sha256: d.original, pages: d.pages })), signers: signers.length, template },
    }];
    // Sent at once: the send, its links and its events go into the same atomic write as the create.
    let step: Step = { next: contract, events };
    if (input.send) {
      const first = signersInTurn({ ...contract, state: 'signing' }).map((s) => s.id);
      const { ops, deliveries } = await this.issueLinks(contract, first, now);
      const sent = this.apply(contract, [{ type: 'send', by, invite: first }], now);
      step = { next: sent.next, events: [...events, ...sent.events], extra: ops, deliveries };
    }
    let stored: ContractRecord;
    try {
      stored = await this.commit(undefined, step, now);
    } catch (e) {
      if (isSignetError(e, 'DUPLICATE') && e.details?.unique === 'bizNo') {
        const winner = await this.existing(tenant, appId, input.bizNo);
        if (winner) return { contract: winner, created: false, links: [] };
      }
      throw e;
    }
    return { contract: stored, created: true, links: await this.deliver(stored, step.deliveries ?? []) };
  }

  private validDate(d: unknown, name: string): string {
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw invalid(`${name} 不是有效时间。`, `${name} must be a valid date.`);
    return d.toISOString();
  }

  private futureDate(d: Date | undefined, name: string, now: Date): string | undefined {
    if (d === undefined) return undefined;
    const iso = this.validDate(d, name);
    if (d.getTime() <= now.getTime()) throw invalid(`${name} 必须晚于现在。`, `${name} must be after now.`);
    return iso;
  }

  private signerOf(input: SignerInput, i: number, order: SigningOrder): ContractSigner {
    const where = `signers[${i}]`;
    if (!input || (input.kind !== 'person' && input.kind !== 'organization')) throw invalid(`第 ${i + 1} 个签署方类型无效。`, `${where}.kind must be person or organization.`);
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name || [...name].length > 100) throw invalid(`第 ${i + 1} 个签署方缺少名称。`, `${where}.name must be 1 to 100 characters.`);
    if (input.kind === 'person' && (typeof input.userId !== 'string' || !input.userId)) throw invalid(`个人签署方「${name}」缺少用户。`, `${where}.userId is required for a person signer.`);
    if (input.kind === 'organization' && (typeof input.enterpriseId !== 'string' || !input.enterpriseId)) throw invalid(`企业签署方「${name}」缺少企业。`, `${where}.enterpriseId is required for an organization signer.`);
    const step = order === 'parallel' ? 1 : input.step ?? i + 1;
    if (!Number.isInteger(step) || step < 1) throw invalid(`第 ${i + 1} 个签署方的顺序无效。`, `${where}.step must be a positive integer.`);
    return {
      id: `s${i + 1}`,
      kind: input.kind,
      name,
      ...(input.kind === 'person' ? { userId: input.userId } : { enterpriseId: input.enterpriseId }),
      ...(input.kind === 'organization' && input.operator ? { operator: input.operator } : {}),
      ...(input.kind === 'organization' && input.seal ? { seal: input.seal } : {}),
      ...(input.account ? { account: String(input.account).slice(0, 100) } : {}),
      ...(input.role ? { role: input.role } : {}),
      step,
      state: 'unread',
      willingness: normalisePolicy(input),
      fields: [],
    };
  }

  /**
   * The fields a signer with a `role` gets from the Word add-in's markers: every `signet:sign:<role>`
   * (a signature, 150 × 60 pt) and `signet:seal:<role>` (a seal, 113 × 113 pt, 40 mm) found in the
   * text of each document where the signer has no other field (given ones, or a template's), placed
   * at the marker like an anchor field. A place where another signer's longer role matches
   * (`partyA` inside `signet:sign:partyAB`) is skipped. Signers without a role pay no text search.
   */
  private async tagFields(input: SignerInput, all: SignerInput[], docs: { pdf: Uint8Array }[], given: SignatureField[], index = all.indexOf(input)): Promise<SignatureField[]> {
    const role = input?.role;
    if (!role || !this.deps.anchors) return [];
    const placed = new Set(given.map((f) => f.doc));
    const longer = [...new Set(all.map((x) => x?.role).filter((r): r is string => !!r && r !== role && r.startsWith(role)))];
    const out: SignatureField[] = [];
    const key = (f: { doc: string; page: number; rect?: Rect }) => `${f.doc}|${f.page}|${Math.round(f.rect?.x ?? -1)}|${Math.round(f.rect?.y ?? -1)}`;
    const taken = new Set(given.map(key));
    for (const [i, d] of docs.entries()) {
      const doc = `d${i + 1}`;
      if (placed.has(doc)) continue;
      let dates = 0;
      for (const tag of ['sign', 'seal', 'date'] as const) {
        const text = `signet:${tag}:${role}`;
        const size = tag === 'seal' ? { width: 113, height: 113 } : tag === 'date' ? { width: 100, height: 20 } : { width: 150, height: 60 };
        const hits = await this.deps.anchors.locate(d.pdf, { text, occurrence: 'all', ...size });
        if (hits.length === 0) continue;
        const shadowed = new Set<string>();
        for (const r of longer) for (const h of await this.deps.anchors.locate(d.pdf, { text: `signet:${tag}:${r}`, occurrence: 'all', ...size })) shadowed.add(key({ doc, ...h }));
        for (const h of hits) {
          const f: SignatureField = tag === 'date'
            ? { doc, page: h.page, rect: h.rect, kind: 'date', name: `Signet-s${index + 1}-${doc}-mdate${++dates}`, label: '签署日期 Date' }
            : { doc, page: h.page, rect: h.rect, kind: tag === 'seal' ? 'seal' : 'signature' };
          if (shadowed.has(key(f)) || taken.has(key(f))) continue;
          taken.add(key(f));
          out.push(f);
        }
      }
    }
    return out;
  }

  private async fieldsOf(input: SignerInput, i: number, docs: { pdf: Uint8Array }[], readers: PdfReader[]): Promise<SignatureField[]> {
    const out: SignatureField[] = [];
    const kind = input.kind === 'organization' ? 'seal' : 'signature';
    const counts = [0, 0];
    for (const [j, f] of (input.fields ?? []).entries()) {
      const where = `signers[${i}].fields[${j}]`;
      const file = f.file ?? 0;
      if (!Number.isInteger(file) || file < 0 || file >= docs.length) throw invalid(`签署位置指向不存在的文件。`, `${where}.file must be a file index from 0 to ${docs.length - 1}.`);
      const doc = `d${file + 1}`;
      const fk: FieldKind = f.kind ?? kind;
      if (!(FIELD_KINDS as readonly string[]).includes(fk)) throw invalid('字段类型无效。', `${where}.kind must be signature, seal, date or text.`);
      const extra = (): Partial<SignatureField> => {
        if (isSignatureField({ kind: fk })) return {};
        const label = 'label' in f && typeof f.label === 'string' ? f.label.trim().slice(0, 50) : '';
        if ('required' in f && f.required !== undefined && typeof f.required !== 'boolean') throw invalid('字段的 required 须为布尔值。', `${where}.required must be true or false.`);
        const n = ++counts[fk === 'date' ? 0 : 1];
        return { name: `Signet-s${i + 1}-${fk}${n}`, ...(label ? { label } : {}), ...(fk === 'text' ? { required: !('required' in f) || f.required !== false } : {}) };
      };
      if ('anchor' in f) {
        if (!this.deps.anchors) throw invalid('未配置关键字定位。', `${where}: anchor fields need a text locator; give page and rect instead.`);
        const hits = await this.deps.anchors.locate(docs[file].pdf, f.anchor);
        if (hits.length === 0) throw invalid(`找不到定位文字「${f.anchor.text}」。`, `${where}: the anchor text "${f.anchor.text}" is not in file ${file}.`);
        for (const h of hits) out.push({ doc, page: h.page, rect: h.rect, kind: fk, ...extra() });
      } else if ('invisible' in f) {
        if (!isSignatureField({ kind: fk })) throw invalid('日期和文本字段须有位置。', `${where}: a ${fk} field needs a page and a rect; only signatures may be invisible.`);
        out.push({ doc, page: 1, kind: fk });
      } else {
        const r = f.rect;
        if (!Number.isInteger(f.page) || !r || ![r.x, r.y, r.w, r.h].every(Number.isFinite)) throw invalid('签署位置无效。', `${where} needs an integer page and a rect {x, y, w, h} in points.`);
        if (readers[file].pageCount() < f.page || f.page < 1) throw new SignetError('PDF_PAGE_OUT_OF_RANGE', `${where}: page ${f.page} does not exist; file ${file} has ${readers[file].pageCount()} page(s).`);
        out.push({ doc, page: f.page, rect: { x: r.x, y: r.y, w: r.w, h: r.h }, kind: fk, ...extra() });
      }
    }
    return out;
  }

  /**
   * The files as the contract keeps them: a document with date or text fields gets them as empty,
   * read-only form fields in one unsigned revision, so that each signer later only fills them (a
   * form fill every validator allows after a signature) in their own signed revision.
   */
  private withTextFields(docs: { pdf: Uint8Array }[], readers: PdfReader[], signers: ContractSigner[]): Uint8Array[] {
    return docs.map((d, i) => {
      const specs = signers.flatMap((s) => s.fields.filter((f) => f.doc === `d${i + 1}` && !isSignatureField(f) && f.rect && f.name)
        .map((f) => ({ name: f.name!, label: f.label, pageIndex: f.page - 1, rect: f.rect! })));
      if (specs.length === 0) return d.pdf;
      const writer = new IncrementalWriter(readers[i]);
      addTextFields(readers[i], writer, specs);
      return writer.write().bytes;
    });
  }

  /**
   * The values a signer's date and text fields get: the signing date (China Standard Time) for
   * dates, the signer's input for texts. Throws INVALID_ARGUMENT, before anything is spent, for an
   * unknown field, a missing required text or a value that is too long.
   */
  private fieldValues(signer: ContractSigner, given: Record<string, string> | undefined, now: Date, datesOnly = false): Record<string, string> {
    const inputs = signer.fields.filter((f) => !isSignatureField(f) && f.name && (!datesOnly || f.kind === 'date'));
    const out: Record<string, string> = {};
    if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) throw invalid('填写的字段值格式无效。', 'values must be an object of field name to text.');
    const texts = new Map(inputs.filter((f) => f.kind === 'text').map((f) => [f.name!, f]));
    for (const [k, v] of Object.entries(given ?? {})) {
      if (!texts.has(k)) throw invalid(`没有需要你填写的字段「${k}」。`, `values.${k}: this signer has no text field of that name; fill only ${[...texts.keys()].join(', ') || 'nothing'}.`);
      if (typeof v !== 'string') throw invalid(`字段「${texts.get(k)!.label ?? k}」须为文字。`, `values.${k} must be a string.`);
      const t = v.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
      if ([...t].length > 200) throw invalid(`字段「${texts.get(k)!.label ?? k}」最多 200 个字。`, `values.${k} must be at most 200 characters.`);
      if (t) out[k] = t;
    }
    const missing = [...texts.values()].filter((f) => f.required !== false && !out[f.name!]);
    if (missing.length) {
      const names = missing.map((f) => f.label ?? f.name!);
      throw new SignetError('INVALID_ARGUMENT', `请填写：${names.join('、')}。Fill in ${names.join(', ')} before signing.`, { fields: missing.map((f) => f.name) });
    }
    const cst = new Date(now.getTime() + 8 * 3600_000);
    const date = `${cst.getUTCFullYear()}-${String(cst.getUTCMonth() + 1).padStart(2, '0')}-${String(cst.getUTCDate()).padStart(2, '0')}`;
    for (const f of inputs) if (f.kind === 'date') out[f.name!] = date;
    return out;
  }

  // ---------------------------------------------------------------- send, view, preview, download

  /** Sends a draft: the contract starts signing, and the signers whose turn it is get links and invitations. */
  async send(actor: Actor, contractId: string, ctx: RequestContext = {}): Promise<ContractResult> {
    const now = this.deps.clock.now();
    return this.mutate(contractId, async (c) => {
      this.requireManage(await this.access(actor, c), c);
      requireState(c, 'send', ['draft']);
      const by = auditActorOf(actor, ctx);
      const first = signersInTurn({ ...c, state: 'signing' }).map((s) => s.id);
      const { ops, deliveries } = await this.issueLinks(c, first, now);
      const { next, events } = this.apply(c, [{ type: 'send', by, invite: first }], now);
      return { next, events, extra: ops, deliveries };
    });
  }

  /** Sends fresh links to the signers whose turn it is (or one of them), revoking their older links. */
  async remind(actor: Actor, contractId: string, signerId?: string, ctx: RequestContext = {}): Promise<ContractResult> {
    const now = this.deps.clock.now();
    return this.mutate(contractId, async (c) => {
      this.requireManage(await this.access(actor, c), c);
      requireState(c, 'invite', ['signing']);
      const ids = signersInTurn(c).map((s) => s.id).filter((id) => !signerId || id === signerId);
      if (signerId && ids.length === 0) {
        const s = c.signers.find((x) => x.id === signerId);
        if (!s) throw notFound('Signer 签署方', signerId);
        requireTurn(c, s, now);
      }
      const { ops, deliveries } = await this.issueLinks(c, ids, now);
      const { next, events } = this.apply(c, [{ type: 'invite', by: auditActorOf(actor, ctx), invite: ids }], now);
      return { next, events, extra: ops, deliveries };
    });
  }

  /** The contract, for its parties. A signer opening it for the first time is marked read; every view is audited. */
  async view(actor: Actor, contractId: string, ctx: RequestContext = {}): Promise<ContractRecord> {
    return (await this.viewAs(actor, contractId, 'detail', undefined, ctx)).contract;
  }

  private async viewAs(actor: Actor, contractId: string, what: ViewKind, doc: string | undefined, ctx: RequestContext): Promise<{ contract: ContractRecord }> {
    const now = this.deps.clock.now();
    return this.mutate(contractId, async (c) => {
      const access = await this.access(actor, c, 'view');
      const by = auditActorOf(actor, ctx);
      const commands: ContractCommand[] = [];
      const unread = access.signers.find((s) => s.state === 'unread' && c.state === 'signing' && signersInTurn(c).some((t) => t.id === s.id));
      if (unread) commands.push({ type: 'read', by, signerId: unread.id });
      if (what !== 'detail' || !unread) commands.push({ type: 'view', by, what, ...(doc ? { doc } : {}) });
      return this.apply(c, commands, now);
    });
  }

  private pickDocument(c: ContractRecord, docId?: string): ContractDocument {
    const d = docId ? c.documents.find((x) => x.id === docId) : c.documents[0];
    if (!d) throw notFound('Document 文件', String(docId));
    return d;
  }

  /** The current PDF of one document (default the first), for the parties, at any stage. Audited. */
  async preview(actor: Actor, contractId: string, docId?: string, ctx: RequestContext = {}): Promise<DocumentBytes> {
    const c0 = await this.load(contractId);
    await this.access(actor, c0, 'view');
    const document = this.pickDocument(c0, docId);
    const { contract } = await this.viewAs(actor, contractId, 'preview', document.id, ctx);
    const d = this.pickDocument(contract, document.id);
    return { document: d, pdf: await this.deps.blobs.get(d.current) };
  }

  /** The completed PDF of one document (default the first), for the parties only. NOT_COMPLETED before completion. Audited. */
  async download(actor: Actor, contractId: string, docId?: string, ctx: RequestContext = {}): Promise<DocumentBytes> {
    const c0 = await this.load(contractId);
    await this.access(actor, c0, 'view');
    const document = this.pickDocument(c0, docId);
    const { contract } = await this.viewAs(actor, contractId, 'download', document.id, ctx);
    const d = this.pickDocument(contract, document.id);
    return { document: d, pdf: await this.deps.blobs.get(d.current) };
  }

  /** The contract's audit events in chain order, for its parties. */
  async history(actor: Actor, contractId: string): Promise<AuditEvent[]> {
    const c = await this.load(contractId);
    await this.access(actor, c, 'view');
    return this.auditOf(c.id);
  }

  private async auditOf(contractId: string): Promise<AuditEvent[]> {
    return (await this.col.audit.find('subject', contractId)).map(({ id: _id, version: _v, ...e }) => e);
  }

  /** The evidence data for the evidence page and package (any state but draft), for the parties. Audited. */
  async evidence(actor: Actor, contractId: string, ctx: RequestContext = {}): Promise<ContractEvidenceData> {
    const c0 = await this.load(contractId);
    await this.access(actor, c0, 'view');
    if (c0.state === 'draft') requireState(c0, 'view', ['signing', 'completed', 'rejected', 'revoked', 'expired', 'invalidated'], 'A draft has no evidence yet.');
    const { contract } = await this.viewAs(actor, contractId, 'evidence', undefined, ctx);
    return evidenceDataOf(contract, await this.auditOf(contract.id), this.deps.platform ?? 'Signet 签约平台');
  }

  /**
   * The contract, when `actor` may see it (NOT_FOUND for another tenant or a non-party, FORBIDDEN
   * inside the own tenant), read without an audit event: for checks made before a view or an
   * action, never to show the contract (use {@link view}, which is audited).
   */
  async visible(actor: Actor, contractId: string): Promise<ContractRecord> {
    const c = await this.load(contractId);
    await this.access(actor, c, 'view');
    return c;
  }

  /**
   * What `actor` may do with `contract` now, as buttons show it: the sender side's send, remind,
   * revoke, extend and finish; a signer's sign (or an app's silent stamp) and reject when it is their
   * turn; invalidate, download and the evidence package once completed. Empty for someone who may
   * not see it.
   * Reads only; nothing is audited.
   */
  async actionsFor(actor: Actor, contract: ContractRecord): Promise<ContractAction[]> {
    let access: Access;
    try {
      access = await this.access(actor, contract, 'view');
    } catch {
      return [];
    }
    const c = contract;
    const out: ContractAction[] = [];
    const add = (a: ContractAction, when: boolean) => {
      if (when && !out.includes(a)) out.push(a);
    };
    const now = this.deps.clock.now().getTime();
    const live = c.state === 'signing' && (!c.deadline || Date.parse(c.deadline) > now) && !access.link?.usedAt;
    const turn = new Set(signersInTurn(c).map((s) => s.id));
    const open = c.state === 'draft' || c.state === 'signing';
    add('send', access.manage && c.state === 'draft');
    add('remind', access.manage && c.state === 'signing');
    for (const s of access.signers) {
      if (!live || !turn.has(s.id)) continue;
      if (actor.kind === 'app') {
        add('stamp', s.kind === 'organization');
        continue;
      }
      let canSign = true;
      try {
        this.operatorOf(actor, s);
      } catch {
        canSign = false;
      }
      add('sign', canSign);
      add('reject', actor.kind !== 'system');
    }
    add('revoke', access.manage && open);
    add('extend', access.manage && open);
    add('finish', access.manage && c.state === 'signing' && !c.autoFinish && allSigned(c));
    add('invalidate', !access.link && (access.manage || access.signers.length > 0) && c.state === 'completed' && c.kind === 'contract' && !c.invalidation);
    add('download', c.state === 'completed' || c.state === 'invalidated');
    add('evidence', !access.link && (c.state === 'completed' || c.state === 'invalidated'));
    return out;
  }

  /**
   * The signer `actor` would sign as now, and the user whose willingness check (意愿认证) counts for
   * it: the person, or the member operating an organization's seal. For starting a willingness
   * check before {@link sign}; throws what sign would throw for state, turn, rights and (for a
   * member operating a seal) a missing grant (SEAL_NOT_GRANTED). Not audited.
   */
  async signerFor(actor: Actor, contractId: string, signerId?: string): Promise<{ contract: ContractRecord; signer: ContractSigner; userId: string }> {
    const c = await this.load(contractId);
    const access = await this.access(actor, c, 'sign');
    const signer = this.pickSigner(access, c, signerId);
    requireState(c, 'sign', ['signing']);
    requireTurn(c, signer, this.deps.clock.now());
    const userId = this.operatorOf(actor, signer);
    if (signer.kind === 'organization' && actor.kind === 'member' && !(await this.canOperate(actor, signer))) {
      throw new SignetError('SEAL_NOT_GRANTED', `你没有此签署方可用印章的使用授权，请联系印章管理员。You hold no grant for a seal signer ${signer.id} may use; ask a seal admin of your enterprise for one.`);
    }
    return { contract: c, signer, userId };
  }

  // ---------------------------------------------------------------- signing

  /** The user who signs for `signer` when `actor` signs: the person, or the member operating the seal. */
  private operatorOf(actor: Actor, signer: ContractSigner): string {
    if (signer.kind === 'person') return signer.userId!;
    if (actor.kind === 'member') {
      if (signer.operator && signer.operator !== actor.userId) {
        throw forbidden('此签署方已指定其他经办人。', `Signer ${signer.id} is operated by a designated member; only that member can sign for it.`);
      }
      return actor.userId;
    }
    if (actor.kind === 'link' && signer.operator) return signer.operator;
    throw invalid('企业签署须由经办成员操作或静默签署。', `Organization signer ${signer.id} signs through a member holding a seal grant, or silently under a standing authorization.`);
  }

  private pickSigner(access: Access, c: ContractRecord, signerId: string | undefined): ContractSigner {
    if (signerId) {
      const s = access.signers.find((x) => x.id === signerId);
      if (s) return s;
      if (c.signers.some((x) => x.id === signerId)) throw forbidden('你不能代表此签署方签署。', `You cannot act as signer ${signerId} of contract ${c.id}.`);
      throw notFound('Signer 签署方', signerId);
    }
    const turn = new Set(signersInTurn(c).map((s) => s.id));
    const s = access.signers.find((x) => turn.has(x.id)) ?? access.signers.find((x) => x.state === 'unread' || x.state === 'read') ?? access.signers[0];
    if (!s) throw forbidden('你不是此合同的签署方。', `You are not a signer of contract ${c.id}.`);
    return s;
  }

  /** Finds the seal an organization signer signs with, checking it is the enterprise's and enabled. */
  private async sealFor(c: ContractRecord, signer: ContractSigner, requested: string | undefined): Promise<SealRecord> {
    if (requested && signer.seal && requested !== signer.seal) {
      throw invalid('此签署方须使用指定印章。', `Signer ${signer.id} must sign with seal ${signer.seal}; omit seal or pass that one.`);
    }
    const id = requested ?? signer.seal;
    if (!id) throw invalid('请选择印章。', `Signer ${signer.id} is an organization: give the seal to stamp with.`);
    const seal = await this.col.seals.get(id);
    if (!seal || seal.tenant !== signer.enterpriseId) throw notFound('Seal 印章', id);
    if (!seal.enabled) {
      await this.recordRefusal(c, seal, signer, 'SEAL_DISABLED');
      throw new SignetError('SEAL_DISABLED', `印章「${seal.name}」已停用，请联系印章管理员启用或换用其他印章。Seal ${seal.id} is disabled; ask a seal admin to enable it, or sign with another seal.`);
    }
    return seal;
  }

  private async recordRefusal(c: ContractRecord, seal: SealRecord, signer: ContractSigner, reason: string, operator?: SealLedgerEntry['operator']): Promise<void> {
    await this.col.ledger.insert({
      id: this.deps.ids.next('led'),
      tenant: seal.tenant,
      seal: seal.id,
      sealName: seal.name,
      contractId: c.id,
      contractTitle: c.title,
      documents: [],
      operator: operator ?? { kind: 'signer', id: signer.id },
      at: this.deps.clock.now().toISOString(),
      outcome: 'refused',
      reason,
    });
  }

  private ledgerEntry(c: ContractRecord, seal: SealRecord, operator: SealLedgerEntry['operator'], authority: LedgerAuthority, documents: { id: string; current: string }[], now: Date): SealLedgerEntry {
    return {
      id: this.deps.ids.next('led'),
      version: 0,
      tenant: seal.tenant,
      seal: seal.id,
      sealName: seal.name,
      contractId: c.id,
      contractTitle: c.title,
      documents: documents.map((d) => ({ id: d.id, sha256: d.current })),
      operator,
      authority,
      at: now.toISOString(),
      outcome: 'stamped',
    };
  }

  /**
   * Signs every field of `signer` in every document, one incremental revision per signature; at B-LT
   * and above the validation data goes in once per document, after its last signature (ETSI EN 319
   * 142-1 §5.4). Returns the new documents, stored as blobs, or only hashed and kept in `held` when
   * the caller extends them at once (see {@link finishDocuments}).
   */
  private async signDocuments(
    c: ContractRecord, signer: ContractSigner, keySigner: KeySigner, appearance: AppearanceProvider, reason: string, held?: Map<string, Uint8Array>,
    values: Record<string, string> = {},
  ): Promise<{ id: string; current: string; signatures: number }[]> {
    const level = c.level ?? this.defaultLevel;
    const rank = LEVEL_RANK[level];
    const out: { id: string; current: string; signatures: number }[] = [];
    const own = signer.fields.filter(isSignatureField);
    const invisible = own.length === 0;
    const ownKind = signer.kind === 'person' ? 'signature' : 'seal';
    for (const d of c.documents) {
      // The signer's filled date and text fields of this document go in its first signature's revision;
      // a document where the signer only fills fields gets an invisible signature that covers them.
      const fill = signer.fields.filter((f) => f.doc === d.id && !isSignatureField(f) && f.name && values[f.name] !== undefined).map((f) => ({ name: f.name!, value: values[f.name!] }));
      let fields: SignatureField[] = invisible ? [{ doc: d.id, page: 1, kind: ownKind }] : own.filter((f) => f.doc === d.id);
      if (fields.length === 0 && fill.length > 0) fields = [{ doc: d.id, page: 1, kind: ownKind }];
      if (fields.length === 0) continue;
      let pdf = await this.deps.blobs.get(d.current);
      let count = d.signatures;
      for (const [i, f] of fields.entries()) {
        pdf = await signPdf(pdf, {
          signer: keySigner,
          level: rank >= 1 ? 'B-T' : 'B-B',
          timestamper: this.deps.timestamper,
          clock: this.deps.clock,
          page: f.page,
          rect: f.rect,
          appearance: f.rect ? appearance : undefined,
          fieldName: `Signet-${c.kind === 'invalidation' ? 'inv-' : ''}${signer.id}-${i + 1}`,
          certify: count === 0 && c.certify ? c.certify : undefined,
          signerName: signer.name,
          reason,
          ...(i === 0 && fill.length ? { fill: { values: fill, font: this.deps.font } } : {}),
        });
        count++;
      }
      if (rank >= 2) pdf = await addValidationData(pdf, { provider: this.deps.validationData!, now: this.deps.clock.now() });
      // A revision that the closing document time-stamp extends in the same step is kept in memory:
      // the stored final file holds it as its prefix, so it is neither written nor read back.
      if (held) held.set(d.id, pdf);
      out.push({ id: d.id, current: held ? createHash('sha256').update(pdf).digest('hex') : await this.deps.blobs.put(pdf), signatures: count });
    }
    return out;
  }

  /**
   * Seals the documents at completion: a document time-stamp over each whole file (B-LTA, ETSI EN
   * 319 142-1 §5.5) when signatures are B-LT or above; otherwise the files stay as they are.
   */
  private async finishDocuments(c: ContractRecord, held?: Map<string, Uint8Array>): Promise<{ id: string; current: string }[]> {
    const rank = LEVEL_RANK[c.level ?? this.defaultLevel];
    if (rank < 2 || !this.deps.timestamper) return [];
    const out: { id: string; current: string }[] = [];
    for (const d of c.documents) {
      const pdf = await addDocumentTimestamp(held?.get(d.id) ?? await this.deps.blobs.get(d.current), { timestamper: this.deps.timestamper, clock: this.deps.clock });
      out.push({ id: d.id, current: await this.deps.blobs.put(pdf) });
    }
    return out;
  }

  /** The change of one signature, with completion and the next step's invitations, re-done from scratch on every attempt. */
  private async signingStep(
    c: ContractRecord,
    signer: ContractSigner,
    make: (c: ContractRecord, held?: Map<string, Uint8Array>) => Promise<{ signature: SignatureRecord; documents: { id: string; current: string; signatures: number }[]; ledger?: SealLedgerEntry; authority?: LedgerAuthority }>,
    by: AuditActor,
    link: SigningLinkRecord | undefined,
    now: Date,
  ): Promise<Step> {
    requireState(c, 'sign', ['signing']);
    const current = c.signers.find((s) => s.id === signer.id)!;
    requireTurn(c, current, now);
    // The last signature of an auto-finishing contract is followed at once by the document
    // time-stamp: its revision stays in memory instead of a blob written and read back.
    const completes = c.autoFinish && c.signers.every((s) => s.id === signer.id || s.state === 'signed');
    const held = completes && LEVEL_RANK[c.level ?? this.defaultLevel] >= 2 && this.deps.timestamper ? new Map<string, Uint8Array>() : undefined;
    const made = await make(c, held);
    const commands: ContractCommand[] = [{ type: 'sign', by, signerId: signer.id, signature: made.signature, documents: made.documents, authority: made.authority }];
    let { next, events } = this.apply(c, commands, now);
    const extra: WriteOp[] = [];
    if (made.ledger) extra.push(writeOp.insert(this.col.ledger, made.ledger));
    if (link) extra.push(writeOp.update(this.col.links, { ...link, usedAt: now.toISOString() }, link.version));
    let deliveries: Omit<LinkDelivery, 'delivered'>[] = [];
    if (allSigned(next) && next.autoFinish) {
      const r = this.apply(next, [{ type: 'complete', by, manual: false, documents: await this.finishDocuments(next, held) }], now);
      next = r.next;
      events = [...events, ...r.events];
      extra.push(...(await this.revokeLinks(c, now, link?.id)));
    } else {
      for (const pdf of held?.values() ?? []) await this.deps.blobs.put(pdf);
      const inv = await this.invitations(c, next, by, now);
      const r = this.apply(next, inv.commands, now);
      next = r.next;
      events = [...events, ...r.events];
      extra.push(...inv.ops);
      deliveries = inv.deliveries;
    }
    return { next, events, extra, deliveries };
  }

  /**
   * Signs manually: checks state, turn, rights, the seal and its grant (organization signers), and the
   * handwriting policy, all before consuming the willingness proof; then signs every field of the
   * signer in every document with the signer's own certificate, and saves. Nothing changes when a
   * check fails. Concurrent signers are retried on the newest PDF.
   */
  async sign(actor: Actor, contractId: string, input: SignInput = {}, ctx: RequestContext = {}): Promise<ContractResult> {
    const now0 = this.deps.clock.now();
    const c0 = await this.load(contractId);
    const access = await this.access(actor, c0, 'sign');
    const signer = this.pickSigner(access, c0, input.signerId);
    requireState(c0, 'sign', ['signing']);
    requireTurn(c0, signer, now0);

    const operator = this.operatorOf(actor, signer);

    let seal: SealRecord | undefined;
    let grantId: string | undefined;
    if (signer.kind === 'organization') {
      seal = await this.sealFor(c0, signer, input.seal);
      const grant = await this.deps.seals.activeGrant(seal.tenant, seal.id, operator, now0);
      if (!grant) {
        await this.recordRefusal(c0, seal, signer, 'SEAL_NOT_GRANTED', { kind: 'user', id: operator });
        throw new SignetError('SEAL_NOT_GRANTED', `你没有印章「${seal.name}」的使用授权，请联系印章管理员。You hold no grant for seal ${seal.id}; ask a seal admin of your enterprise for one.`);
      }
      grantId = grant.id;
    }
    const hand = input.handwriting;
    const hasHand = !!(hand && (hand.image?.length || hand.strokes?.length));
    if (signer.willingness.handwriting === 'required' && !hasHand) throw invalid('此签署方须手写签名。', `Signer ${signer.id} must draw a handwritten signature; pass handwriting.`);
    if (signer.willingness.handwriting === 'forbidden' && hasHand) throw invalid('此签署方不能使用手写签名。', `Signer ${signer.id} may not use a handwritten signature; omit handwriting.`);
    const values = this.fieldValues(signer, input.values, now0);

    // Verified identity first: a signer who cannot get a certificate must not spend a willingness proof.
    const subject = await this.deps.subjects.certificateSubjectOf(signer.kind === 'person' ? { kind: 'person', userId: signer.userId! } : { kind: 'organization', enterpriseId: signer.enterpriseId! });
    if (!input.proofId) {
      throw new SignetError('WILLINGNESS_REQUIRED', `签署前请先完成意愿认证（${signer.willingness.methods.join(' / ')}）。Confirm your willingness first (${signer.willingness.methods.join(' or ')}) and pass the proof id.`, { methods: signer.willingness.methods });
    }
    const proof: WillingnessEvidence = await this.deps.willingness.consume(input.proofId, { userId: operator, contractId });
    if (proof.subjectUserId !== operator || !proof.contractIds.includes(contractId) || !signer.willingness.methods.includes(proof.method)) {
      throw new SignetError('WILLINGNESS_REQUIRED', `意愿认证方式不符合要求（须为 ${signer.willingness.methods.join(' / ')}）。This signer must confirm with ${signer.willingness.methods.join(' or ')}; the proof given does not qualify.`, { methods: signer.willingness.methods });
    }

    const keySigner = await this.deps.keys.signerFor(subject, this.deps.keyKind);
    const handwritingBlob = hasHand ? await this.deps.blobs.put(hand!.image ?? new TextEncoder().encode(JSON.stringify(hand!.strokes))) : undefined;
    const sealImage = seal?.image ? await this.deps.blobs.get(seal.image) : undefined;
    const appearance = this.appearanceFor({ signer, seal: seal ? { record: seal, image: sealImage } : undefined, handwriting: hasHand ? hand : undefined });
    const by = auditActorOf(actor, ctx);
    const reason = seal ? `盖章 Sealed: ${seal.name}` : '签署 Signed';

    const result = await this.mutate(contractId, async (c) => {
      const now = this.deps.clock.now();
      return this.signingStep(c, signer, async (cur, held) => {
        const documents = await this.signDocuments(cur, signer, keySigner, appearance, reason, held, values);
        const ledger = seal ? this.ledgerEntry(cur, seal, { kind: 'user', id: operator }, { kind: 'grant', grantId: grantId! }, documents, now) : undefined;
        const signature: SignatureRecord = {
          at: now.toISOString(),
          method: proof.method,
          proof: proof.id,
          verifiedAt: proof.verifiedAt.toISOString(),
          ...(seal ? { operator, seal: seal.id, ledger: ledger!.id } : {}),
          cert: serialOf(keySigner),
          ...(ctx.ip ? { ip: ctx.ip } : {}),
          ...(handwritingBlob ? { handwriting: handwritingBlob } : {}),
          ...(Object.keys(values).length ? { values } : {}),
        };
        return { signature, documents, ledger, authority: ledger?.authority };
      }, by, access.link ? (await this.col.links.get(access.link.id)) ?? access.link : undefined, now);
    });
    return result;
  }

  /**
   * Signs silently (静默签署): an organization's auto-stamp under a standing authorization, with no
   * person's willingness check. The caller is the enterprise's integrator app or a connector
   * (system actor); `authority` (e.g. a Lark approval with its approvers) is recorded with the
   * standing authorization in the audit log and the seal ledger.
   */
  async signSilently(actor: Actor, contractId: string, input: SilentSignInput = {}, ctx: RequestContext = {}): Promise<ContractResult> {
    const now0 = this.deps.clock.now();
    const c0 = await this.load(contractId);
    if (actor.kind !== 'app' && actor.kind !== 'system') {
      await this.access(actor, c0);
      throw forbidden('静默签署只能由企业应用或连接器发起。', 'Silent signing is done by the enterprise\'s integrator app or a connector, not by a person; sign manually instead.');
    }
    const access = await this.access(actor, c0, 'sign');
    const candidates = actor.kind === 'system' ? c0.signers.filter((s) => s.kind === 'organization') : access.signers;
    const signer = this.pickSigner({ ...access, signers: candidates }, c0, input.signerId);
    if (signer.kind !== 'organization') throw invalid('静默签署仅适用于企业签署方。', `Signer ${signer.id} is a person; only organization signers can be stamped silently.`);
    requireState(c0, 'sign', ['signing']);
    requireTurn(c0, signer, now0);
    const seal = await this.sealFor(c0, signer, input.seal);
    const operator: SealLedgerEntry['operator'] = actor.kind === 'app' ? { kind: 'integrator', id: actor.appId } : { kind: 'system', id: actor.reason };
    const auth = await this.deps.seals.authorizationFor(seal.id, c0, signer.enterpriseId!, now0);
    if (!auth) {
      await this.recordRefusal(c0, seal, signer, 'SEAL_NOT_GRANTED', operator);
      throw new SignetError('SEAL_NOT_GRANTED', `印章「${seal.name}」没有覆盖此合同的自动盖章授权，请联系印章管理员。Seal ${seal.id} has no standing authorization for silent signing that covers this contract; ask a seal admin to authorize auto-stamping.`);
    }
    const approval = input.authority ? checkApproval(input.authority) : undefined;
    const authority: LedgerAuthority = approval ? { ...approval, authorizationId: auth.id } : { kind: 'standing', authorizationId: auth.id };
    const subject = await this.deps.subjects.certificateSubjectOf({ kind: 'organization', enterpriseId: signer.enterpriseId! });
    const keySigner = await this.deps.keys.signerFor(subject, this.deps.keyKind);
    const sealImage = seal.image ? await this.deps.blobs.get(seal.image) : undefined;
    const appearance = this.appearanceFor({ signer, seal: { record: seal, image: sealImage } });
    const by = auditActorOf(actor, ctx);

    return this.mutate(contractId, async (c) => {
      const now = this.deps.clock.now();
      return this.signingStep(c, signer, async (cur, held) => {
        // An auto-stamp fills only date fields: nobody is there to type a text.
        const values = this.fieldValues(signer, undefined, now, true);
        const documents = await this.signDocuments(cur, signer, keySigner, appearance, `自动盖章 Auto-stamped: ${seal.name}`, held, values);
        const ledger = this.ledgerEntry(cur, seal, operator, authority, documents, now);
        const signature: SignatureRecord = {
          at: now.toISOString(),
          method: 'auto_stamp',
          operator: `${operator.kind}:${operator.id}`,
          seal: seal.id,
          ledger: ledger.id,
          cert: serialOf(keySigner),
          ...(ctx.ip ? { ip: ctx.ip } : {}),
          ...(Object.keys(values).length ? { values } : {}),
        };
        return { signature, documents, ledger, authority };
      }, by, undefined, now);
    });
  }

  // ---------------------------------------------------------------- reject, revoke, extend, finish, labels

  /** Rejects signing (拒签) with a reason: the signer is rejected and the contract ends as rejected. */
  async reject(actor: Actor, contractId: string, input: { signerId?: string; reason: string }, ctx: RequestContext = {}): Promise<ContractRecord> {
    const now = this.deps.clock.now();
    return (await this.mutate(contractId, async (c) => {
      const access = await this.access(actor, c);
      const signer = this.pickSigner(access, c, input?.signerId);
      const { next, events } = this.apply(c, [{ type: 'reject', by: auditActorOf(actor, ctx), signerId: signer.id, reason: input?.reason }], now);
      const extra = await this.revokeLinks(c, now, access.link?.id);
      if (access.link) extra.push(writeOp.update(this.col.links, { ...access.link, usedAt: now.toISOString() }, access.link.version));
      return { next, events, extra };
    })).contract;
  }

  /** Revokes (撤销) a draft or signing contract: sender side only; every signing link stops working. */
  async revoke(actor: Actor, contractId: string, input: { reason: string }, ctx: RequestContext = {}): Promise<ContractRecord> {
    const now = this.deps.clock.now();
    return (await this.mutate(contractId, async (c) => {
      this.requireManage(await this.access(actor, c), c);
      const { next, events } = this.apply(c, [{ type: 'revoke', by: auditActorOf(actor, ctx), reason: input?.reason }], now);
      return { next, events, extra: await this.revokeLinks(c, now) };
    })).contract;
  }

  /** Extends the signing deadline (延期); active links live until the new deadline. */
  async extend(actor: Actor, contractId: string, input: { deadline: Date }, ctx: RequestContext = {}): Promise<ContractRecord> {
    const now = this.deps.clock.now();
    return (await this.mutate(contractId, async (c) => {
      this.requireManage(await this.access(actor, c), c);
      const { next, events } = this.apply(c, [{ type: 'extend', by: auditActorOf(actor, ctx), deadline: input?.deadline }], now);
      const links = (await this.col.links.find('contract', c.id)).filter((l) => isLinkActive(l, now) && l.expiresAt === c.deadline);
      return { next, events, extra: links.map((l) => writeOp.update(this.col.links, { ...l, expiresAt: next.deadline! }, l.version)) };
    })).contract;
  }

  /**
   * Locks and finishes (锁定并完成) a contract created with `autoFinish: false` once every signer has
   * signed: each document gets a document time-stamp (B-LTA) and the contract completes.
   */
  async finish(actor: Actor, contractId: string, ctx: RequestContext = {}): Promise<ContractRecord> {
    const now = this.deps.clock.now();
    return (await this.mutate(contractId, async (c) => {
      this.requireManage(await this.access(actor, c), c);
      requireState(c, 'complete', ['signing']);
      transition(c, { type: 'complete', by: auditActorOf(actor, ctx), manual: true, documents: [] }, now);
      const { next, events } = this.apply(c, [{ type: 'complete', by: auditActorOf(actor, ctx), manual: true, documents: await this.finishDocuments(c) }], now);
      return { next, events, extra: await this.revokeLinks(c, now) };
    })).contract;
  }

  /** Sets the contract's labels (sender side). */
  async setLabels(actor: Actor, contractId: string, labels: string[], ctx: RequestContext = {}): Promise<ContractRecord> {
    const now = this.deps.clock.now();
    return (await this.mutate(contractId, async (c) => {
      this.requireManage(await this.access(actor, c), c);
      return this.apply(c, [{ type: 'label', by: auditActorOf(actor, ctx), labels: Array.isArray(labels) ? labels : [] }], now);
    })).contract;
  }

  // ---------------------------------------------------------------- invalidation

  /**
   * Starts invalidating (作废) a completed contract: an invalidation agreement naming the contract,
   * its files' SHA-256 and the reason is drawn up and sent to every signer of the original; when all
   * of them have signed it, the original becomes `invalidated`. The original PDF is never changed.
   */
  async invalidate(actor: Actor, contractId: string, input: { reason: string }, ctx: RequestContext = {}): Promise<ContractResult> {
    const now = this.deps.clock.now();
    const original = await this.load(contractId);
    const access = await this.access(actor, original);
    if (!access.manage && access.signers.length === 0) throw forbidden('只有合同各方可以发起作废。', 'Only a party to the contract can ask to invalidate it.');
    const by = auditActorOf(actor, ctx);
    // Validates state and reason before anything is drawn.
    transition(original, { type: 'request_invalidation', by, agreementId: 'check', reason: input?.reason }, now);
    if (!this.deps.font) throw invalid('未配置中文字体。', 'Invalidation agreements need a CJK font; configure the workflow with font bytes.');
    const reason = input.reason.trim();
    const drawn = buildInvalidationAgreement({
      contractId: original.id,
      title: original.title,
      bizNo: original.bizNo,
      completedAt: original.completedAt,
      files: original.documents.map((d) => ({ name: d.name, sha256: d.current })),
      reason,
      parties: original.signers.map((s) => ({ name: s.name, kind: s.kind })),
      at: now,
    }, this.deps.font);
    const blob = await this.deps.blobs.put(drawn.pdf);
    const signers: ContractSigner[] = original.signers.map((s, i) => {
      const rest: ContractSigner = { ...s };
      for (const k of ['invitedAt', 'readAt', 'signedAt', 'rejectedAt', 'rejectReason', 'signature'] as const) delete rest[k];
      return { ...rest, step: 1, state: 'unread', fields: [{ doc: 'd1', page: drawn.boxes[i].page, rect: drawn.boxes[i].rect, kind: s.kind === 'person' ? 'signature' : 'seal' }] };
    });
    const agreement: ContractRecord = {
      id: this.deps.ids.next('ct'),
      version: 0,
      tenant: original.tenant,
      kind: 'invalidation',
      title: `作废协议 Invalidation: ${original.title}`.slice(0, 200),
      appId: original.appId,
      sender: { ...original.sender, ...(ctx.ip ? { ip: ctx.ip } : {}) },
      state: 'draft',
      order: 'parallel',
      autoFinish: true,
      level: original.level,
      documents: [{ id: 'd1', name: '作废协议.pdf', original: blob, current: blob, pages: PdfReader.load(drawn.pdf).pageCount(), signatures: 0 }],
      signers: signers.map((s) => ({ ...s, fields: s.fields.map((f) => ({ ...f, at: fractionsOf([0, 0, 595, 842], f.rect!) })) })),
      labels: [],
      createdAt: now.toISOString(),
      invalidates: original.id,
      audit: EMPTY_HEAD,
    };
    const ids = agreement.signers.map((s) => s.id);
    const { ops, deliveries } = await this.issueLinks(agreement, ids, now);
    const created = this.apply(agreement, [{ type: 'send', by, invite: ids }], now);
    let stored: ContractRecord;
    try {
      stored = await this.commit(undefined, {
        next: created.next,
        events: [{ type: 'contract.created', actor: by, data: { title: agreement.title, invalidates: original.id, reason, documents: [{ id: 'd1', sha256: blob }] } }, ...created.events],
        extra: ops,
      }, now);
    } catch (e) {
      if (isSignetError(e, 'DUPLICATE') && e.details?.unique === 'invalidates') {
        throw new SignetError('CONTRACT_STATE', `此合同已有作废协议在签署中。An invalidation agreement for contract ${original.id} is already being signed; sign or reject it first.`, { state: original.state });
      }
      throw e;
    }
    try {
      await this.mutate(original.id, async (c) => this.apply(c, [{ type: 'request_invalidation', by, agreementId: stored.id, reason }], now));
    } catch (e) {
      await this.revoke({ kind: 'system', reason: 'invalidation-failed' }, stored.id, { reason: 'The original contract changed; 原合同已变更' });
      throw e;
    }
    const links = await this.deliver(stored, deliveries);
    return { contract: stored, links };
  }

  /** After a saved change: an ended invalidation agreement settles its original contract. */
  private async afterChange(c: ContractRecord): Promise<void> {
    if (c.kind === 'invalidation' && c.state !== 'draft' && c.state !== 'signing' && !c.settledAt) await this.settle(c.id);
  }

  /** Applies an ended invalidation agreement to its original (invalidated, or the request cancelled), then marks it settled. Idempotent. */
  private async settle(agreementId: string): Promise<void> {
    const system: AuditActor = { kind: 'system', id: 'invalidation' };
    const agreement = await this.load(agreementId);
    if (!agreement.invalidates || agreement.settledAt) return;
    const now = this.deps.clock.now();
    await this.mutate(agreement.invalidates, async (c) => {
      if (c.invalidation?.agreementId !== agreement.id) return undefined;
      return this.apply(c, [agreement.state === 'completed'
        ? { type: 'invalidate', by: system, agreementId: agreement.id }
        : { type: 'cancel_invalidation', by: system, agreementId: agreement.id, outcome: agreement.state }], now);
    });
    await this.mutate(agreement.id, async (c) => (c.settledAt ? undefined : this.apply(c, [{ type: 'settle', by: system }], now)));
  }

  // ---------------------------------------------------------------- jobs

  /**
   * The background job: expires every signing contract past its deadline (revoking its links), and
   * settles invalidation agreements whose outcome was not applied yet (e.g. after a crash).
   */
  async runDueJobs(): Promise<{ expired: string[]; settled: string[] }> {
    const now = this.deps.clock.now();
    const system: AuditActor = { kind: 'system', id: 'expiry' };
    const expired: string[] = [];
    for (const c of await this.col.contracts.find('state', 'signing')) {
      if (!c.deadline || Date.parse(c.deadline) > now.getTime()) continue;
      try {
        await this.mutate(c.id, async (cur) => {
          if (cur.state !== 'signing' || !cur.deadline || Date.parse(cur.deadline) > now.getTime()) return undefined;
          const r = this.apply(cur, [{ type: 'expire', by: system }], now);
          return { ...r, extra: await this.revokeLinks(cur, now) };
        });
        expired.push(c.id);
      } catch (e) {
        if (!isSignetError(e, 'CONTRACT_STATE')) throw e;
      }
    }
    const settled: string[] = [];
    for (const a of await this.col.contracts.find('unsettled', 'pending')) {
      await this.settle(a.id);
      settled.push(a.id);
    }
    return { expired, settled };
  }
}

function checkApproval(a: ExternalApproval): ExternalApproval {
  const ok = a && a.kind === 'approval' && typeof a.system === 'string' && a.system && typeof a.instanceCode === 'string' && a.instanceCode &&
    Array.isArray(a.approvers) && a.approvers.every((p) => p && typeof p.name === 'string' && typeof p.at === 'string' && !Number.isNaN(Date.parse(p.at)));
  if (!ok) {
    throw invalid('审批依据格式无效。', 'authority must be { kind: "approval", system, instanceCode, approvers: [{ name, at (ISO time) }] }.');
  }
  return {
    kind: 'approval',
    system: a.system,
    instanceCode: a.instanceCode,
    approvers: a.approvers.map((p) => ({ name: p.name, at: new Date(p.at).toISOString(), ...(p.userId ? { userId: p.userId } : {}) })),
    ...(a.title ? { title: String(a.title).slice(0, 200) } : {}),
  };
}

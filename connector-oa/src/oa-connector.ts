/**
 * The OA connector: approved seal-use requests (用印申请) in Lark/Feishu or another OA become
 * silent enterprise stamps on the Signet server, and the stamped file goes back into the approval.
 *
 * It only translates (STYLE habit 8): it checks the callback (see `LarkEventReceiver` and
 * `verifyOaWebhook`), maps the approval to Signet API calls (upload, contract, stamp under the
 * approval's authority) and makes the work idempotent on the event id and the instance code. The
 * contract rules, the seal authorization and the seal ledger are the server's.
 *
 * Work runs as jobs on a durable queue (the server's job queue): the event is acknowledged once its
 * job is stored, and each job records its progress on the request record, so a restart in the
 * middle of a stamp resumes it and stamps once. Retries back off exponentially.
 */
import { createHash, randomUUID } from 'node:crypto';
import { SignetError, isSignetError, systemClock, type Clock, type RecordStore } from '@signet/core';
import type { ApprovalInstanceEvent, EventAck } from './lark/lark-event-receiver.js';
import type { LarkApprovalApi, LarkFormWidget, LarkInstance, LarkUserRef } from './lark/lark-approval-api.js';
import { isSealUseForm, parseSealUseForm, resolveSealChoice, sealUseInstanceForm } from './lark/seal-use-form.js';
import type { OaJobContext, OaJobQueue, OaJobResult } from './oa-job-queue.js';
import { oaCollections, updateRequest, type OaCollections, type OaDocument, type OaOutcome, type OaRequestRecord } from './oa-records.js';
import {
  completedText, declinedText, failedText, refusedText, reportMarker, stampedFileName, stampedText, type OaReportKind,
} from './oa-messages.js';
import { lastPagePlacement, type FieldPlacement } from './stamp-placement.js';
import type { SignetApi, SignetApprovalAuthority, SignetContract, SignetSignerInput } from './signet/signet-api.js';
import { OA_SIGNATURE_HEADER, hostAllowed, parseOaWebhook, signOaWebhook, verifyOaWebhook } from './generic/oa-webhook.js';

/** Job types on the queue. */
export const OA_JOBS = { stamp: 'oa.stamp', finalize: 'oa.finalize', callback: 'oa.callback' } as const;

/** A PII-free logger (the server's `Logger` fits). */
export interface OaLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** What the connector is built from: ports and clients. */
export interface OaConnectorDeps {
  /** Where requests and events are kept (the server's record store). */
  records: RecordStore;
  /** The durable queue the work runs on (the server's job queue). */
  queue: OaJobQueue;
  /** The Signet API, as the connector's integrator app. */
  signet: SignetApi;
  /** The Lark approval API; without it, only the generic webhook works. */
  lark?: LarkApprovalApi;
  clock?: Clock;
  log?: OaLogger;
  /** HTTP for generic document URLs and callbacks (default the global fetch). */
  fetch?: typeof fetch;
}

/** How the connector behaves. */
export interface OaConnectorOptions {
  /** The public verification page written into comments, e.g. `https://sign.example.com/verify`. */
  verifyUrl: string | (() => string);
  lark?: {
    /** Only events of this approval definition are handled (default: any definition whose form is a seal-use request). */
    approvalCode?: string;
    /** Who the comments are written as (default: the applicant). */
    commentAs?: LarkUserRef;
    /** Look approvers' names up in the contact API (default true; ids stand in when it is not allowed). */
    resolveNames?: boolean;
  };
  generic?: {
    /** The HMAC secret both directions are signed with. */
    secret: string;
    /** Hosts documents may be fetched from and callbacks posted to (`oa.example.com`, `*.example.com`). */
    allowedHosts?: string[];
    /** Allow http:// URLs (tests, intranets). Default false. */
    allowHttp?: boolean;
    /** Put the stamped PDF (base64) into the callback (default true, up to 20 MB). */
    includePdf?: boolean;
  };
  /** Largest document accepted (default 50 MB). */
  maxDocumentBytes?: number;
  /** Queue settings of the connector's jobs. */
  jobs?: { maxAttempts?: number; backoffMs?: number; maxBackoffMs?: number; leaseMs?: number };
}

/** What a request looks like from outside (`GET /api/v1/oa/requests`). */
export interface OaRequestView {
  id: string;
  system: string;
  instanceId: string;
  status: string;
  outcome: OaOutcome;
  contractId?: string;
  sealId?: string;
  stampedAt?: string;
  ledgerEntryIds?: string[];
  error?: { code: string; message: string };
  statuses: { status: string; at: string }[];
  updatedAt: string;
}

/** Input of {@link OaConnector.submitLarkRequest}: a seal-use request made on behalf of the Word add-in or the console. */
export interface LarkSubmitInput {
  pdf: Uint8Array;
  fileName: string;
  sealId: string;
  reason: string;
  useType?: string;
  copies?: number;
  counterparty?: string;
  counterpartySigns?: boolean;
  counterpartySigner?: string;
  counterpartyMobile?: string;
  /** The applicant in Lark: an open_id, a user_id, or a mobile number the contact API resolves. */
  applicant: { openId?: string; userId?: string; mobile?: string };
  /** A client-chosen id making the submission idempotent (Lark's instance `uuid`). */
  requestId?: string;
}

/** The facts of an approved request, however the OA reported them. */
interface Approval {
  title: string;
  seal: string;
  documents: { name: string; url?: string; fileId?: string }[];
  approvers: { name: string; userId?: string; at: string }[];
  approvedAt?: string;
  counterparty?: { signer?: string; mobile?: string; signs: boolean };
  /** Lark: the instance as read in this attempt (for comments). */
  instance?: LarkInstance;
}

/** Errors that a retry cannot fix: the request is refused and the applicant told why. */
const PERMANENT = new Set<string>([
  'PDF_NOT_PDF', 'PDF_TRUNCATED', 'PDF_ENCRYPTED', 'PDF_XREF_BROKEN', 'PDF_MALFORMED', 'PDF_LIMIT_EXCEEDED', 'PDF_PAGE_OUT_OF_RANGE', 'PDF_RECT_OFF_PAGE',
  'SEAL_DISABLED', 'SEAL_NOT_GRANTED', 'FORBIDDEN', 'NOT_FOUND', 'INVALID_ARGUMENT', 'IDENTITY_NOT_VERIFIED', 'IDENTITY_INVALID',
  'DOCMDP_LOCKED', 'CERTIFY_NOT_FIRST', 'ANCHOR_NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'TEMPLATE_BASE_SIGNED',
]);

/** True when a retry cannot help. */
export function isPermanent(e: unknown): boolean {
  if (!isSignetError(e)) return false;
  if (e.code === 'OA_UPSTREAM_FAILED') return e.details?.retryable === false;
  return PERMANENT.has(e.code);
}

const DONE: readonly OaOutcome[] = ['refused', 'failed', 'rejected', 'canceled', 'deleted', 'reverted', 'ignored'];
const STATUS_OUTCOME: Record<string, OaOutcome> = { REJECTED: 'rejected', CANCELED: 'canceled', DELETED: 'deleted', REVERTED: 'reverted', OVERTIME_CLOSE: 'canceled' };

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function msOrIso(v: string | number | undefined): string | undefined {
  if (v === undefined || v === '' || v === '0' || v === 0) return undefined;
  const n = Number(v);
  const d = Number.isFinite(n) ? new Date(n) : new Date(String(v));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function messageOf(e: unknown): string {
  return isSignetError(e) ? e.message : '内部错误，请联系管理员。Internal error; ask your administrator.';
}

/** The OA connector. */
export class OaConnector {
  readonly collections: OaCollections;
  private readonly clock: Clock;
  private readonly fetch: typeof fetch;
  private readonly maxDoc: number;
  private enterpriseP?: Promise<{ id: string; name: string }>;
  private definitionP?: Promise<LarkFormWidget[] | undefined>;

  constructor(private readonly deps: OaConnectorDeps, private readonly opts: OaConnectorOptions) {
    this.collections = oaCollections(deps.records);
    this.clock = deps.clock ?? systemClock;
    this.fetch = deps.fetch ?? fetch;
    this.maxDoc = opts.maxDocumentBytes ?? 50 * 1024 * 1024;
    deps.queue.register<{ key: string }>(OA_JOBS.stamp, (p, ctx) => this.stampJob(p.key, ctx));
    deps.queue.register<{ key: string }>(OA_JOBS.finalize, (p, ctx) => this.finalizeJob(p.key, ctx));
    deps.queue.register<{ key: string; kind: OaReportKind }>(OA_JOBS.callback, (p, ctx) => this.callbackJob(p.key, p.kind, ctx));
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private verifyUrl(): string {
    return typeof this.opts.verifyUrl === 'function' ? this.opts.verifyUrl() : this.opts.verifyUrl;
  }

  private jobOpts(idempotencyKey: string) {
    const j = this.opts.jobs ?? {};
    return { idempotencyKey, maxAttempts: j.maxAttempts ?? 12, backoffMs: j.backoffMs ?? 2000, maxBackoffMs: j.maxBackoffMs ?? 1_800_000, leaseMs: j.leaseMs ?? 120_000 };
  }

  /** The enterprise the connector's app stamps for (asked once). */
  private enterprise(): Promise<{ id: string; name: string }> {
    this.enterpriseP ??= (async () => {
      const { enterpriseId } = await this.deps.signet.whoami();
      return { id: enterpriseId, name: (await this.deps.signet.enterpriseName(enterpriseId)) || enterpriseId };
    })().catch((e) => {
      this.enterpriseP = undefined;
      throw e;
    });
    return this.enterpriseP;
  }

  /** The connector's enterprise id (for route checks). */
  async enterpriseId(): Promise<string> {
    return (await this.enterprise()).id;
  }

  private newRequest(system: string, instanceId: string, status: string): OaRequestRecord {
    const at = this.now();
    return { id: `${system}:${instanceId}`, version: 0, system, instanceId, status, outcome: 'pending', statuses: [], createdAt: at, updatedAt: at };
  }

  /** Records a status the OA reported; a terminal non-approval status becomes the outcome of a request not stamped yet. */
  private async noteStatus(system: string, instanceId: string, status: string, extra: Partial<OaRequestRecord> = {}, eventId?: string): Promise<OaRequestRecord> {
    const at = this.now();
    return (await updateRequest(this.collections, `${system}:${instanceId}`, () => this.newRequest(system, instanceId, status), (cur) => {
      const outcome = STATUS_OUTCOME[status] && (cur.outcome === 'pending' || cur.outcome === 'ignored') ? STATUS_OUTCOME[status] : cur.outcome;
      return {
        ...cur, ...extra, status, outcome, updatedAt: at,
        statuses: [...cur.statuses, { status, at, ...(eventId ? { eventId } : {}) }].slice(-20),
      };
    }))!;
  }

  private async save(key: string, change: Partial<OaRequestRecord>): Promise<OaRequestRecord> {
    const at = this.now();
    const r = await updateRequest(this.collections, key, undefined, (cur) => ({ ...cur, ...change, updatedAt: at }));
    if (!r) throw new SignetError('NOT_FOUND', `Request ${key} is gone.`);
    return r;
  }

  /** Remembers an accepted event; false when it was already there. */
  private async seen(source: string, eventId: string): Promise<boolean> {
    return !!(await this.collections.events.get(`${source}:${eventId}`));
  }

  private async remember(source: string, eventId: string, request: string, status: string): Promise<void> {
    await this.collections.events.insert({ id: `${source}:${eventId}`, source, request, status, receivedAt: this.now() }).catch((e) => {
      if (!isSignetError(e, 'DUPLICATE')) throw e;
    });
  }

  // ------------------------------------------------------------------ Lark

  /**
   * Handles a checked `approval_instance` event: de-duplicates it by event id, records the status
   * and, for APPROVED, stores the stamping job (idempotent on the instance code). Answers fast, as
   * Lark wants; the stamping runs on the queue.
   */
  async onLarkApprovalEvent(e: ApprovalInstanceEvent): Promise<EventAck> {
    if (!e.eventId || !e.instanceCode) return { msg: 'ignored: not an approval instance event' };
    const only = this.opts.lark?.approvalCode;
    if (only && e.approvalCode && e.approvalCode !== only) return { msg: 'ignored: another approval definition' };
    if (await this.seen('lark', e.eventId)) return { msg: 'duplicate' };
    const rec = await this.noteStatus('lark', e.instanceCode, e.status, e.approvalCode ? { approvalCode: e.approvalCode } : {}, e.eventId);
    if (e.status === 'APPROVED') await this.deps.queue.enqueue(OA_JOBS.stamp, { key: rec.id }, this.jobOpts(rec.id));
    await this.remember('lark', e.eventId, rec.id, e.status);
    this.deps.log?.info('oa: lark event accepted', { request: rec.id, status: e.status });
    return { msg: 'ok' };
  }

  private lark(): LarkApprovalApi {
    if (!this.deps.lark) throw new SignetError('INVALID_ARGUMENT', '未配置飞书应用。The connector has no Lark app configured.');
    return this.deps.lark;
  }

  /** The definition's form, read once (to map a seal option's text to its key). */
  private definitionForm(approvalCode: string | undefined): Promise<LarkFormWidget[] | undefined> {
    const code = approvalCode ?? this.opts.lark?.approvalCode;
    if (!code) return Promise.resolve(undefined);
    this.definitionP ??= this.lark().getDefinition(code).then((d) => d.form).catch(() => {
      this.definitionP = undefined;
      return undefined;
    });
    return this.definitionP;
  }

  /** Approvers of an instance: the approved tasks, with names from the contact API when allowed. */
  private async larkApprovers(inst: LarkInstance): Promise<Approval['approvers']> {
    const lark = this.lark();
    const out: Approval['approvers'] = [];
    const seen = new Set<string>();
    const tasks = inst.task_list.filter((t) => t.status === 'APPROVED' || t.status === 'DONE');
    const passes = inst.timeline.filter((t) => t.type === 'PASS' || t.type === 'AUTO_PASS');
    const people = tasks.length
      ? tasks.map((t) => ({ open_id: t.open_id, user_id: t.user_id, at: t.end_time }))
      : passes.map((t) => ({ open_id: t.open_id, user_id: t.user_id, at: t.create_time }));
    for (const p of people) {
      const id = p.open_id || p.user_id;
      const at = msOrIso(p.at) ?? msOrIso(inst.end_time) ?? this.now();
      if (!id) {
        out.push({ name: '自动通过 Auto-approved', at });
        continue;
      }
      if (seen.has(id)) continue;
      seen.add(id);
      const ref: LarkUserRef = p.open_id ? { type: 'open_id', id: p.open_id } : { type: 'user_id', id: p.user_id! };
      const name = this.opts.lark?.resolveNames === false ? undefined : await lark.userName(ref);
      out.push({ name: name ?? id, userId: id, at });
    }
    return out;
  }

  /** Reads a Lark instance into an {@link Approval}, or the status that stops it. */
  private async loadLark(rec: OaRequestRecord): Promise<{ approval?: Approval; status: string; instance: LarkInstance; notSealUse?: boolean }> {
    const inst = await this.lark().getInstance(rec.instanceId);
    if (inst.status !== 'APPROVED') return { status: inst.status, instance: inst };
    if (!isSealUseForm(inst.form)) return { status: inst.status, instance: inst, notSealUse: true };
    const form = parseSealUseForm(inst.form);
    const title = `${inst.approval_name || '用印申请'}${inst.serial_number ? ` ${inst.serial_number}` : ''}${form.reason ? `：${form.reason.slice(0, 60)}` : ''}`;
    return {
      status: inst.status,
      instance: inst,
      approval: {
        title,
        seal: form.seal,
        documents: form.documents.map((d) => ({ name: d.name, url: d.url })),
        approvers: await this.larkApprovers(inst),
        approvedAt: msOrIso(inst.end_time),
        counterparty: form.counterpartySigns ? { signer: form.counterpartySigner, mobile: form.counterpartyMobile, signs: true } : undefined,
        instance: inst,
      },
    };
  }

  /** Who the comments on an instance are written as. */
  private commenter(inst: LarkInstance): LarkUserRef | undefined {
    if (this.opts.lark?.commentAs) return this.opts.lark.commentAs;
    if (inst.open_id) return { type: 'open_id', id: inst.open_id };
    if (inst.user_id) return { type: 'user_id', id: inst.user_id };
    return undefined;
  }

  /** Comments on a Lark instance once: a comment that carries the report's marker is not made again. */
  private async larkComment(rec: OaRequestRecord, kind: OaReportKind, text: string, pdfs: { name: string; bytes: Uint8Array }[], inst?: LarkInstance): Promise<string | undefined> {
    const lark = this.lark();
    const instance = inst ?? (await lark.getInstance(rec.instanceId));
    const marker = reportMarker(kind, rec.id);
    const done = instance.comment_list.find((c) => typeof c.comment === 'string' && c.comment.includes(marker));
    if (done) return done.id;
    const as = this.commenter(instance);
    if (!as) {
      this.deps.log?.warn('oa: no user to comment as', { request: rec.id });
      return undefined;
    }
    const files = [];
    for (const p of pdfs) {
      const up = await lark.uploadFile(p.bytes, p.name, 'attachment');
      files.push({ url: up.url, fileSize: p.bytes.length, title: p.name, type: 'attachment' as const });
    }
    return (await lark.comment(rec.instanceId, as, { text, files })).commentId;
  }

  /**
   * Creates a seal-use request in Lark on behalf of the Word add-in or the console: uploads the PDF
   * to the approval file endpoint, then creates the instance (idempotent on `requestId`).
   */
  async submitLarkRequest(input: LarkSubmitInput): Promise<{ instanceCode: string }> {
    const lark = this.lark();
    const approvalCode = this.opts.lark?.approvalCode;
    if (!approvalCode) throw new SignetError('INVALID_ARGUMENT', '未配置用印审批定义，请先运行 signet oa provision。No seal-use approval is configured: run `signet oa provision` and set its approval code.');
    if (!input.reason?.trim()) throw new SignetError('INVALID_ARGUMENT', '请填写用印事由。The reason is required.');
    if (input.counterpartySigns && (!input.counterpartySigner || !input.counterpartyMobile)) {
      throw new SignetError('INVALID_ARGUMENT', '需相对方签署时，请填写相对方签署人姓名和手机号。When the counterparty must sign, give the signer\'s name and mobile.');
    }
    const seals = await this.deps.signet.seals({ enabled: true });
    if (!seals.some((s) => s.id === input.sealId)) throw new SignetError('NOT_FOUND', `印章 ${input.sealId} 不存在或未启用。Seal ${input.sealId} does not exist or is disabled.`);
    let applicant: Record<string, string>;
    if (input.applicant.userId) applicant = { user_id: input.applicant.userId };
    else if (input.applicant.openId) applicant = { open_id: input.applicant.openId };
    else if (input.applicant.mobile) {
      const openId = await lark.openIdByMobile(input.applicant.mobile);
      if (!openId) throw new SignetError('NOT_FOUND', '在飞书中找不到该手机号的用户。No Lark user has this mobile number (or the app may not read contacts).');
      applicant = { open_id: openId };
    } else {
      throw new SignetError('INVALID_ARGUMENT', '请指定飞书中的申请人（open_id、user_id 或手机号）。Name the applicant in Lark: openId, userId or mobile.');
    }
    const file = await lark.uploadFile(input.pdf, input.fileName, 'attachment');
    const uuid = input.requestId ?? randomUUID();
    const form = sealUseInstanceForm({ ...input, fileCodes: [file.code] });
    let instanceCode: string;
    try {
      ({ instanceCode } = await lark.createInstance({ approval_code: approvalCode, ...applicant, form, uuid }));
    } catch (e) {
      // 60012: an instance with this uuid exists already (a retried submission): read it by its uuid.
      if ((e as SignetError).details?.larkCode !== 60012) throw e;
      instanceCode = (await lark.getInstance(uuid)).instance_code;
    }
    await this.noteStatus('lark', instanceCode, 'PENDING', { approvalCode });
    return { instanceCode };
  }

  // ------------------------------------------------------------------ generic webhook

  /**
   * Handles one generic OA webhook (raw body, `X-Signet-Signature`): checks the signature, de-duplicates
   * by event id, stores the request and, for APPROVED, the stamping job. A base64 document is
   * uploaded to Signet right away (its checks answer at once); a URL is fetched by the job.
   */
  async onGenericWebhook(signature: string | undefined, raw: Uint8Array): Promise<{ status: number; body: Record<string, unknown> }> {
    const g = this.opts.generic;
    if (!g?.secret) throw new SignetError('NOT_FOUND', '未启用通用 OA 接口。The generic OA webhook is not configured on this server.');
    if (!verifyOaWebhook(g.secret, signature, raw, Math.floor(this.clock.now().getTime() / 1000))) {
      throw new SignetError('OA_EVENT_INVALID', '签名校验失败：请用共享密钥对「时间戳.原始请求体」做 HMAC-SHA256，时间戳须在 5 分钟内。The X-Signet-Signature does not match: sign "<t>.<raw body>" with HMAC-SHA256 under the shared secret, with t within 5 minutes.');
    }
    const body = parseOaWebhook(raw);
    const key = `${body.system}:${body.instanceId}`;
    const source = `oa-${body.system}`;
    if (await this.seen(source, body.eventId)) {
      const rec = await this.collections.requests.get(key);
      return { status: 200, body: { accepted: true, duplicate: true, requestId: key, outcome: rec?.outcome ?? 'pending' } };
    }
    if (body.callbackUrl && !hostAllowed(body.callbackUrl, g.allowedHosts, g.allowHttp ?? false)) {
      throw new SignetError('INVALID_ARGUMENT', '回调地址不在允许的主机列表中（须为 https）。callbackUrl must be https on a host the connector allows (generic.allowedHosts).');
    }
    if (body.document?.url && !hostAllowed(body.document.url, g.allowedHosts, g.allowHttp ?? false)) {
      throw new SignetError('INVALID_ARGUMENT', '文件地址不在允许的主机列表中，请改为 base64 上传或联系管理员放行。document.url must be https on a host the connector allows (generic.allowedHosts); or send the PDF as base64.');
    }
    const existing = await this.collections.requests.get(key);
    let documents: OaDocument[] | undefined = existing?.documents;
    let refusal: SignetError | undefined;
    if (body.status === 'APPROVED' && !existing?.contractId && body.document?.base64) {
      const bytes = Buffer.from(body.document.base64, 'base64');
      if (bytes.length > this.maxDoc) throw new SignetError('PAYLOAD_TOO_LARGE', `文件超过 ${this.maxDoc >> 20} MB。The document is larger than ${this.maxDoc >> 20} MB.`);
      try {
        const up = await this.deps.signet.uploadFile(bytes, body.document.name ?? `${body.instanceId}.pdf`);
        documents = [{ name: body.document.name ?? `${body.instanceId}.pdf`, fileId: up.fileId }];
      } catch (e) {
        if (!isPermanent(e)) throw e;
        refusal = e as SignetError;
      }
    }
    const generic = {
      title: body.title, seal: body.seal ?? '', approvers: body.approvers ?? [], approvedAt: body.approvedAt, reason: body.reason,
      documentUrl: body.document?.url, documentName: body.document?.name, counterparty: body.counterparty,
    };
    let rec = await this.noteStatus(body.system, body.instanceId, body.status, {
      ...(body.status === 'APPROVED' && !existing?.contractId ? { generic, documents } : {}),
      ...(body.callbackUrl ? { callbackUrl: body.callbackUrl } : {}),
    }, body.eventId);
    if (refusal && !DONE.includes(rec.outcome)) {
      rec = await this.save(key, { outcome: 'refused', error: { code: refusal.code, message: refusal.message } });
      await this.enqueueCallback(rec, 'refused');
    } else if (body.status === 'APPROVED') {
      await this.deps.queue.enqueue(OA_JOBS.stamp, { key }, this.jobOpts(key));
    }
    await this.remember(source, body.eventId, key, body.status);
    this.deps.log?.info('oa: webhook accepted', { request: key, status: body.status });
    return { status: 202, body: { accepted: true, requestId: key, outcome: rec.outcome } };
  }

  private async enqueueCallback(rec: OaRequestRecord, kind: OaReportKind): Promise<void> {
    if (rec.system === 'lark' || !rec.callbackUrl) return;
    await this.deps.queue.enqueue(OA_JOBS.callback, { key: rec.id, kind }, this.jobOpts(`${rec.id}:${kind}`));
  }

  private approvalOfGeneric(rec: OaRequestRecord): Approval {
    const g = rec.generic;
    if (!g) throw new SignetError('INVALID_ARGUMENT', '申请缺少内容。The request has no content: send the APPROVED event with seal, document and approvers.');
    const documents = rec.documents?.length
      ? rec.documents.map((d) => ({ name: d.name, fileId: d.fileId }))
      : g.documentUrl ? [{ name: g.documentName ?? `${rec.instanceId}.pdf`, url: g.documentUrl }] : [];
    return {
      title: g.title || `用印申请 ${rec.instanceId}`,
      seal: g.seal,
      documents,
      approvers: g.approvers,
      approvedAt: g.approvedAt,
      counterparty: g.counterparty?.mustSign ? { signer: g.counterparty.signer ?? g.counterparty.name, mobile: g.counterparty.mobile, signs: true } : undefined,
    };
  }

  // ------------------------------------------------------------------ Signet events

  /**
   * Handles a Signet domain event or webhook about a contract: when a contract made for a request
   * completes (or the counterparty rejects, or it expires or is revoked), the final report is queued.
   */
  async onSignetEvent(type: string, contractId: string): Promise<void> {
    if (!['contract.completed', 'contract.rejected', 'contract.expired', 'contract.revoked'].includes(type)) return;
    const [rec] = await this.collections.requests.find('contract', contractId, { limit: 1 });
    // Only a stamped contract has a final report to make (a refused one was revoked by the connector itself).
    if (!rec?.stampedAt) return;
    await this.deps.queue.enqueue(OA_JOBS.finalize, { key: rec.id }, this.jobOpts(rec.id));
  }

  // ------------------------------------------------------------------ jobs

  /** Fetches a document of a request: from Signet (already uploaded), Lark (attachment URL) or the OA (allowed URL). */
  private async documentBytes(rec: OaRequestRecord, d: Approval['documents'][number]): Promise<Uint8Array> {
    if (!d.url) throw new SignetError('INVALID_ARGUMENT', '申请中的文件无法获取。The request\'s document cannot be fetched.');
    if (rec.system === 'lark') return this.lark().download(d.url, this.maxDoc);
    const g = this.opts.generic;
    if (!hostAllowed(d.url, g?.allowedHosts, g?.allowHttp ?? false)) throw new SignetError('INVALID_ARGUMENT', 'document.url is not on an allowed host.');
    let res: Response;
    try {
      res = await this.fetch(d.url, { signal: AbortSignal.timeout(60_000), redirect: 'error' });
    } catch (e) {
      throw new SignetError('OA_UPSTREAM_FAILED', `无法下载文件。The document could not be downloaded (${(e as Error).message}).`, { upstream: rec.system, retryable: true });
    }
    if (!res.ok) throw new SignetError('OA_UPSTREAM_FAILED', `下载文件失败（HTTP ${res.status}）。The document URL answered ${res.status}.`, { upstream: rec.system, retryable: res.status >= 500 || res.status === 429 });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length > this.maxDoc) throw new SignetError('PAYLOAD_TOO_LARGE', `文件超过 ${this.maxDoc >> 20} MB。The document is larger than ${this.maxDoc >> 20} MB.`);
    return bytes;
  }

  /**
   * The stamping job of one request. Each step records its result, so a repeated run (a retry, or a
   * restart) skips what is done: the contract is created once (bizNo = request key), stamped once
   * (the signer's status is checked first), and reported once (the report's marker is looked for).
   */
  private async stampJob(key: string, ctx: OaJobContext): Promise<OaJobResult> {
    let rec = await this.collections.requests.get(key);
    if (!rec || rec.stampReported) return;
    if (rec.outcome === 'refused') {
      // Refused in an earlier attempt whose report did not get through: report again.
      await this.report(rec, 'refused', []);
      await this.save(key, { stampReported: true });
      return;
    }
    if (DONE.includes(rec.outcome) && !rec.contractId) return;
    let approval: Approval | undefined;
    try {
      if (rec.system === 'lark') {
        const l = await this.loadLark(rec);
        if (l.notSealUse) {
          await this.save(key, { outcome: 'ignored' });
          return;
        }
        if (!l.approval) {
          // The event said APPROVED, Lark says otherwise now: believe Lark, stamp nothing.
          await this.noteStatus('lark', rec.instanceId, l.status);
          return;
        }
        approval = l.approval;
      } else {
        approval = this.approvalOfGeneric(rec);
      }
      const { rec: after, pdfs } = await this.stamp(rec, approval);
      rec = after;
      await this.report(rec, 'stamped', pdfs, approval.instance);
      rec = await this.save(key, { stampReported: true });
      this.deps.log?.info('oa: stamped', { request: key, contract: rec.contractId });
    } catch (e) {
      if (isPermanent(e)) {
        await this.refuse(key, e as SignetError, approval?.instance);
        return;
      }
      if (ctx.attempt >= ctx.maxAttempts) {
        const err = isSignetError(e) ? e : new SignetError('INTERNAL', messageOf(e));
        const r = await this.save(key, { outcome: 'failed', error: { code: err.code, message: err.message } });
        await this.report(r, 'failed', [], approval?.instance).catch(() => undefined);
      }
      this.deps.log?.warn('oa: stamping attempt failed', { request: key, attempt: ctx.attempt, code: isSignetError(e) ? e.code : 'INTERNAL' });
      throw e;
    }
  }

  /** Marks a request refused, revokes its contract when one was made, and tells the applicant why. */
  private async refuse(key: string, e: SignetError, inst?: LarkInstance): Promise<void> {
    let rec = await this.save(key, { outcome: 'refused', error: { code: e.code, message: e.message } });
    if (rec.contractId && !rec.stampedAt) await this.deps.signet.revoke(rec.contractId, `用印申请未能执行 Not stamped: ${e.code}`).catch(() => undefined);
    this.deps.log?.warn('oa: request refused', { request: key, code: e.code });
    // When the report fails, the job is retried and reports again (the refusal itself stands).
    await this.report(rec, 'refused', [], inst);
    rec = await this.save(key, { stampReported: true });
  }

  /** Runs the Signet side of a stamp and returns the stamped PDFs. */
  private async stamp(rec0: OaRequestRecord, a: Approval): Promise<{ rec: OaRequestRecord; pdfs: { name: string; bytes: Uint8Array; sha256: string }[] }> {
    const signet = this.deps.signet;
    const ent = await this.enterprise();
    let rec = rec0;
    if (!rec.contractId) {
      if (a.documents.length === 0) throw new SignetError('INVALID_ARGUMENT', '申请中没有用印文件。The request carries no document.');
      const seals = await signet.seals();
      const sealId = resolveSealChoice(a.seal, seals, rec.system === 'lark' && !seals.some((s) => s.id === a.seal) ? await this.definitionForm(rec.approvalCode) : undefined);
      const seal = seals.find((s) => s.id === sealId);
      if (!seal) throw new SignetError('NOT_FOUND', `找不到申请中的印章「${a.seal}」，请确认印章仍在使用。The seal "${a.seal}" of the request does not exist in Signet; pick an existing seal.`);
      if (!seal.enabled) throw new SignetError('SEAL_DISABLED', `印章「${seal.name}」已停用，请联系印章管理员启用，或改选其他印章。Seal "${seal.name}" is disabled; ask a seal admin to enable it, or pick another seal.`);
      const docs: OaDocument[] = [];
      const orgFields: FieldPlacement[] = [];
      const cpFields: FieldPlacement[] = [];
      for (const [i, d] of a.documents.entries()) {
        const bytes = d.fileId ? await signet.downloadFile(d.fileId) : await this.documentBytes(rec, d);
        const fileId = d.fileId ?? (await signet.uploadFile(bytes, d.name)).fileId;
        docs.push({ name: d.name, fileId });
        orgFields.push(lastPagePlacement(bytes, i, 'right'));
        cpFields.push(lastPagePlacement(bytes, i, 'left'));
      }
      const signers: SignetSignerInput[] = [{ kind: 'organization', name: ent.name, enterpriseId: ent.id, seal: seal.id, step: 1, fields: orgFields }];
      if (a.counterparty?.signs) {
        if (!a.counterparty.signer || !a.counterparty.mobile) {
          throw new SignetError('INVALID_ARGUMENT', '需相对方签署，但未填写相对方签署人姓名或手机号。The counterparty must sign, but the signer\'s name or mobile is missing.');
        }
        signers.push({ kind: 'person', name: a.counterparty.signer, mobile: a.counterparty.mobile, step: 2, fields: cpFields });
      }
      const { contract } = await signet.createContract({
        title: a.title.slice(0, 200), documents: docs.map((d) => ({ fileId: d.fileId, name: d.name })), signers,
        order: 'sequential', bizNo: rec.id, labels: ['用印申请', `oa:${rec.system}`], send: true,
      });
      const org = contract.signers.find((s) => s.kind === 'organization' && s.enterpriseId === ent.id) ?? contract.signers.find((s) => s.kind === 'organization');
      rec = await this.save(rec.id, {
        contractId: contract.id, signerId: org?.id, sealId: seal.id, sealName: seal.name, counterpartySigns: !!a.counterparty?.signs, outcome: 'stamping',
        documents: docs.map((d, i) => ({ ...d, docId: contract.documents[i]?.id })),
      });
    }
    let contract = await signet.contract(rec.contractId!);
    if (!rec.stampedAt) {
      const me = contract.signers.find((s) => s.id === rec.signerId);
      if (!me || me.status !== 'signed') {
        // The server's authority has no approvedAt of its own: the approvers' times carry it.
        const approvers = (a.approvers.length ? a.approvers : [{ name: `${rec.system} 审批通过 Approved`, at: a.approvedAt ?? this.now() }])
          .slice(0, 50).map((p) => ({ name: p.name.slice(0, 100), at: p.at, ...(p.userId ? { userId: p.userId.slice(0, 128) } : {}) }));
        const authority: SignetApprovalAuthority = { kind: 'approval', system: rec.system, instanceCode: rec.instanceId, approvers, title: a.title.slice(0, 200) };
        try {
          contract = await signet.stamp(rec.contractId!, { signerId: rec.signerId, seal: rec.sealId, authority });
        } catch (e) {
          // A stamp that landed just before a crash: the contract has moved on; read it back.
          if (!isSignetError(e, 'CONTRACT_STATE')) throw e;
          contract = await signet.contract(rec.contractId!);
          if (contract.signers.find((s) => s.id === rec.signerId)?.status !== 'signed') throw e;
        }
      }
      const done = contract.state === 'completed';
      rec = await this.save(rec.id, { stampedAt: this.now(), outcome: done ? 'completed' : 'stamped', ...(done ? { finalReported: !rec.counterpartySigns } : {}) });
    }
    const ledger = await signet.ledger(rec.contractId!).catch(() => []);
    const ledgerEntryIds = ledger.filter((l) => l.outcome === 'stamped' && l.authority?.instanceCode === rec.instanceId).map((l) => l.id);
    const pdfs = await this.pdfsOf(rec, contract);
    rec = await this.save(rec.id, { ledgerEntryIds, stampedSha256: pdfs.map((p) => p.sha256) });
    return { rec, pdfs };
  }

  /** The current (or, when completed, final) PDF of every document of a request's contract. */
  private async pdfsOf(rec: OaRequestRecord, contract: SignetContract): Promise<{ name: string; bytes: Uint8Array; sha256: string }[]> {
    const which = contract.state === 'completed' ? 'download' : 'preview';
    const out = [];
    for (const [i, d] of contract.documents.entries()) {
      const bytes = await this.deps.signet.documentPdf(contract.id, d.id, which);
      const name = rec.documents?.[i]?.name ?? (d.name || `document-${i + 1}.pdf`);
      out.push({ name: stampedFileName(name, which === 'download' && !!rec.counterpartySigns), bytes, sha256: sha256(bytes) });
    }
    return out;
  }

  /** Tells the OA: a Lark comment (with the PDFs), or a queued callback for the generic webhook. */
  private async report(rec: OaRequestRecord, kind: OaReportKind, pdfs: { name: string; bytes: Uint8Array; sha256?: string }[], inst?: LarkInstance): Promise<void> {
    if (rec.system !== 'lark') {
      await this.enqueueCallback(rec, kind);
      return;
    }
    const ent = await this.enterprise().catch(() => ({ id: '', name: '' }));
    let text: string;
    switch (kind) {
      case 'stamped': {
        const seal = rec.sealName ?? rec.sealId ?? '';
        text = stampedText({
          key: rec.id, enterprise: ent.name, seal, contractId: rec.contractId!, verifyUrl: this.verifyUrl(),
          documents: pdfs.map((p) => ({ name: p.name, sha256: p.sha256 })), counterpartyPending: !!rec.counterpartySigns && rec.outcome !== 'completed',
        });
        break;
      }
      case 'completed':
        text = completedText({ key: rec.id, contractId: rec.contractId!, verifyUrl: this.verifyUrl(), documents: pdfs.map((p) => ({ name: p.name, sha256: p.sha256 })) });
        break;
      case 'declined':
        text = declinedText({ key: rec.id, contractId: rec.contractId!, state: rec.status });
        break;
      case 'failed':
        text = failedText({ key: rec.id, reason: rec.error?.message ?? '' });
        break;
      default:
        text = refusedText({ key: rec.id, reason: rec.error?.message ?? '' });
    }
    const commentId = await this.larkComment(rec, kind, text, pdfs, inst);
    if (kind === 'stamped' && commentId) await this.save(rec.id, { commentId });
  }

  /** After the counterparty: attaches the final PDF (or says why there is none). */
  private async finalizeJob(key: string, _ctx: OaJobContext): Promise<OaJobResult> {
    const rec = await this.collections.requests.get(key);
    if (!rec?.contractId || !rec.stampedAt || rec.finalReported || rec.outcome !== 'stamped') return;
    if (!rec.stampReported) return { retryAt: new Date(this.clock.now().getTime() + 30_000), error: 'the stamp is not reported yet' };
    const contract = await this.deps.signet.contract(rec.contractId);
    if (contract.state === 'completed') {
      const pdfs = await this.pdfsOf(rec, contract);
      await this.save(key, { outcome: 'completed' });
      await this.report({ ...rec, outcome: 'completed' }, 'completed', pdfs);
      await this.save(key, { finalReported: true });
    } else if (['rejected', 'expired', 'revoked'].includes(contract.state)) {
      const r = await this.save(key, { outcome: 'counterparty_declined' });
      await this.report({ ...r, status: contract.state }, 'declined', []);
      await this.save(key, { finalReported: true });
    }
  }

  /** Posts a result to a generic webhook's callback URL, signed with the shared secret. */
  private async callbackJob(key: string, kind: OaReportKind, _ctx: OaJobContext): Promise<OaJobResult> {
    const rec = await this.collections.requests.get(key);
    const g = this.opts.generic;
    if (!rec?.callbackUrl || !g) return;
    if (!hostAllowed(rec.callbackUrl, g.allowedHosts, g.allowHttp ?? false)) return { deadLetter: 'callbackUrl is not on an allowed host' };
    const documents: Record<string, unknown>[] = [];
    if ((kind === 'stamped' || kind === 'completed') && rec.contractId) {
      const contract = await this.deps.signet.contract(rec.contractId);
      for (const p of await this.pdfsOf(rec, contract)) {
        documents.push({ name: p.name, sha256: p.sha256, size: p.bytes.length, ...(g.includePdf !== false && p.bytes.length <= 20 * 1024 * 1024 ? { base64: Buffer.from(p.bytes).toString('base64') } : {}) });
      }
    }
    const body = JSON.stringify({
      requestId: rec.id, system: rec.system, instanceId: rec.instanceId, event: kind, outcome: rec.outcome,
      contractId: rec.contractId, ledgerEntryIds: rec.ledgerEntryIds, documents, verifyUrl: this.verifyUrl(),
      ...(rec.error && (kind === 'refused' || kind === 'failed') ? { error: rec.error } : {}),
      at: this.now(),
    });
    const t = Math.floor(this.clock.now().getTime() / 1000);
    let res: Response;
    try {
      res = await this.fetch(rec.callbackUrl, {
        method: 'POST', body, redirect: 'error', signal: AbortSignal.timeout(15_000),
        headers: { 'Content-Type': 'application/json; charset=utf-8', [OA_SIGNATURE_HEADER]: signOaWebhook(g.secret, body, t), 'X-Signet-Event': `oa.${kind}`, 'X-Signet-Event-Id': `${rec.id}:${kind}` },
      });
    } catch (e) {
      throw new SignetError('OA_UPSTREAM_FAILED', `回调失败。The callback could not be delivered (${(e as Error).message}).`, { retryable: true });
    }
    if (!res.ok) throw new SignetError('OA_UPSTREAM_FAILED', `回调返回 ${res.status}。The callback answered ${res.status}.`, { retryable: true });
    if (kind === 'completed') await this.save(key, { finalReported: true });
  }

  // ------------------------------------------------------------------ views

  /** The request of an instance, or NOT_FOUND. */
  async request(system: string, instanceId: string): Promise<OaRequestView> {
    const r = await this.collections.requests.get(`${system}:${instanceId}`);
    if (!r) throw new SignetError('NOT_FOUND', `没有该审批实例的用印记录。No seal-use request ${system}:${instanceId} has reached the connector.`);
    return {
      id: r.id, system: r.system, instanceId: r.instanceId, status: r.status, outcome: r.outcome, contractId: r.contractId, sealId: r.sealId,
      stampedAt: r.stampedAt, ledgerEntryIds: r.ledgerEntryIds, error: r.error, statuses: r.statuses.map((s) => ({ status: s.status, at: s.at })), updatedAt: r.updatedAt,
    };
  }
}

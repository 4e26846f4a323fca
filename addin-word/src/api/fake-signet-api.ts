/**
 * An in-memory {@link SignetApi} for tests and the browser preview: one demo user, a template and
 * clause library, contracts that move through the workflow's states, SMS codes that are readable
 * by the test, and a CSRF check like the server's. It stands in for the Signet server only; it
 * makes no signatures (a "signed" PDF is the uploaded one with a comment appended).
 */
import { AddinError } from '../addin-error.js';
import type {
  Clause, ContractView, CreateContractInput, CreateTemplateInput, SessionInfo, SignerView, SignetApi, SignInput,
  SigningOption, TemplateSummary, UploadedFile, VerifyReportView, WillingnessChallenge, WillingnessMethod, WillingnessProof,
} from './signet-api.js';

/** The demo account of the fake server: the same login as the directory's demo seed (`seedDemo()`). */
export const FAKE_ACCOUNT = { mobile: '13800138000', password: 'Signet@2026', name: '王演示', userId: 'u-demo-admin' } as const;

/** A contract as the fake keeps it. */
export interface FakeContract {
  view: ContractView;
  input: CreateContractInput;
  file: { bytes: Uint8Array; name: string; format: 'pdf' | 'docx' };
  signed?: Uint8Array;
}

/** Options of {@link FakeSignetApi}. */
export interface FakeSignetApiOptions {
  baseUrl?: string;
  templates?: TemplateSummary[];
  clauses?: Clause[];
  signingOptions?: SigningOption[];
  /** Every SMS code the fake sends (default 123456). */
  otpCode?: string;
  /** Start logged in (as after a login in the dialog). */
  loggedIn?: boolean;
  now?: () => Date;
}

/** The fake's clause library unless one is given. */
export const SAMPLE_CLAUSES: readonly Clause[] = [
  {
    id: 'cl-confidentiality',
    title: '保密条款 Confidentiality',
    category: '通用 General',
    format: 'html',
    content: '<p><b>Confidentiality.</b> Each party keeps the other party\'s confidential information secret for three years after this agreement ends.</p>',
  },
  {
    id: 'cl-disputes',
    title: '争议解决 Disputes',
    category: '通用 General',
    format: 'html',
    content: '<p><b>Disputes.</b> The parties settle disputes by negotiation; failing that, at the people\'s court where Party A is domiciled.</p>',
  },
];

/** The fake's templates unless some are given. */
export const SAMPLE_TEMPLATES: readonly TemplateSummary[] = [
  { id: 'tpl-labor', name: '劳动合同 Labor contract', description: '标准劳动合同 Standard labor contract', variables: ['employeeName', 'startDate', 'salary'], roles: ['employer', 'employee'] },
  { id: 'tpl-nda', name: '保密协议 NDA', variables: ['counterparty'], roles: ['partyA', 'partyB'] },
];

/** The fake's signatures and seals unless some are given. */
export const SAMPLE_OPTIONS: readonly SigningOption[] = [
  { id: 'sig-personal', kind: 'signature', label: '王演示 的签名 My signature' },
  { id: 'seal-contract', kind: 'seal', label: '合同专用章 Contract seal', enterpriseName: '上海签盟示例科技有限公司', sealType: '合同专用章' },
];

/** The in-memory Signet server. Its collections are public, so tests can assert what was sent. */
export class FakeSignetApi implements SignetApi {
  readonly baseUrl: string;
  /** Uploaded files by id. */
  readonly files = new Map<string, { bytes: Uint8Array; name: string; format: 'pdf' | 'docx' }>();
  /** Contracts by id, in creation order. */
  readonly contracts = new Map<string, FakeContract>();
  /** Reminders sent, in order. */
  readonly reminders: { contractId: string; signerId: string }[] = [];
  /** Templates published through {@link createTemplate}. */
  readonly createdTemplates: CreateTemplateInput[] = [];
  /** SMS codes sent, newest last (login and willingness). */
  readonly smsSent: { mobile: string; code: string; purpose: 'login' | 'willingness' }[] = [];
  private readonly templates: TemplateSummary[];
  private readonly clauses: Clause[];
  private readonly options: SigningOption[];
  private readonly otpCode: string;
  private readonly now: () => Date;
  private readonly serverCsrf = 'fake-csrf-token';
  private loggedIn: boolean;
  private clientCsrf: string | undefined;
  private seq = 0;
  private readonly challenges = new Map<string, { contractId: string; signerId: string; used: boolean }>();
  private readonly proofs = new Map<string, { contractId: string; signerId: string; used: boolean }>();

  constructor(opts: FakeSignetApiOptions = {}) {
    this.baseUrl = (opts.baseUrl ?? 'https://signet.test').replace(/\/+$/, '');
    this.templates = structuredClone([...(opts.templates ?? SAMPLE_TEMPLATES)]);
    this.clauses = [...(opts.clauses ?? SAMPLE_CLAUSES)];
    this.options = [...(opts.signingOptions ?? SAMPLE_OPTIONS)];
    this.otpCode = opts.otpCode ?? '123456';
    this.now = opts.now ?? (() => new Date());
    this.loggedIn = opts.loggedIn ?? false;
  }

  /** The CSRF token the fake server issues: what the login dialog hands the task pane. */
  get csrfToken(): string {
    return this.serverCsrf;
  }

  /** Logs in as the login dialog would, server-side only (sets the "cookie", not the client's token). */
  loginInDialog(): SessionInfo {
    this.loggedIn = true;
    return this.sessionInfo();
  }

  async session(): Promise<SessionInfo | undefined> {
    if (!this.loggedIn) return undefined;
    const s = this.sessionInfo();
    this.clientCsrf = s.csrfToken;
    return s;
  }

  async loginWithPassword(mobile: string, password: string): Promise<SessionInfo> {
    if (mobile !== FAKE_ACCOUNT.mobile || password !== FAKE_ACCOUNT.password) {
      throw new AddinError('LOGIN_FAILED', '手机号或密码错误。Wrong mobile number or password.', { status: 401 });
    }
    this.loggedIn = true;
    this.clientCsrf = this.serverCsrf;
    return this.sessionInfo();
  }

  async requestLoginOtp(mobile: string): Promise<{ expiresAt: string }> {
    this.smsSent.push({ mobile, code: this.otpCode, purpose: 'login' });
    return { expiresAt: this.later(300) };
  }

  async loginWithOtp(mobile: string, code: string): Promise<SessionInfo> {
    if (mobile !== FAKE_ACCOUNT.mobile || code !== this.otpCode) throw new AddinError('OTP_INVALID', '验证码错误。Wrong code: check the SMS and retry.', { status: 400 });
    this.loggedIn = true;
    this.clientCsrf = this.serverCsrf;
    return this.sessionInfo();
  }

  useCsrfToken(token: string): void {
    this.clientCsrf = token;
  }

  async logout(): Promise<void> {
    this.unsafe();
    this.loggedIn = false;
    this.clientCsrf = undefined;
  }

  async listTemplates(query?: string): Promise<TemplateSummary[]> {
    this.safe();
    return this.templates.filter((t) => !query || t.name.toLowerCase().includes(query.toLowerCase()));
  }

  async listClauses(query?: string): Promise<Clause[]> {
    this.safe();
    return this.clauses.filter((c) => !query || c.title.toLowerCase().includes(query.toLowerCase()));
  }

  async uploadFile(bytes: Uint8Array, meta: { name: string; format: 'pdf' | 'docx' }): Promise<UploadedFile> {
    this.unsafe();
    if (meta.format === 'pdf' && !startsWith(bytes, '%PDF-')) throw new AddinError('PDF_NOT_PDF', '上传的文件不是 PDF。The upload is not a PDF file.', { status: 400 });
    const fileId = `f${++this.seq}`;
    this.files.set(fileId, { bytes: bytes.slice(), name: meta.name, format: meta.format });
    return { fileId, sha256: await sha256Hex(bytes), size: bytes.length };
  }

  async createContract(input: CreateContractInput): Promise<ContractView> {
    this.unsafe();
    const file = this.files.get(input.fileId);
    if (!file) throw new AddinError('NOT_FOUND', `文件 ${input.fileId} 不存在。No file ${input.fileId}: upload it first.`, { status: 404 });
    if (input.bizNo) {
      for (const c of this.contracts.values()) if (c.input.bizNo === input.bizNo) return c.view;
    }
    const id = `c${++this.seq}`;
    const signers: SignerView[] = input.signers.map((s, i) => ({
      id: `s${i + 1}`, kind: s.kind, name: s.name, role: s.role, step: s.order, state: 'unread', accountMasked: maskMobile(s.mobile),
      ...(s.userId ? { userId: s.userId } : {}),
    }));
    const view: ContractView = {
      id, title: input.title, state: input.send ? 'signing' : 'draft', createdAt: this.now().toISOString(), signers,
      ...(input.send ? { sentAt: this.now().toISOString() } : {}), ...(input.deadline ? { deadline: input.deadline } : {}),
    };
    this.contracts.set(id, { view, input, file });
    return structuredClone(view);
  }

  async sendContract(contractId: string): Promise<ContractView> {
    this.unsafe();
    const c = this.contract(contractId);
    if (c.view.state !== 'draft') throw new AddinError('CONTRACT_STATE', '合同已发送。The contract was already sent.', { status: 409 });
    c.view.state = 'signing';
    c.view.sentAt = this.now().toISOString();
    return structuredClone(c.view);
  }

  async getContract(contractId: string): Promise<ContractView> {
    this.safe();
    return structuredClone(this.contract(contractId).view);
  }

  async listMyContracts(opts: { limit?: number } = {}): Promise<ContractView[]> {
    this.safe();
    return [...this.contracts.values()].reverse().slice(0, opts.limit ?? 20).map((c) => structuredClone(c.view));
  }

  async remind(contractId: string, signerId: string): Promise<void> {
    this.unsafe();
    const c = this.contract(contractId);
    const s = c.view.signers.find((x) => x.id === signerId);
    if (!s) throw new AddinError('NOT_FOUND', `签署人 ${signerId} 不存在。No signer ${signerId} in this contract.`, { status: 404 });
    if (c.view.state !== 'signing' || s.state === 'signed' || s.state === 'rejected') {
      throw new AddinError('CONTRACT_STATE', '此签署人无需提醒。This signer has nothing left to sign.', { status: 409 });
    }
    this.reminders.push({ contractId, signerId });
  }

  async listSigningOptions(): Promise<SigningOption[]> {
    this.safe();
    return structuredClone(this.options);
  }

  async requestWillingness(contractId: string, signerId: string, method: WillingnessMethod = 'sms_otp'): Promise<WillingnessChallenge> {
    this.unsafe();
    const c = this.contract(contractId);
    if (!c.view.signers.some((s) => s.id === signerId)) throw new AddinError('NOT_FOUND', `签署人 ${signerId} 不存在。No signer ${signerId}.`, { status: 404 });
    const challengeId = `w${++this.seq}`;
    this.challenges.set(challengeId, { contractId, signerId, used: false });
    this.smsSent.push({ mobile: FAKE_ACCOUNT.mobile, code: this.otpCode, purpose: 'willingness' });
    return { challengeId, method, maskedMobile: maskMobile(FAKE_ACCOUNT.mobile), expiresAt: this.later(300) };
  }

  async confirmWillingness(challengeId: string, code: string): Promise<WillingnessProof> {
    this.unsafe();
    const ch = this.challenges.get(challengeId);
    if (!ch || ch.used) throw new AddinError('OTP_EXPIRED', '验证码已失效，请重新获取。The code expired: request a new one.', { status: 400 });
    if (code !== this.otpCode) throw new AddinError('OTP_INVALID', '验证码错误。Wrong code: check the SMS and retry.', { status: 400 });
    ch.used = true;
    const proofId = `p${++this.seq}`;
    this.proofs.set(proofId, { contractId: ch.contractId, signerId: ch.signerId, used: false });
    return { proofId };
  }

  async sign(contractId: string, input: SignInput): Promise<ContractView> {
    this.unsafe();
    const c = this.contract(contractId);
    if (c.view.state !== 'signing') throw new AddinError('CONTRACT_STATE', '合同当前不可签署。The contract is not open for signing.', { status: 409 });
    const proof = this.proofs.get(input.proofId);
    const signerId = input.signerId ?? proof?.signerId;
    if (!proof || proof.used || proof.contractId !== contractId || proof.signerId !== signerId) {
      throw new AddinError('WILLINGNESS_REQUIRED', '请先完成意愿认证。Pass the willingness check first.', { status: 403 });
    }
    if (!this.options.some((o) => o.id === input.optionId)) throw new AddinError('SEAL_NOT_GRANTED', '您无权使用此印章。You hold no grant for this seal.', { status: 403 });
    const signer = c.view.signers.find((s) => s.id === signerId)!;
    const pending = c.view.signers.filter((s) => s.state !== 'signed');
    const step = Math.min(...pending.map((s) => s.step));
    if (c.input.order === 'sequential' && signer.step !== step) throw new AddinError('SIGNER_OUT_OF_TURN', '还未轮到您签署。It is not your turn to sign yet.', { status: 409 });
    proof.used = true;
    signer.state = 'signed';
    signer.signedAt = this.now().toISOString();
    const base = c.signed ?? c.file.bytes;
    c.signed = concat(base, new TextEncoder().encode(`\n% FakeSignetApi: signed by ${signer.id} with ${input.optionId}\n`));
    if (c.view.signers.every((s) => s.state === 'signed')) {
      c.view.state = 'completed';
      c.view.completedAt = this.now().toISOString();
    }
    return structuredClone(c.view);
  }

  async downloadSigned(contractId: string): Promise<Uint8Array> {
    this.safe();
    const c = this.contract(contractId);
    if (!c.signed) throw new AddinError('NOT_COMPLETED', '合同尚无签名。Nobody has signed this contract yet.', { status: 409 });
    return c.signed.slice();
  }

  async downloadEvidence(contractId: string): Promise<Uint8Array> {
    this.safe();
    const c = this.contract(contractId);
    if (c.view.state !== 'completed') throw new AddinError('NOT_COMPLETED', '合同签署完成后才能下载存证包。The evidence package is ready once the contract is complete.', { status: 409 });
    // An empty ZIP (end of central directory only) stands in for the evidence package.
    return Uint8Array.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
  }

  signedPdfUrl(contractId: string): string {
    return `${this.baseUrl}/api/v1/contracts/${encodeURIComponent(contractId)}/download`;
  }

  async createTemplate(input: CreateTemplateInput): Promise<TemplateSummary> {
    this.unsafe();
    if (!this.files.has(input.fileId)) throw new AddinError('NOT_FOUND', `文件 ${input.fileId} 不存在。No file ${input.fileId}.`, { status: 404 });
    this.createdTemplates.push(structuredClone(input));
    const t: TemplateSummary = { id: `tpl${++this.seq}`, name: input.name, variables: input.variables, roles: [...new Set(input.fields.map((f) => f.role))] };
    if (input.description) t.description = input.description;
    this.templates.push(t);
    return t;
  }

  async verify(pdf: Uint8Array): Promise<VerifyReportView> {
    if (!startsWith(pdf, '%PDF-')) throw new AddinError('PDF_NOT_PDF', '这不是 PDF 文件。The file is not a PDF.', { status: 400 });
    const text = new TextDecoder('latin1').decode(pdf);
    const signatures = [...text.matchAll(/% FakeSignetApi: signed by (\S+) with (\S+)/g)].map((m, i) => ({
      index: i + 1, type: 'signature' as const, fieldName: `Signature${i + 1}`, page: 1,
      signer: { commonName: m[1], subject: `CN=${m[1]}` }, coversWholeDocument: false, ltv: true, padesLevel: 'B-LT',
      indication: 'TOTAL_PASSED' as const, problems: [],
    }));
    const valid = signatures.length > 0;
    return {
      valid, signatureCount: signatures.length, revisionCount: 1 + signatures.length, fileSha256: await sha256Hex(pdf), signatures,
      summary: valid ? 'Signed and all signatures are valid.' : 'The document is not signed.',
      summaryZh: valid ? '已签名，所有签名均有效。' : '文档未签名。',
    };
  }

  private sessionInfo(): SessionInfo {
    return {
      user: { id: FAKE_ACCOUNT.userId, name: FAKE_ACCOUNT.name, mobileMasked: maskMobile(FAKE_ACCOUNT.mobile) },
      enterprise: { id: 'e-demo', name: '上海签盟示例科技有限公司' },
      csrfToken: this.serverCsrf,
      expiresAt: this.later(8 * 3600),
    };
  }

  private safe(): void {
    if (!this.loggedIn) throw new AddinError('AUTH_REQUIRED', '请先登录。Log in first.', { status: 401 });
  }

  /** Like the server: a cookie session must echo its CSRF token on unsafe requests. */
  private unsafe(): void {
    this.safe();
    if (this.clientCsrf !== this.serverCsrf) {
      throw new AddinError('CSRF_TOKEN_INVALID', '缺少或错误的 CSRF 令牌。Send the csrfToken from login in the X-CSRF-Token header.', { status: 403 });
    }
  }

  private contract(id: string): FakeContract {
    const c = this.contracts.get(id);
    if (!c) throw new AddinError('NOT_FOUND', `合同 ${id} 不存在。No contract ${id}.`, { status: 404 });
    return c;
  }

  private later(seconds: number): string {
    return new Date(this.now().getTime() + seconds * 1000).toISOString();
  }
}

/** 13800138000 → 138****8000. */
export function maskMobile(mobile: string): string {
  return mobile.length >= 7 ? `${mobile.slice(0, 3)}****${mobile.slice(-4)}` : '****';
}

function startsWith(bytes: Uint8Array, ascii: string): boolean {
  if (bytes.length < ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (bytes[i] !== ascii.charCodeAt(i)) return false;
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

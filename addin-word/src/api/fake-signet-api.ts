/**
 * An in-memory {@link SignetApi} for tests and the browser preview, shaped like the real server:
 * one demo user acting for the demo enterprise, a template and clause library, seals and a saved
 * signature, contracts that move through the workflow's states with signers in steps, willingness
 * checks whose SMS codes the test can read, and the server's credential rules (a session token, or
 * the cookie with its CSRF token). It stands in for the Signet server only; it makes no signatures
 * (a "signed" PDF is the uploaded one with a comment appended).
 */
import { AddinError } from '../addin-error.js';
import type {
  Clause, ContractBox, ContractView, CreateContractInput, CreateTemplateInput, SavedMark, SealView, SessionCredentials, SessionInfo, SignerView,
  SignetApi, SignInput, TemplateSummary, UploadedFile, VerifyReportView, WillingnessAnswer, WillingnessChallenge, WillingnessMethod, WillingnessProof,
} from './signet-api.js';

/** The demo account of the fake server: the same login as the directory's demo seed (`seedDemo()`). */
export const FAKE_ACCOUNT = {
  mobile: '13800138000', password: 'Signet@2026', signingPassword: '135790', name: '王演示', userId: 'u-demo-admin',
  enterprise: { id: 'e-demo', name: '上海签盟示例科技有限公司' },
} as const;

/** A contract as the fake keeps it. */
export interface FakeContract {
  view: ContractView;
  input: CreateContractInput;
  file: { bytes: Uint8Array; name: string };
  signed?: Uint8Array;
}

/** Options of {@link FakeSignetApi}. */
export interface FakeSignetApiOptions {
  baseUrl?: string;
  templates?: TemplateSummary[];
  clauses?: Clause[];
  seals?: SealView[];
  marks?: SavedMark[];
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
  { id: 'tpl-labor', name: '劳动合同 Labor contract', variables: ['employeeName', 'startDate', 'salary'], roles: ['employer', 'employee'] },
  { id: 'tpl-nda', name: '保密协议 NDA', variables: ['counterparty'], roles: ['partyA', 'partyB'] },
];

/** The fake's seals (of the demo enterprise, granted to the demo user) unless some are given. */
export const SAMPLE_SEALS: readonly SealView[] = [
  { id: 'seal-contract', name: '合同专用章', category: 'contract', enterpriseId: FAKE_ACCOUNT.enterprise.id, enabled: true, imageUrl: '/api/v1/seals/seal-contract/image.svg' },
  { id: 'seal-official', name: '公章', category: 'official', enterpriseId: FAKE_ACCOUNT.enterprise.id, enabled: true, imageUrl: '/api/v1/seals/seal-official/image.svg' },
];

/** The fake's saved signatures unless some are given. */
export const SAMPLE_MARKS: readonly SavedMark[] = [
  { id: 'mark-1', kind: 'handwritten_signature', label: '我的签名 My signature', svg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40"><path d="M5 30 C 30 5, 60 5, 95 30" fill="none" stroke="#000"/></svg>' },
];

/** The in-memory Signet server. Its collections are public, so tests can assert what was sent. */
export class FakeSignetApi implements SignetApi {
  readonly baseUrl: string;
  /** Uploaded files by id. */
  readonly files = new Map<string, { bytes: Uint8Array; name: string }>();
  /** Contracts by id, in creation order. */
  readonly contracts = new Map<string, FakeContract>();
  /** Reminders sent, in order (`signerId` undefined: everyone whose turn it is). */
  readonly reminders: { contractId: string; signerId?: string }[] = [];
  /** Templates published through {@link createTemplate}. */
  readonly createdTemplates: CreateTemplateInput[] = [];
  /** Signatures made, in order: which signer, with which seal or mark. */
  readonly signatures: { contractId: string; signerId: string; seal?: string; handwriting: boolean }[] = [];
  /** SMS codes sent, newest last (login and willingness). */
  readonly smsSent: { mobile: string; code: string; purpose: 'login' | 'willingness' }[] = [];
  private readonly templates: TemplateSummary[];
  private readonly clauses: Clause[];
  private readonly seals: SealView[];
  private readonly marks: SavedMark[];
  private readonly otpCode: string;
  private readonly now: () => Date;
  private readonly server = { csrfToken: 'fake-csrf-token', sessionToken: 'fake-session-token-0000000000000000000000000' };
  private loggedIn: boolean;
  private client: Partial<SessionCredentials> = {};
  private seq = 0;
  private readonly challenges = new Map<string, { contractIds: string[]; method: WillingnessMethod; used: boolean }>();
  private readonly proofs = new Map<string, { contractIds: string[]; spent: Set<string> }>();

  constructor(opts: FakeSignetApiOptions = {}) {
    this.baseUrl = (opts.baseUrl ?? 'https://signet.test').replace(/\/+$/, '');
    this.templates = structuredClone([...(opts.templates ?? SAMPLE_TEMPLATES)]);
    this.clauses = [...(opts.clauses ?? SAMPLE_CLAUSES)];
    this.seals = [...(opts.seals ?? SAMPLE_SEALS)];
    this.marks = [...(opts.marks ?? SAMPLE_MARKS)];
    this.otpCode = opts.otpCode ?? '123456';
    this.now = opts.now ?? (() => new Date());
    this.loggedIn = opts.loggedIn ?? false;
  }

  /** The credentials the fake server issues: what the login dialog hands the task pane. */
  get credentials(): SessionCredentials {
    return { ...this.server };
  }

  /** Logs in as the login dialog would, server-side only (the task pane has not adopted the credentials yet). */
  loginInDialog(): SessionInfo {
    this.loggedIn = true;
    return this.sessionInfo();
  }

  async session(): Promise<SessionInfo | undefined> {
    if (!this.loggedIn || (this.client.sessionToken !== undefined && this.client.sessionToken !== this.server.sessionToken)) return undefined;
    this.client.csrfToken = this.server.csrfToken;
    return this.sessionInfo(this.client.sessionToken !== undefined);
  }

  async loginWithPassword(mobile: string, password: string): Promise<SessionInfo> {
    if (mobile !== FAKE_ACCOUNT.mobile || password !== FAKE_ACCOUNT.password) {
      throw new AddinError('LOGIN_FAILED', '手机号或密码错误。Wrong mobile number or password.', { status: 401 });
    }
    return this.loggedInNow();
  }

  async requestLoginOtp(mobile: string): Promise<{ expiresAt: string }> {
    this.smsSent.push({ mobile, code: this.otpCode, purpose: 'login' });
    return { expiresAt: this.later(300) };
  }

  async loginWithOtp(mobile: string, code: string): Promise<SessionInfo> {
    if (mobile !== FAKE_ACCOUNT.mobile || code !== this.otpCode) throw new AddinError('OTP_INVALID', '验证码错误。Wrong code: check the SMS and retry.', { status: 400 });
    return this.loggedInNow();
  }

  useSession(credentials: SessionCredentials): void {
    this.client = { ...credentials };
  }

  async logout(): Promise<void> {
    this.unsafe();
    this.loggedIn = false;
    this.client = {};
  }

  async listTemplates(query?: string): Promise<TemplateSummary[]> {
    this.safe();
    return this.templates.filter((t) => !query || t.name.toLowerCase().includes(query.toLowerCase()));
  }

  async listClauses(query?: string): Promise<Clause[]> {
    this.safe();
    return this.clauses.filter((c) => !query || c.title.toLowerCase().includes(query.toLowerCase()) || c.content.toLowerCase().includes(query.toLowerCase()));
  }

  async uploadFile(pdf: Uint8Array, name: string): Promise<UploadedFile> {
    this.unsafe();
    if (!startsWith(pdf, '%PDF-')) throw new AddinError('PDF_NOT_PDF', '上传的文件不是 PDF。The upload is not a PDF file: send application/pdf.', { status: 400 });
    const fileId = `f${++this.seq}`;
    this.files.set(fileId, { bytes: pdf.slice(), name });
    return { fileId, name, pages: 1, sha256: await sha256Hex(pdf), size: pdf.length };
  }

  async createContract(input: CreateContractInput): Promise<ContractView> {
    this.unsafe();
    const file = this.files.get(input.fileId);
    if (!file) throw new AddinError('NOT_FOUND', `文件 ${input.fileId} 不存在。No file ${input.fileId}: upload it first.`, { status: 404 });
    if (input.bizNo) {
      for (const c of this.contracts.values()) if (c.input.bizNo === input.bizNo) return this.viewOf(c);
    }
    input.signers.forEach((s, i) => {
      if (s.kind === 'organization' && !s.enterpriseId) throw new AddinError('INVALID_ARGUMENT', `企业签署方「${s.name}」须有 enterpriseId。signers[${i}].enterpriseId is required for an organization signer.`, { status: 400 });
      if (s.kind === 'person' && !s.userId && !s.mobile) throw new AddinError('INVALID_ARGUMENT', `个人签署方「${s.name}」须有 userId 或手机号。signers[${i}]: a person signer needs userId, or mobile and name.`, { status: 400 });
    });
    const id = `c${++this.seq}`;
    const signers: SignerView[] = input.signers.map((s, i) => ({
      id: `s${i + 1}`, kind: s.kind, name: s.name, role: s.role, step: s.order, state: 'unread',
      ...(s.mobile ? { accountMasked: maskMobile(s.mobile) } : {}),
      ...(s.kind === 'person' ? { userId: s.userId ?? (s.mobile === FAKE_ACCOUNT.mobile ? FAKE_ACCOUNT.userId : `u-${s.mobile}`) } : { enterpriseId: s.enterpriseId! }),
      ...(s.seal ? { seal: s.seal } : {}),
      methods: [...input.policies.willingness], handwriting: input.policies.handwriting,
    }));
    const view: ContractView = {
      id, title: input.title, state: input.send ? 'signing' : 'draft', createdAt: this.now().toISOString(), signers,
      documents: [{ id: 'd1', name: input.fileName, pages: 1, signatures: 0 }],
      ...(input.send ? { sentAt: this.now().toISOString() } : {}), ...(input.deadline ? { deadline: input.deadline } : {}),
    };
    const c: FakeContract = { view, input, file };
    this.contracts.set(id, c);
    return this.viewOf(c);
  }

  async getContract(contractId: string): Promise<ContractView> {
    this.safe();
    return this.viewOf(this.contract(contractId));
  }

  async listContracts(box: ContractBox, opts: { limit?: number } = {}): Promise<ContractView[]> {
    this.safe();
    const all = [...this.contracts.values()].reverse();
    const pick = all.filter((c) => {
      const mine = c.view.signers.filter((s) => this.isMine(s));
      const turn = this.inTurn(c).filter((s) => this.isMine(s));
      if (box === 'outbox') return c.view.state !== 'draft';
      if (box === 'drafts') return c.view.state === 'draft';
      if (box === 'inbox') return c.view.state !== 'draft' && mine.length > 0;
      if (box === 'todo') return turn.some((s) => s.kind === 'person');
      if (box === 'company_todo') return turn.some((s) => s.kind === 'organization');
      return c.view.state === 'signing' && mine.length > 0 && turn.length === 0;
    });
    // List summaries carry no documents, actions or steps, like the server's ContractSummary.
    return pick.slice(0, opts.limit ?? 20).map((c) => {
      const v = structuredClone(c.view);
      delete v.documents;
      for (const s of v.signers) {
        delete s.step;
        delete s.methods;
        delete s.handwriting;
        delete s.role;
      }
      return v;
    });
  }

  async remind(contractId: string, signerId?: string): Promise<void> {
    this.unsafe();
    const c = this.contract(contractId);
    if (c.view.state !== 'signing') throw new AddinError('CONTRACT_STATE', '合同不在签署中，无需提醒。The contract is not being signed: there is nobody to remind.', { status: 409 });
    if (signerId) {
      const s = c.view.signers.find((x) => x.id === signerId);
      if (!s) throw new AddinError('NOT_FOUND', `签署人 ${signerId} 不存在。No signer ${signerId} in this contract.`, { status: 404 });
      if (!this.inTurn(c).includes(s)) throw new AddinError('SIGNER_OUT_OF_TURN', '还未轮到此签署方。It is not this signer\'s turn yet: remind them once the earlier signers have signed.', { status: 409 });
    }
    this.reminders.push({ contractId, ...(signerId ? { signerId } : {}) });
  }

  async listSeals(): Promise<SealView[]> {
    this.safe();
    return structuredClone(this.seals.filter((s) => s.enabled));
  }

  async listMySignatures(): Promise<SavedMark[]> {
    this.safe();
    return structuredClone(this.marks);
  }

  async startWillingness(contractIds: string[], method?: WillingnessMethod): Promise<WillingnessChallenge> {
    this.unsafe();
    let methods: WillingnessMethod[] | undefined;
    for (const id of contractIds) {
      const s = this.mySignerInTurn(this.contract(id));
      methods = methods ? methods.filter((m) => s.methods!.includes(m)) : [...s.methods!];
    }
    const chosen = method ?? methods?.[0];
    if (!chosen || !methods!.includes(chosen)) throw new AddinError('INVALID_ARGUMENT', `签署策略不接受 ${method}。The signer's policy does not accept ${method}; use one of ${methods?.join(', ')}.`, { status: 400 });
    const challengeId = `w${++this.seq}`;
    this.challenges.set(challengeId, { contractIds: [...contractIds], method: chosen, used: false });
    if (chosen === 'sms_otp') this.smsSent.push({ mobile: FAKE_ACCOUNT.mobile, code: this.otpCode, purpose: 'willingness' });
    return {
      challengeId, method: chosen, fallbacks: methods!.filter((m) => m !== chosen), expiresAt: this.later(300),
      ...(chosen === 'sms_otp' ? { maskedMobile: maskMobile(FAKE_ACCOUNT.mobile) } : {}),
    };
  }

  async confirmWillingness(challengeId: string, answer: WillingnessAnswer): Promise<WillingnessProof> {
    this.unsafe();
    const ch = this.challenges.get(challengeId);
    if (!ch || ch.used) throw new AddinError('WILLINGNESS_REQUIRED', '意愿认证不存在或已完成，请重新发起。The willingness check is unknown or answered: start a new one.', { status: 403 });
    if (ch.method === 'sms_otp' && (!('code' in answer) || answer.code !== this.otpCode)) throw new AddinError('OTP_INVALID', '验证码错误。Wrong code: check the SMS and retry.', { status: 400 });
    if (ch.method === 'password' && (!('password' in answer) || answer.password !== FAKE_ACCOUNT.signingPassword)) {
      throw new AddinError('PASSWORD_INVALID', '签署密码错误。Wrong signing password: retry, or set a new one in the console.', { status: 400 });
    }
    ch.used = true;
    const proofId = `p${++this.seq}`;
    this.proofs.set(proofId, { contractIds: ch.contractIds, spent: new Set() });
    return { proofId };
  }

  async sign(contractId: string, input: SignInput): Promise<ContractView> {
    this.unsafe();
    const c = this.contract(contractId);
    if (c.view.state !== 'signing') throw new AddinError('CONTRACT_STATE', '合同当前不可签署。The contract is not open for signing.', { status: 409 });
    const signer = input.signerId ? c.view.signers.find((s) => s.id === input.signerId) : this.mySignerInTurn(c);
    if (!signer || !this.isMine(signer)) throw new AddinError('FORBIDDEN', '你不能代表此签署方签署。You cannot act as this signer.', { status: 403 });
    if (!this.inTurn(c).includes(signer)) throw new AddinError('SIGNER_OUT_OF_TURN', '还未轮到您签署。It is not your turn to sign yet.', { status: 409 });
    if (signer.kind === 'organization') {
      const sealId = input.seal ?? signer.seal;
      if (!sealId) throw new AddinError('INVALID_ARGUMENT', `请选择印章。Signer ${signer.id} is an organization: give the seal to stamp with.`, { status: 400 });
      if (!this.seals.some((s) => s.id === sealId)) throw new AddinError('SEAL_NOT_GRANTED', '您无权使用此印章。You hold no grant for this seal: ask a seal admin for one.', { status: 403 });
    }
    if (signer.handwriting === 'required' && !input.handwriting) throw new AddinError('INVALID_ARGUMENT', '此签署方须手写签名。This signer must draw a handwritten signature: choose a saved one.', { status: 400 });
    const proof = this.proofs.get(input.proofId);
    if (!proof || !proof.contractIds.includes(contractId) || proof.spent.has(contractId)) {
      throw new AddinError('WILLINGNESS_REQUIRED', '请先完成意愿认证。Pass the willingness check first.', { status: 403 });
    }
    proof.spent.add(contractId);
    signer.state = 'signed';
    signer.signedAt = this.now().toISOString();
    const seal = signer.kind === 'organization' ? input.seal ?? signer.seal : undefined;
    this.signatures.push({ contractId, signerId: signer.id, ...(seal ? { seal } : {}), handwriting: !!input.handwriting });
    c.signed = concat(c.signed ?? c.file.bytes, new TextEncoder().encode(`\n% FakeSignetApi: signed by ${signer.id} with ${seal ?? (input.handwriting ? 'mark' : 'default')}\n`));
    c.view.documents![0].signatures++;
    if (c.view.signers.every((s) => s.state === 'signed')) {
      c.view.state = 'completed';
      c.view.completedAt = this.now().toISOString();
    }
    return this.viewOf(c);
  }

  async downloadDocument(contractId: string, docId: string): Promise<Uint8Array> {
    this.safe();
    const c = this.contract(contractId);
    this.document(c, docId);
    if (c.view.state !== 'completed') throw new AddinError('NOT_COMPLETED', '合同尚未签署完成。The contract is not complete yet: download it once every party has signed.', { status: 409 });
    return (c.signed ?? c.file.bytes).slice();
  }

  async previewDocument(contractId: string, docId: string): Promise<Uint8Array> {
    this.safe();
    const c = this.contract(contractId);
    this.document(c, docId);
    return (c.signed ?? c.file.bytes).slice();
  }

  async downloadEvidence(contractId: string): Promise<Uint8Array> {
    this.safe();
    const c = this.contract(contractId);
    if (c.view.state !== 'completed') throw new AddinError('NOT_COMPLETED', '合同签署完成后才能下载存证包。The evidence package is ready once the contract is complete.', { status: 409 });
    // An empty ZIP (end of central directory only) stands in for the evidence package.
    return Uint8Array.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
  }

  async createTemplate(input: CreateTemplateInput): Promise<TemplateSummary> {
    this.unsafe();
    if (!this.files.has(input.fileId)) throw new AddinError('NOT_FOUND', `文件 ${input.fileId} 不存在。No file ${input.fileId}.`, { status: 404 });
    this.createdTemplates.push(structuredClone(input));
    const t: TemplateSummary = { id: `tpl${++this.seq}`, name: input.name, variables: [], roles: [...new Set(input.fields.filter((f) => f.kind !== 'date').map((f) => f.role))] };
    this.templates.push(t);
    return t;
  }

  async verify(pdf: Uint8Array): Promise<VerifyReportView> {
    if (!startsWith(pdf, '%PDF-')) throw new AddinError('PDF_NOT_PDF', '这不是 PDF 文件。The file is not a PDF.', { status: 400 });
    const text = new TextDecoder('latin1').decode(pdf);
    const signatures = [...text.matchAll(/% FakeSignetApi: signed by (\S+) with (\S+)/g)].map((m, i) => ({
      index: i + 1, type: 'signature' as const, fieldName: `Signature${i + 1}`, page: 1, revision: i + 2,
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

  private loggedInNow(): SessionInfo {
    this.loggedIn = true;
    this.client = { ...this.server };
    return this.sessionInfo(true);
  }

  private sessionInfo(withToken = true): SessionInfo {
    return {
      user: { id: FAKE_ACCOUNT.userId, name: FAKE_ACCOUNT.name, mobileMasked: maskMobile(FAKE_ACCOUNT.mobile), hasSigningPassword: true },
      enterprise: { ...FAKE_ACCOUNT.enterprise, roles: ['super_admin'] },
      csrfToken: this.server.csrfToken,
      ...(withToken ? { sessionToken: this.server.sessionToken } : {}),
      expiresAt: this.later(8 * 3600),
    };
  }

  /** The view with what I may do now, as the server computes `actions`. */
  private viewOf(c: FakeContract): ContractView {
    const v = structuredClone(c.view);
    const actions: string[] = [];
    if (v.state === 'signing') actions.push('remind');
    if (v.state === 'signing' && this.inTurn(c).some((s) => this.isMine(s))) actions.push('sign', 'reject');
    if (v.state === 'completed') actions.push('download', 'evidence');
    v.actions = actions;
    return v;
  }

  private isMine(s: SignerView): boolean {
    return s.kind === 'person' ? s.userId === FAKE_ACCOUNT.userId : s.enterpriseId === FAKE_ACCOUNT.enterprise.id;
  }

  /** The unsigned signers of the lowest pending step (every unsigned signer of a parallel contract). */
  private inTurn(c: FakeContract): SignerView[] {
    if (c.view.state !== 'signing') return [];
    const pending = c.view.signers.filter((s) => s.state === 'unread' || s.state === 'read');
    if (c.input.order === 'parallel') return pending;
    const step = Math.min(...pending.map((s) => s.step ?? 1));
    return pending.filter((s) => (s.step ?? 1) === step);
  }

  private mySignerInTurn(c: FakeContract): SignerView {
    if (c.view.state !== 'signing') throw new AddinError('CONTRACT_STATE', '合同当前不可签署。The contract is not open for signing.', { status: 409 });
    const mine = this.inTurn(c).find((s) => this.isMine(s));
    if (mine) return mine;
    if (c.view.signers.some((s) => this.isMine(s) && s.state !== 'signed')) throw new AddinError('SIGNER_OUT_OF_TURN', '还未轮到您签署。It is not your turn to sign yet.', { status: 409 });
    throw new AddinError('FORBIDDEN', '你不是此合同待签的签署方。You have nothing to sign in this contract.', { status: 403 });
  }

  private safe(): void {
    if (!this.loggedIn) throw new AddinError('AUTH_REQUIRED', '请先登录。Log in first.', { status: 401 });
    if (this.client.sessionToken !== undefined && this.client.sessionToken !== this.server.sessionToken) {
      throw new AddinError('AUTH_REQUIRED', '会话已过期或已退出，请重新登录。Your session has expired or ended: log in again.', { status: 401 });
    }
  }

  /** Like the server: a session token needs nothing more; a cookie session must echo its CSRF token. */
  private unsafe(): void {
    this.safe();
    if (this.client.sessionToken === undefined && this.client.csrfToken !== this.server.csrfToken) {
      throw new AddinError('CSRF_TOKEN_INVALID', '缺少或错误的 CSRF 令牌。Send the csrfToken from login in the X-CSRF-Token header.', { status: 403 });
    }
  }

  private contract(id: string): FakeContract {
    const c = this.contracts.get(id);
    if (!c) throw new AddinError('NOT_FOUND', `合同 ${id} 不存在。No contract ${id}.`, { status: 404 });
    return c;
  }

  private document(c: FakeContract, docId: string): void {
    if (!c.view.documents!.some((d) => d.id === docId)) throw new AddinError('NOT_FOUND', `文件 ${docId} 不存在。Contract ${c.view.id} has no document ${docId}.`, { status: 404 });
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

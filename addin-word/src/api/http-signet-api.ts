/**
 * {@link SignetApi} over HTTP: JSON under `/api/v1` (`docs/api-surface.md`, and the server's
 * `/api/v1/openapi.json`), errors as `{ code, message }`. The session travels as
 * `Authorization: Session <token>` once the login dialog handed a token over (Word on the web
 * shows the task pane in a third-party iframe, where the `SameSite=Lax` cookie is not sent; the
 * header needs no CSRF token), else as the cookie with `X-CSRF-Token` on unsafe requests.
 *
 * | method | path                                              | used for                                        |
 * |--------|---------------------------------------------------|-------------------------------------------------|
 * | POST   | /auth/login/password, /auth/login/otp             | login (`sessionToken: true`), in the dialog     |
 * | POST   | /auth/otp                                         | send a login code                               |
 * | GET    | /auth/session, /me                                | the session, the user and the enterprise        |
 * | POST   | /auth/logout                                      | logout                                          |
 * | GET    | /templates?q=, /clauses?q=                        | the library                                     |
 * | POST   | /files?name=                                      | upload the exported PDF (raw body)              |
 * | POST   | /templates                                        | save as template: `{ name, fileId, definition }`|
 * | POST   | /contracts                                        | create with signers by role, `send: true`       |
 * | GET    | /contracts?box=, /contracts/{contractId}          | track                                           |
 * | POST   | /contracts/{contractId}/remind                    | remind `{ signerId? }`                          |
 * | GET    | /seals, /me/signatures                            | what I may sign with                            |
 * | POST   | /willingness, /willingness/{challengeId}/confirm  | the willingness check                           |
 * | POST   | /contracts/{contractId}/sign                      | sign `{ signerId, proofId, seal?, handwriting? }`|
 * | GET    | /contracts/{contractId}/documents/{docId}/preview | the current revision                            |
 * | GET    | /contracts/{contractId}/documents/{docId}/download| the completed PDF                               |
 * | GET    | /contracts/{contractId}/evidence                  | the evidence package (zip)                      |
 * | POST   | /verify                                           | verify a PDF (raw body)                         |
 */
import { AddinError } from '../addin-error.js';
import type {
  AnchorField, Clause, ContractBox, ContractView, CreateContractInput, CreateTemplateInput, SavedMark, SealView, SessionCredentials, SessionInfo,
  SignerView, SignetApi, SignInput, TemplateSummary, UploadedFile, VerifyReportView, WillingnessAnswer, WillingnessChallenge, WillingnessMethod,
  WillingnessProof,
} from './signet-api.js';

/** Options of {@link HttpSignetApi}. */
export interface HttpSignetApiOptions {
  /** The server, e.g. `https://sign.example.com` (a trailing slash is dropped). */
  baseUrl: string;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** A session to use from the start (a remembered session token). */
  credentials?: SessionCredentials;
}

type Body = { json: unknown } | { bytes: Uint8Array; contentType: string };

/** `GET /auth/session` and the logins (the server's `Session` schema). */
interface WireSession {
  userId: string;
  enterpriseId?: string;
  csrfToken: string;
  expiresAt: string;
  sessionToken?: string;
}

/** `GET /me` (the server's `Me` schema, the parts used). */
interface WireMe {
  user: { id: string; name?: string; mobileMasked?: string; hasSigningPassword?: boolean };
  currentEnterprise?: { id: string; name: string; roles?: string[] };
}

/** A signer in a contract view or a list summary. */
interface WireSigner {
  id: string;
  kind: 'person' | 'organization';
  name: string;
  state: SignerView['state'];
  role?: string;
  step?: number;
  account?: string;
  signedAt?: string;
  userId?: string;
  enterpriseId?: string;
  seal?: string;
  willingness?: { methods: WillingnessMethod[]; handwriting: SignerView['handwriting'] };
}

/** A contract view or list summary. */
interface WireContract {
  id: string;
  title: string;
  state: ContractView['state'];
  createdAt: string;
  sentAt?: string;
  completedAt?: string;
  deadline?: string;
  signers: WireSigner[];
  documents?: { id: string; name: string; pages: number; signatures: number }[];
  actions?: string[];
}

/** The HTTP client of the Signet API. */
export class HttpSignetApi implements SignetApi {
  readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private csrfToken: string | undefined;
  private sessionToken: string | undefined;

  constructor(opts: HttpSignetApiOptions) {
    this.baseUrl = normalizeBaseUrl(opts.baseUrl);
    this.fetchFn = opts.fetch ?? ((...args) => globalThis.fetch(...args));
    if (opts.credentials) this.useSession(opts.credentials);
  }

  async session(): Promise<SessionInfo | undefined> {
    let s: WireSession;
    try {
      s = await this.json<WireSession>('GET', '/auth/session');
    } catch (e) {
      if (e instanceof AddinError && e.code === 'AUTH_REQUIRED') {
        this.forget();
        return undefined;
      }
      throw e;
    }
    this.csrfToken = s.csrfToken;
    return this.sessionInfo(s);
  }

  loginWithPassword(mobile: string, password: string): Promise<SessionInfo> {
    return this.login('/auth/login/password', { mobile, password, sessionToken: true });
  }

  requestLoginOtp(mobile: string): Promise<{ expiresAt: string }> {
    return this.json('POST', '/auth/otp', { json: { mobile } });
  }

  loginWithOtp(mobile: string, code: string): Promise<SessionInfo> {
    return this.login('/auth/login/otp', { mobile, code, sessionToken: true });
  }

  useSession(credentials: SessionCredentials): void {
    this.csrfToken = credentials.csrfToken;
    this.sessionToken = credentials.sessionToken;
  }

  async logout(): Promise<void> {
    try {
      await this.call('POST', '/auth/logout');
    } catch (e) {
      // A session that already ended is logged out.
      if (!(e instanceof AddinError && e.code === 'AUTH_REQUIRED')) throw e;
    }
    this.forget();
  }

  async listTemplates(query?: string): Promise<TemplateSummary[]> {
    const page = await this.json<{ items: WireTemplate[] }>('GET', `/templates${qs({ q: query, limit: '500' })}`);
    return page.items.map(templateOf);
  }

  async listClauses(query?: string): Promise<Clause[]> {
    const list = await this.json<{ items: { id: string; title: string; html: string; category?: string }[] }>('GET', `/clauses${qs({ q: query })}`);
    return list.items.map((c) => ({ id: c.id, title: c.title, ...(c.category ? { category: c.category } : {}), format: 'html', content: c.html }));
  }

  uploadFile(pdf: Uint8Array, name: string): Promise<UploadedFile> {
    return this.json('POST', `/files${qs({ name })}`, { bytes: pdf, contentType: 'application/pdf' });
  }

  async createContract(input: CreateContractInput): Promise<ContractView> {
    return contractOf(await this.json<WireContract>('POST', '/contracts', { json: contractBody(input) }));
  }

  async getContract(contractId: string): Promise<ContractView> {
    return contractOf(await this.json<WireContract>('GET', `/contracts/${seg(contractId)}`));
  }

  async listContracts(box: ContractBox, opts: { limit?: number } = {}): Promise<ContractView[]> {
    const page = await this.json<{ items: WireContract[] }>('GET', `/contracts${qs({ box, limit: String(opts.limit ?? 20) })}`);
    return page.items.map(contractOf);
  }

  async remind(contractId: string, signerId?: string): Promise<void> {
    await this.call('POST', `/contracts/${seg(contractId)}/remind`, { json: signerId ? { signerId } : {} });
  }

  async listSeals(): Promise<SealView[]> {
    const page = await this.json<{ items: SealView[] }>('GET', '/seals?enabled=true&limit=500');
    return page.items.map((s) => ({ id: s.id, name: s.name, category: s.category, enterpriseId: s.enterpriseId, enabled: s.enabled, imageUrl: s.imageUrl }));
  }

  async listMySignatures(): Promise<SavedMark[]> {
    const list = await this.json<{ items: SavedMark[] }>('GET', '/me/signatures');
    return list.items.map((m) => ({ id: m.id, kind: m.kind, ...(m.label ? { label: m.label } : {}), svg: m.svg }));
  }

  async startWillingness(contractIds: string[], method?: WillingnessMethod): Promise<WillingnessChallenge> {
    const c = await this.json<WillingnessChallenge>('POST', '/willingness', { json: { contractIds, ...(method ? { method } : {}) } });
    return { challengeId: c.challengeId, method: c.method, fallbacks: c.fallbacks ?? [], ...(c.maskedMobile ? { maskedMobile: c.maskedMobile } : {}), expiresAt: c.expiresAt };
  }

  async confirmWillingness(challengeId: string, answer: WillingnessAnswer): Promise<WillingnessProof> {
    const p = await this.json<WillingnessProof>('POST', `/willingness/${seg(challengeId)}/confirm`, { json: answer });
    return { proofId: p.proofId };
  }

  async sign(contractId: string, input: SignInput): Promise<ContractView> {
    return contractOf(await this.json<WireContract>('POST', `/contracts/${seg(contractId)}/sign`, { json: input }));
  }

  downloadDocument(contractId: string, docId: string): Promise<Uint8Array> {
    return this.bytes(`/contracts/${seg(contractId)}/documents/${seg(docId)}/download`, 'application/pdf');
  }

  previewDocument(contractId: string, docId: string): Promise<Uint8Array> {
    return this.bytes(`/contracts/${seg(contractId)}/documents/${seg(docId)}/preview`, 'application/pdf');
  }

  downloadEvidence(contractId: string): Promise<Uint8Array> {
    return this.bytes(`/contracts/${seg(contractId)}/evidence`, 'application/zip');
  }

  async createTemplate(input: CreateTemplateInput): Promise<TemplateSummary> {
    return templateOf(await this.json<WireTemplate>('POST', '/templates', { json: templateBody(input) }));
  }

  verify(pdf: Uint8Array): Promise<VerifyReportView> {
    return this.json('POST', '/verify', { bytes: pdf, contentType: 'application/pdf' });
  }

  private async login(path: string, body: Record<string, unknown>): Promise<SessionInfo> {
    const s = await this.json<WireSession>('POST', path, { json: body });
    if (typeof s?.csrfToken !== 'string' || typeof s.userId !== 'string') {
      throw new AddinError('API_RESPONSE_INVALID', '服务器返回的会话信息不完整。The server\'s login answer lacks the user or the csrfToken: check that the URL is a Signet server.');
    }
    this.useSession({ csrfToken: s.csrfToken, ...(s.sessionToken ? { sessionToken: s.sessionToken } : {}) });
    return this.sessionInfo(s);
  }

  /** The session with the user's name and enterprise from `GET /me`. */
  private async sessionInfo(s: WireSession): Promise<SessionInfo> {
    const me = await this.json<WireMe>('GET', '/me');
    const e = me.currentEnterprise;
    return {
      user: {
        id: me.user.id, name: me.user.name ?? me.user.mobileMasked ?? me.user.id,
        ...(me.user.mobileMasked ? { mobileMasked: me.user.mobileMasked } : {}),
        ...(me.user.hasSigningPassword !== undefined ? { hasSigningPassword: me.user.hasSigningPassword } : {}),
      },
      ...(e ? { enterprise: { id: e.id, name: e.name, roles: e.roles ?? [] } } : {}),
      csrfToken: s.csrfToken,
      ...(this.sessionToken ? { sessionToken: this.sessionToken } : {}),
      expiresAt: s.expiresAt,
    };
  }

  private forget(): void {
    this.csrfToken = undefined;
    this.sessionToken = undefined;
  }

  private async json<T>(method: string, path: string, body?: Body): Promise<T> {
    const res = await this.call(method, path, body, 'application/json');
    try {
      return (await res.json()) as T;
    } catch (e) {
      throw new AddinError('API_RESPONSE_INVALID', `服务器返回的不是 JSON（${method} ${path}）。The server did not answer ${method} ${path} with JSON: check that the URL is a Signet server.`, { status: res.status, cause: e });
    }
  }

  private async bytes(path: string, accept: string): Promise<Uint8Array> {
    const res = await this.call('GET', path, undefined, accept);
    return new Uint8Array(await res.arrayBuffer());
  }

  /** One request; a non-2xx answer becomes an AddinError with the server's code and message. */
  private async call(method: string, path: string, body?: Body, accept = 'application/json'): Promise<Response> {
    const headers: Record<string, string> = { Accept: accept };
    let payload: BodyInit | undefined;
    if (body && 'json' in body) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['Content-Type'] = body.contentType;
      payload = body.bytes as Uint8Array<ArrayBuffer>;
    }
    // One credential per request: the token where the login handed one over, else the cookie.
    if (this.sessionToken) headers.Authorization = `Session ${this.sessionToken}`;
    else if (method !== 'GET' && method !== 'HEAD' && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    const url = `${this.baseUrl}/api/v1${path}`;
    let res: Response;
    try {
      res = await this.fetchFn(url, { method, headers, body: payload, credentials: this.sessionToken ? 'omit' : 'include' });
    } catch (e) {
      throw new AddinError('NETWORK_UNREACHABLE', `无法连接服务器 ${this.baseUrl}，请检查地址和网络。Could not reach ${this.baseUrl}: check the server URL and the network.`, { cause: e });
    }
    if (res.ok) return res;
    let code = `HTTP_${res.status}`;
    let message = `服务器返回 ${res.status}（${method} ${path}）。The server answered ${res.status} to ${method} ${path}.`;
    let details: Record<string, unknown> | undefined;
    try {
      const err = (await res.json()) as { code?: unknown; message?: unknown; details?: unknown };
      if (typeof err.code === 'string') code = err.code;
      if (typeof err.message === 'string') message = err.message;
      if (err.details && typeof err.details === 'object') details = err.details as Record<string, unknown>;
    } catch {
      // Not the { code, message } shape: keep the status-based error.
    }
    if (res.status === 401 && code === 'HTTP_401') code = 'AUTH_REQUIRED';
    throw new AddinError(code, message, { status: res.status, ...(details ? { details } : {}) });
  }
}

/** A template as `GET /templates` (variable names) or `POST /templates` (variable objects) shows it. */
interface WireTemplate {
  id: string;
  name: string;
  roles: string[];
  variables: (string | { name: string })[];
  createdAt?: string;
}

function templateOf(t: WireTemplate): TemplateSummary {
  return {
    id: t.id, name: t.name, roles: [...t.roles], variables: t.variables.map((v) => (typeof v === 'string' ? v : v.name)),
    ...(t.createdAt ? { createdAt: t.createdAt } : {}),
  };
}

/** The add-in's view of a contract view or list summary (the account comes masked from the server). */
export function contractOf(c: WireContract): ContractView {
  return {
    id: c.id, title: c.title, state: c.state, createdAt: c.createdAt,
    ...opt('sentAt', c.sentAt), ...opt('completedAt', c.completedAt), ...opt('deadline', c.deadline),
    signers: c.signers.map((s) => ({
      id: s.id, kind: s.kind, name: s.name, state: s.state,
      ...opt('role', s.role), ...opt('step', s.step), ...opt('accountMasked', s.account), ...opt('signedAt', s.signedAt),
      ...opt('userId', s.userId), ...opt('enterpriseId', s.enterpriseId), ...opt('seal', s.seal),
      ...(s.willingness ? { methods: [...s.willingness.methods], handwriting: s.willingness.handwriting } : {}),
    })),
    ...(c.documents ? { documents: c.documents.map((d) => ({ id: d.id, name: d.name, pages: d.pages, signatures: d.signatures })) } : {}),
    ...(c.actions ? { actions: [...c.actions] } : {}),
  };
}

/**
 * The JSON body of `POST /api/v1/contracts`: the uploaded PDF as the one document, and each signer
 * with its role. The server turns the PDF's `signet:sign:<role>` and `signet:seal:<role>` markers
 * into the fields of the signer with that role, so no field is sent.
 */
export function contractBody(input: CreateContractInput): Record<string, unknown> {
  return {
    title: input.title,
    documents: [{ fileId: input.fileId, name: input.fileName }],
    order: input.order,
    ...opt('deadline', input.deadline),
    ...opt('bizNo', input.bizNo),
    level: input.policies.level,
    ...(input.policies.certify ? { certify: input.policies.certify } : {}),
    send: input.send,
    signers: input.signers.map((s) => ({
      kind: s.kind,
      name: s.name,
      role: s.role,
      step: s.order,
      ...(s.kind === 'person'
        ? (s.userId ? { userId: s.userId } : { mobile: s.mobile })
        : { enterpriseId: s.enterpriseId, ...opt('seal', s.seal), ...(s.mobile ? { mobile: s.mobile } : {}) }),
      willingness: { methods: input.policies.willingness, handwriting: input.policies.handwriting },
    })),
  };
}

/**
 * The JSON body of `POST /api/v1/templates`: one signature or seal field per marker, placed at its
 * anchor text wherever it occurs (`core/src/template` `TemplateDefinition`). Date markers are left
 * out: a template's date fields are variables, not signing dates.
 */
export function templateBody(input: CreateTemplateInput): Record<string, unknown> {
  const fields = input.fields
    .filter((f): f is AnchorField & { kind: 'signature' | 'seal' } => f.kind !== 'date')
    .map((f) => ({ name: `${f.kind}-${f.role}`, type: f.kind, role: f.role, anchor: { text: f.anchorText, occurrence: 'all' } }));
  return { name: input.name, fileId: input.fileId, definition: { fields } };
}

/** `https://x.example/` → `https://x.example`; throws INVALID_ARGUMENT for anything but an http(s) URL. */
export function normalizeBaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new AddinError('INVALID_ARGUMENT', `服务器地址无效：“${url}”。请输入完整地址，例如 https://sign.example.com。Invalid server URL "${url}": enter a full URL such as https://sign.example.com.`, { details: { field: 'serverUrl' } });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new AddinError('INVALID_ARGUMENT', `服务器地址须以 https:// 开头。The server URL must start with https://, not ${u.protocol}//.`, { details: { field: 'serverUrl' } });
  }
  if (u.search || u.hash) {
    throw new AddinError('INVALID_ARGUMENT', '服务器地址不能包含 ? 或 #。The server URL must not carry a query or a fragment.', { details: { field: 'serverUrl' } });
  }
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

function opt<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}

function seg(s: string): string {
  return encodeURIComponent(s);
}

function qs(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

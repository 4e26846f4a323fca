/**
 * {@link SignetApi} over HTTP: JSON under `/api/v1`, the session cookie (sent by the browser,
 * `credentials: 'include'`), the session's CSRF token in `X-CSRF-Token` on unsafe requests, and
 * errors as `{ code, message }`.
 *
 * The contract, template and willingness routes are being written on the server at the same time
 * as this client, so the routes below are ASSUMED, except `/api/v1/verify` and the `auth` routes
 * that `server/src/auth/` already names. Wiring the real routes is meant to be a change to this
 * one file.
 *
 * | method | path                                                   | body → answer                                       |
 * |--------|--------------------------------------------------------|-----------------------------------------------------|
 * | GET    | /api/v1/auth/session                                   | → SessionInfo, or 401 AUTH_REQUIRED                 |
 * | POST   | /api/v1/auth/login/password                            | { mobile, password } → SessionInfo (+ Set-Cookie)   |
 * | POST   | /api/v1/auth/login/otp/send                            | { mobile } → { expiresAt }                          |
 * | POST   | /api/v1/auth/login/otp                                 | { mobile, code } → SessionInfo (+ Set-Cookie)       |
 * | POST   | /api/v1/auth/logout                                    | → 204                                               |
 * | GET    | /api/v1/templates?q=                                   | → { items: TemplateSummary[] }                      |
 * | POST   | /api/v1/templates                                      | CreateTemplateInput → TemplateSummary               |
 * | GET    | /api/v1/clauses?q=                                     | → { items: Clause[] }                               |
 * | POST   | /api/v1/files                                          | PDF/DOCX bytes, X-Signet-File-Name → UploadedFile   |
 * | POST   | /api/v1/contracts                                      | (see {@link contractBody}) → ContractView           |
 * | GET    | /api/v1/contracts?box=mine&limit=                      | → { items: ContractView[] }                         |
 * | GET    | /api/v1/contracts/:id                                  | → ContractView                                      |
 * | POST   | /api/v1/contracts/:id/send                             | → ContractView                                      |
 * | POST   | /api/v1/contracts/:id/signers/:signerId/remind         | → 204                                               |
 * | POST   | /api/v1/contracts/:id/signers/:signerId/willingness    | { method } → WillingnessChallenge                   |
 * | POST   | /api/v1/willingness/:challengeId/verify                | { code } → { proofId }                              |
 * | POST   | /api/v1/contracts/:id/sign                             | { signerId?, optionId, proofId } → ContractView     |
 * | GET    | /api/v1/contracts/:id/download                         | → application/pdf                                   |
 * | GET    | /api/v1/contracts/:id/evidence                         | → application/zip                                   |
 * | GET    | /api/v1/me/signing-options                             | → { items: SigningOption[] }                        |
 * | POST   | /api/v1/verify                                         | PDF bytes → VerificationReport (exists today)       |
 */
import { AddinError } from '../addin-error.js';
import type {
  Clause, ContractView, CreateContractInput, CreateTemplateInput, SessionInfo, SignetApi, SignInput, SigningOption,
  TemplateSummary, UploadedFile, VerifyReportView, WillingnessChallenge, WillingnessMethod, WillingnessProof,
} from './signet-api.js';

/** Options of {@link HttpSignetApi}. */
export interface HttpSignetApiOptions {
  /** The server, e.g. `https://sign.example.com` (a trailing slash is dropped). */
  baseUrl: string;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

type Body = { json: unknown } | { bytes: Uint8Array; contentType: string; headers?: Record<string, string> };

/** The HTTP client of the Signet API. */
export class HttpSignetApi implements SignetApi {
  readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private csrfToken: string | undefined;

  constructor(opts: HttpSignetApiOptions) {
    this.baseUrl = normalizeBaseUrl(opts.baseUrl);
    this.fetchFn = opts.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  async session(): Promise<SessionInfo | undefined> {
    try {
      return this.remember(await this.json<SessionInfo>('GET', '/auth/session'));
    } catch (e) {
      if (e instanceof AddinError && e.code === 'AUTH_REQUIRED') {
        this.csrfToken = undefined;
        return undefined;
      }
      throw e;
    }
  }

  async loginWithPassword(mobile: string, password: string): Promise<SessionInfo> {
    return this.remember(await this.json<SessionInfo>('POST', '/auth/login/password', { json: { mobile, password } }));
  }

  requestLoginOtp(mobile: string): Promise<{ expiresAt: string }> {
    return this.json('POST', '/auth/login/otp/send', { json: { mobile } });
  }

  async loginWithOtp(mobile: string, code: string): Promise<SessionInfo> {
    return this.remember(await this.json<SessionInfo>('POST', '/auth/login/otp', { json: { mobile, code } }));
  }

  useCsrfToken(token: string): void {
    this.csrfToken = token;
  }

  async logout(): Promise<void> {
    await this.call('POST', '/auth/logout');
    this.csrfToken = undefined;
  }

  async listTemplates(query?: string): Promise<TemplateSummary[]> {
    return (await this.json<{ items: TemplateSummary[] }>('GET', `/templates${qs({ q: query })}`)).items;
  }

  async listClauses(query?: string): Promise<Clause[]> {
    return (await this.json<{ items: Clause[] }>('GET', `/clauses${qs({ q: query })}`)).items;
  }

  uploadFile(bytes: Uint8Array, meta: { name: string; format: 'pdf' | 'docx' }): Promise<UploadedFile> {
    const contentType = meta.format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    return this.json('POST', '/files', { bytes, contentType, headers: { 'X-Signet-File-Name': encodeURIComponent(meta.name) } });
  }

  createContract(input: CreateContractInput): Promise<ContractView> {
    return this.json('POST', '/contracts', { json: contractBody(input) });
  }

  sendContract(contractId: string): Promise<ContractView> {
    return this.json('POST', `/contracts/${seg(contractId)}/send`);
  }

  getContract(contractId: string): Promise<ContractView> {
    return this.json('GET', `/contracts/${seg(contractId)}`);
  }

  async listMyContracts(opts: { limit?: number } = {}): Promise<ContractView[]> {
    return (await this.json<{ items: ContractView[] }>('GET', `/contracts${qs({ box: 'mine', limit: String(opts.limit ?? 20) })}`)).items;
  }

  async remind(contractId: string, signerId: string): Promise<void> {
    await this.call('POST', `/contracts/${seg(contractId)}/signers/${seg(signerId)}/remind`);
  }

  async listSigningOptions(): Promise<SigningOption[]> {
    return (await this.json<{ items: SigningOption[] }>('GET', '/me/signing-options')).items;
  }

  requestWillingness(contractId: string, signerId: string, method: WillingnessMethod = 'sms_otp'): Promise<WillingnessChallenge> {
    return this.json('POST', `/contracts/${seg(contractId)}/signers/${seg(signerId)}/willingness`, { json: { method } });
  }

  confirmWillingness(challengeId: string, code: string): Promise<WillingnessProof> {
    return this.json('POST', `/willingness/${seg(challengeId)}/verify`, { json: { code } });
  }

  sign(contractId: string, input: SignInput): Promise<ContractView> {
    return this.json('POST', `/contracts/${seg(contractId)}/sign`, { json: input });
  }

  downloadSigned(contractId: string): Promise<Uint8Array> {
    return this.bytes('GET', `/contracts/${seg(contractId)}/download`, 'application/pdf');
  }

  downloadEvidence(contractId: string): Promise<Uint8Array> {
    return this.bytes('GET', `/contracts/${seg(contractId)}/evidence`, 'application/zip');
  }

  signedPdfUrl(contractId: string): string {
    return `${this.baseUrl}/api/v1/contracts/${seg(contractId)}/download`;
  }

  createTemplate(input: CreateTemplateInput): Promise<TemplateSummary> {
    return this.json('POST', '/templates', { json: input });
  }

  verify(pdf: Uint8Array): Promise<VerifyReportView> {
    return this.json('POST', '/verify', { bytes: pdf, contentType: 'application/pdf' });
  }

  private remember(s: SessionInfo): SessionInfo {
    if (typeof s?.csrfToken !== 'string' || !s.user) {
      throw new AddinError('API_RESPONSE_INVALID', '服务器返回的会话信息不完整。The server\'s session answer lacks the user or the csrfToken: check that the URL is a Signet server.');
    }
    this.csrfToken = s.csrfToken;
    return s;
  }

  private async json<T>(method: string, path: string, body?: Body): Promise<T> {
    const res = await this.call(method, path, body, 'application/json');
    try {
      return (await res.json()) as T;
    } catch (e) {
      throw new AddinError('API_RESPONSE_INVALID', `服务器返回的不是 JSON（${method} ${path}）。The server did not answer ${method} ${path} with JSON: check that the URL is a Signet server.`, { status: res.status, cause: e });
    }
  }

  private async bytes(method: string, path: string, accept: string): Promise<Uint8Array> {
    const res = await this.call(method, path, undefined, accept);
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
      Object.assign(headers, body.headers);
      payload = body.bytes as Uint8Array<ArrayBuffer>;
    }
    if (method !== 'GET' && method !== 'HEAD' && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    const url = `${this.baseUrl}/api/v1${path}`;
    let res: Response;
    try {
      res = await this.fetchFn(url, { method, headers, body: payload, credentials: 'include' });
    } catch (e) {
      throw new AddinError('NETWORK_UNREACHABLE', `无法连接服务器 ${this.baseUrl}，请检查地址和网络。Could not reach ${this.baseUrl}: check the server URL and the network.`, { cause: e });
    }
    if (res.ok) return res;
    let code = `HTTP_${res.status}`;
    let message = `服务器返回 ${res.status}（${method} ${path}）。The server answered ${res.status} to ${method} ${path}.`;
    try {
      const err = (await res.json()) as { code?: unknown; message?: unknown };
      if (typeof err.code === 'string') code = err.code;
      if (typeof err.message === 'string') message = err.message;
    } catch {
      // Not the { code, message } shape: keep the status-based error.
    }
    if (res.status === 401 && code === `HTTP_401`) code = 'AUTH_REQUIRED';
    throw new AddinError(code, message, { status: res.status });
  }
}

/**
 * The JSON body of `POST /api/v1/contracts`, in the shape of core's `ContractService.create`
 * input: signers carry their anchored fields (`{ anchor: { text, occurrence: 'all' }, kind }`).
 */
export function contractBody(input: CreateContractInput): Record<string, unknown> {
  return {
    title: input.title,
    files: [{ fileId: input.fileId, name: input.fileName }],
    order: input.order,
    ...(input.deadline ? { deadline: input.deadline } : {}),
    ...(input.bizNo ? { bizNo: input.bizNo } : {}),
    level: input.policies.level,
    ...(input.policies.certify ? { certify: input.policies.certify } : {}),
    send: input.send,
    variables: input.variables,
    signers: input.signers.map((s) => ({
      kind: s.kind,
      name: s.name,
      account: s.mobile,
      role: s.role,
      step: s.order,
      ...(s.userId ? { userId: s.userId } : {}),
      willingness: { methods: input.policies.willingness, handwriting: input.policies.handwriting },
      fields: input.fields
        .filter((f) => f.role === s.role && f.kind !== 'date')
        .map((f) => ({ anchor: { text: f.anchorText, occurrence: 'all' }, kind: f.kind })),
      dateFields: input.fields
        .filter((f) => f.role === s.role && f.kind === 'date')
        .map((f) => ({ anchor: { text: f.anchorText, occurrence: 'all' } })),
    })),
  };
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

function seg(s: string): string {
  return encodeURIComponent(s);
}

function qs(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

/**
 * The Signet API as the connector uses it (docs/api-surface.md), behind a port so that the
 * connector's logic reads as the flow it is: upload → contract → stamp → download → ledger.
 * {@link HttpSignetApi} is the adapter: HTTP with SIGNET-HMAC-SHA256 integrator signatures.
 */
import { ERROR_CODES, SignetError, type ErrorCode } from '@signet/core';
import { signSignetRequest, type SignetAppCredentials } from './signet-request-signature.js';

/** A seal as `GET /seals` lists it. */
export interface SignetSeal {
  id: string;
  name: string;
  enabled: boolean;
  category?: string;
}

/** A signer of a contract view. */
export interface SignetContractSigner {
  id: string;
  kind: 'person' | 'organization';
  name: string;
  status: string;
  enterpriseId?: string;
}

/** A document of a contract view. */
export interface SignetContractDocument {
  id: string;
  name: string;
  /** SHA-256 of the current revision, when the view carries it. */
  sha256?: string;
}

/** The parts of a contract view (`GET /contracts/{contractId}`) the connector reads. */
export interface SignetContract {
  id: string;
  state: string;
  title: string;
  bizNo?: string;
  documents: SignetContractDocument[];
  signers: SignetContractSigner[];
}

/** A seal-ledger entry (`GET /seal-ledger`). */
export interface SignetLedgerEntry {
  id: string;
  seal: string;
  contractId: string;
  outcome: string;
  authority?: { kind: string; system?: string; instanceCode?: string };
}

/** An uploaded file (`POST /files`). */
export interface SignetFile {
  fileId: string;
  name: string;
  pages: number;
  sha256: string;
  size: number;
}

/** A signer of `POST /contracts`. */
export interface SignetSignerInput {
  kind: 'person' | 'organization';
  name: string;
  enterpriseId?: string;
  seal?: string;
  mobile?: string;
  step?: number;
  role?: string;
  fields?: ({ file?: number; page: number; rect: { x: number; y: number; w: number; h: number } } | { file?: number; invisible: true })[];
}

/** The body of `POST /contracts` from uploaded files. */
export interface SignetCreateContract {
  title: string;
  documents: { fileId: string; name?: string }[];
  signers: SignetSignerInput[];
  order?: 'sequential' | 'parallel';
  bizNo: string;
  labels?: string[];
  send: boolean;
}

/** The approval that authorises one stamp (ExternalApproval of core/src/workflow/seal-record.ts). */
export interface SignetApprovalAuthority {
  kind: 'approval';
  system: string;
  instanceCode: string;
  approvers: { name: string; at: string; userId?: string }[];
  title?: string;
}

/** What the connector does with the Signet server. */
export interface SignetApi {
  /** The enterprise the connector's integrator app acts for. */
  whoami(): Promise<{ enterpriseId: string; appId: string }>;
  /** An enterprise's display name. */
  enterpriseName(enterpriseId: string): Promise<string>;
  /** The enterprise's seals (optionally only the enabled ones). */
  seals(opts?: { enabled?: boolean }): Promise<SignetSeal[]>;
  uploadFile(pdf: Uint8Array, name: string): Promise<SignetFile>;
  /** An uploaded file's bytes (`GET /files/{fileId}`). */
  downloadFile(fileId: string): Promise<Uint8Array>;
  createContract(input: SignetCreateContract): Promise<{ contract: SignetContract; created: boolean }>;
  contract(contractId: string): Promise<SignetContract>;
  /** Silent enterprise signing under a standing authorization, with the approval as authority. */
  stamp(contractId: string, input: { signerId?: string; seal?: string; authority: SignetApprovalAuthority }): Promise<SignetContract>;
  /** The current PDF of a document (`preview`) or the completed one (`download`). */
  documentPdf(contractId: string, docId: string, which: 'preview' | 'download'): Promise<Uint8Array>;
  /** Seal-ledger entries of one contract (`GET /seal-ledger?contractId=`). */
  ledger(contractId: string): Promise<SignetLedgerEntry[]>;
  /** Revokes a contract that will not be stamped (`POST /contracts/{contractId}/revoke`). */
  revoke(contractId: string, reason: string): Promise<void>;
}

/** Options of {@link HttpSignetApi}. */
export interface HttpSignetApiOptions {
  /** The server, e.g. `https://sign.example.com` (a function when known only after listening). */
  baseUrl: string | (() => string);
  credentials: SignetAppCredentials;
  /** Per-request timeout (default 60 s: a stamp at B-LT takes a while on a busy server). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Json = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function contractOf(raw: unknown): SignetContract {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Json;
  const c = (o.contract && typeof o.contract === 'object' ? o.contract : o) as Json;
  const docs = Array.isArray(c.documents) ? (c.documents as Json[]) : [];
  const signers = Array.isArray(c.signers) ? (c.signers as Json[]) : [];
  return {
    id: str(c.id ?? c.contractId),
    state: str(c.state ?? c.status),
    title: str(c.title),
    bizNo: c.bizNo === undefined ? undefined : str(c.bizNo),
    documents: docs.map((d) => ({ id: str(d.id ?? d.docId), name: str(d.name), sha256: typeof d.sha256 === 'string' ? d.sha256 : typeof d.current === 'string' ? d.current : undefined })),
    signers: signers.map((s) => ({
      id: str(s.id ?? s.signerId), kind: s.kind === 'organization' ? 'organization' : 'person', name: str(s.name), status: str(s.state ?? s.status),
      enterpriseId: typeof s.enterpriseId === 'string' ? s.enterpriseId : undefined,
    })),
  };
}

function itemsOf(raw: unknown): Json[] {
  if (Array.isArray(raw)) return raw as Json[];
  const o = raw as Json | undefined;
  return Array.isArray(o?.items) ? (o!.items as Json[]) : [];
}

/** The Signet API over HTTP, every request signed with the app's credentials. */
export class HttpSignetApi implements SignetApi {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly opts: HttpSignetApiOptions) {
    this.fetch = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  private base(): string {
    const b = typeof this.opts.baseUrl === 'function' ? this.opts.baseUrl() : this.opts.baseUrl;
    return b.replace(/\/+$/, '');
  }

  /** Sends one signed request; non-2xx answers become SignetErrors with the server's code. */
  private async send(method: string, target: string, body?: { bytes: Uint8Array | string; type: string }): Promise<Response> {
    const headers: Record<string, string> = { ...signSignetRequest(this.opts.credentials, { method, target, body: body?.bytes }), Accept: 'application/json, application/pdf' };
    if (body) headers['Content-Type'] = body.type;
    let res: Response;
    try {
      res = await this.fetch(`${this.base()}${target}`, {
        method, headers, body: body?.bytes as RequestInit['body'], signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error',
      });
    } catch (e) {
      throw new SignetError('OA_UPSTREAM_FAILED', `无法连接签章服务器，将稍后重试。The Signet server could not be reached (${method} ${target.split('?')[0]}: ${(e as Error).message}); the work is retried.`, { upstream: 'signet', retryable: true });
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let code: string | undefined;
    let message = '';
    try {
      const j = JSON.parse(text) as { code?: unknown; message?: unknown };
      code = typeof j.code === 'string' ? j.code : undefined;
      message = typeof j.message === 'string' ? j.message : '';
    } catch {
      /* not JSON */
    }
    const known = code !== undefined && Object.hasOwn(ERROR_CODES, code);
    if (known) throw new SignetError(code as ErrorCode, message || ERROR_CODES[code as ErrorCode], { upstream: 'signet', status: res.status });
    throw new SignetError('OA_UPSTREAM_FAILED', `签章服务器返回错误 ${res.status}。The Signet server answered ${res.status} to ${method} ${target.split('?')[0]}${message ? `: ${message}` : ''}.`, {
      upstream: 'signet', status: res.status, retryable: res.status >= 500 || res.status === 429,
    });
  }

  private async json(method: string, target: string, body?: unknown): Promise<unknown> {
    const res = await this.send(method, target, body === undefined ? undefined : { bytes: JSON.stringify(body), type: 'application/json' });
    if (res.status === 204) return undefined;
    return res.json();
  }

  async whoami(): Promise<{ enterpriseId: string; appId: string }> {
    const r = (await this.json('GET', '/api/v1/auth/whoami')) as { actor?: { kind?: string; enterpriseId?: string; appId?: string } };
    if (r?.actor?.kind !== 'app' || !r.actor.enterpriseId) throw new SignetError('OA_UPSTREAM_FAILED', '签章服务器不认可连接器的应用凭证。The Signet server does not take the connector for an integrator app; check its appId and secret.', { upstream: 'signet' });
    return { enterpriseId: r.actor.enterpriseId, appId: r.actor.appId ?? this.opts.credentials.appId };
  }

  async enterpriseName(enterpriseId: string): Promise<string> {
    const r = (await this.json('GET', `/api/v1/enterprises/${encodeURIComponent(enterpriseId)}`)) as Json;
    const e = (r.enterprise && typeof r.enterprise === 'object' ? r.enterprise : r) as Json;
    return str(e.name);
  }

  async seals(opts: { enabled?: boolean } = {}): Promise<SignetSeal[]> {
    const q = opts.enabled === undefined ? '' : `?enabled=${opts.enabled}`;
    return itemsOf(await this.json('GET', `/api/v1/seals${q}`)).map((s) => ({
      id: str(s.id ?? s.sealId), name: str(s.name), enabled: s.enabled !== false, category: typeof s.category === 'string' ? s.category : undefined,
    }));
  }

  async uploadFile(pdf: Uint8Array, name: string): Promise<SignetFile> {
    const res = await this.send('POST', `/api/v1/files?name=${encodeURIComponent(name)}`, { bytes: pdf, type: 'application/pdf' });
    const f = (await res.json()) as Json;
    return { fileId: str(f.fileId ?? f.id), name: str(f.name), pages: Number(f.pages) || 0, sha256: str(f.sha256), size: Number(f.size) || pdf.length };
  }

  async downloadFile(fileId: string): Promise<Uint8Array> {
    const res = await this.send('GET', `/api/v1/files/${encodeURIComponent(fileId)}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  async createContract(input: SignetCreateContract): Promise<{ contract: SignetContract; created: boolean }> {
    const res = await this.send('POST', '/api/v1/contracts', { bytes: JSON.stringify(input), type: 'application/json' });
    const raw = (await res.json()) as Json;
    return { contract: contractOf(raw), created: typeof raw.created === 'boolean' ? raw.created : res.status === 201 };
  }

  async contract(contractId: string): Promise<SignetContract> {
    return contractOf(await this.json('GET', `/api/v1/contracts/${encodeURIComponent(contractId)}`));
  }

  async stamp(contractId: string, input: { signerId?: string; seal?: string; authority: SignetApprovalAuthority }): Promise<SignetContract> {
    return contractOf(await this.json('POST', `/api/v1/contracts/${encodeURIComponent(contractId)}/stamp`, input));
  }

  async documentPdf(contractId: string, docId: string, which: 'preview' | 'download'): Promise<Uint8Array> {
    const res = await this.send('GET', `/api/v1/contracts/${encodeURIComponent(contractId)}/documents/${encodeURIComponent(docId)}/${which}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  async ledger(contractId: string): Promise<SignetLedgerEntry[]> {
    return itemsOf(await this.json('GET', `/api/v1/seal-ledger?contractId=${encodeURIComponent(contractId)}`)).map((e) => {
      const a = e.authority && typeof e.authority === 'object' ? (e.authority as Json) : undefined;
      return {
        id: str(e.id), seal: str(e.sealId ?? e.seal), contractId: str(e.contractId), outcome: str(e.outcome),
        authority: a ? { kind: str(a.kind), system: a.system === undefined ? undefined : str(a.system), instanceCode: a.instanceCode === undefined ? undefined : str(a.instanceCode) } : undefined,
      };
    });
  }

  async revoke(contractId: string, reason: string): Promise<void> {
    await this.json('POST', `/api/v1/contracts/${encodeURIComponent(contractId)}/revoke`, { reason });
  }
}

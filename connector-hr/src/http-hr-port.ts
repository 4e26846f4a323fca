/**
 * The {@link HrSignetPort} over Signet's REST API (`docs/api-surface.md`), for a connector that
 * runs apart from the server: every request is signed with SIGNET-HMAC-SHA256 as an integrator
 * app (the canonical string is described in the README, "Integrator authentication"). Launches
 * are idempotent on `bizNo` per app, so use one app for one mapping.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { SignetError, type ErrorCode, type TemplateDefinition, type TemplateVariable } from '@signet/core';
import type { BundleWithDefinitions, ContractSummary, Delivered, HrSignetPort, LaunchRequest } from './hr-signet-port.js';

/** How to reach the server. */
export interface HttpHrPortOptions {
  /** The server's base URL, e.g. `https://sign.example.com`. */
  baseUrl: string;
  appId: string;
  secret: string;
  /** Per-request timeout (default 60 s: a launch fills and signs three PDFs). */
  timeoutMs?: number;
}

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(q: string): string {
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return q.split('&').filter(Boolean).map((part) => {
    const eq = part.indexOf('=');
    return [rfc3986(dec(eq < 0 ? part : part.slice(0, eq))), rfc3986(dec(eq < 0 ? '' : part.slice(eq + 1)))] as [string, string];
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
}

/** The four X-Signet-* headers of SIGNET-HMAC-SHA256 for one request. */
export function signetAuthHeaders(appId: string, secret: string, method: string, url: URL, body: Uint8Array | undefined, now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  const nonce = randomBytes(16).toString('base64url');
  const query = url.search.length > 1 ? `?${canonicalQuery(url.search.slice(1))}` : '';
  const canonical = ['SIGNET-HMAC-SHA256', method.toUpperCase(), url.pathname + query, timestamp, nonce, createHash('sha256').update(body ?? new Uint8Array()).digest('hex')].join('\n');
  return {
    'X-Signet-App-Id': appId,
    'X-Signet-Timestamp': timestamp,
    'X-Signet-Nonce': nonce,
    'X-Signet-Signature': createHmac('sha256', Buffer.from(secret, 'utf8')).update(canonical).digest('hex'),
  };
}

interface ContractViewJson {
  id: string;
  state: ContractSummary['state'];
  title: string;
  bizNo?: string;
  signers: { id: string; kind: 'person' | 'organization'; role?: string; name: string; step: number; state: ContractSummary['signers'][number]['state']; invitedAt?: string; signedAt?: string; rejectReason?: string }[];
  documents: { id: string; name: string }[];
  createdAt: string;
  completedAt?: string;
  endedAt?: string;
  endReason?: string;
  expiresAt?: string;
  links?: { signerId: string; delivered: boolean }[];
  created?: boolean;
}

function summaryOf(v: ContractViewJson): ContractSummary {
  return {
    id: v.id, state: v.state, title: v.title, ...(v.bizNo ? { bizNo: v.bizNo } : {}),
    signers: v.signers.map((s) => ({ id: s.id, kind: s.kind, name: s.name, step: s.step, state: s.state, ...(s.role ? { role: s.role } : {}), ...(s.invitedAt ? { invitedAt: s.invitedAt } : {}), ...(s.signedAt ? { signedAt: s.signedAt } : {}), ...(s.rejectReason ? { rejectReason: s.rejectReason } : {}) })),
    documents: v.documents.map((d) => ({ id: d.id, name: d.name })),
    createdAt: v.createdAt,
    ...(v.completedAt ? { completedAt: v.completedAt } : {}),
    ...(v.endedAt ? { endedAt: v.endedAt } : {}),
    ...(v.endReason ? { endReason: v.endReason } : {}),
    ...(v.expiresAt ? { expiresAt: v.expiresAt } : {}),
  };
}

/** The HTTP adapter. */
export class HttpHrPort implements HrSignetPort {
  private readonly base: string;

  constructor(private readonly opts: HttpHrPortOptions) {
    this.base = opts.baseUrl.replace(/\/$/, '');
  }

  private async request(method: string, path: string, json?: unknown): Promise<Response> {
    const url = new URL(this.base + path);
    const body = json === undefined ? undefined : new TextEncoder().encode(JSON.stringify(json));
    const headers: Record<string, string> = { ...signetAuthHeaders(this.opts.appId, this.opts.secret, method, url, body), Accept: 'application/json' };
    if (body) headers['Content-Type'] = 'application/json; charset=utf-8';
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000) });
    } catch (e) {
      throw new SignetError('HR_UPSTREAM_FAILED', `无法连接 Signet 服务器。The Signet server at ${this.base} cannot be reached (${(e as Error).message}); check --server and that it is running.`);
    }
    if (res.ok) return res;
    let err: { code?: string; message?: string; details?: Record<string, unknown> } = {};
    try {
      err = (await res.json()) as typeof err;
    } catch {
      /* not JSON */
    }
    // The server's own codes pass through, so that callers see what the platform said.
    throw new SignetError((err.code ?? 'HR_UPSTREAM_FAILED') as ErrorCode, err.message ?? `Signet answered ${res.status} to ${method} ${path}.`, err.details);
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.request(method, path, body)).json()) as T;
  }

  async bundle(bundleId: string): Promise<BundleWithDefinitions> {
    const b = await this.json<{ id: string; name: string; templateIds: string[] }>('GET', `/api/v1/bundles/${encodeURIComponent(bundleId)}`);
    const templates = [];
    const definitions: TemplateDefinition[] = [];
    for (const id of b.templateIds) {
      const t = await this.json<{ id: string; name: string; roles: string[]; variables: TemplateVariable[]; definition?: TemplateDefinition }>('GET', `/api/v1/templates/${encodeURIComponent(id)}`);
      templates.push({ id: t.id, name: t.name, roles: t.roles, variables: t.variables });
      if (t.definition) definitions.push(t.definition);
    }
    return { id: b.id, name: b.name, templates, ...(definitions.length === templates.length ? { definitions } : {}) };
  }

  private delivered(v: ContractViewJson, before?: ContractSummary): Delivered {
    const persons = new Set(v.signers.filter((s) => s.kind === 'person').map((s) => s.id));
    const links = (v.links ?? []).filter((l) => persons.has(l.signerId));
    // /stamp answers without links: a person invited by it shows a new invitedAt.
    const invitedNow = links.length ? links.map((l) => l.signerId) : v.signers.filter((s) => persons.has(s.id) && s.invitedAt && !before?.signers.find((b) => b.id === s.id)?.invitedAt).map((s) => s.id);
    return { contract: summaryOf(v), invited: invitedNow, delivered: links.every((l) => l.delivered) };
  }

  async launch(req: LaunchRequest): Promise<Delivered & { created: boolean }> {
    const company = { kind: 'organization', name: req.company.name, enterpriseId: req.company.enterpriseId, seal: req.company.sealId, role: req.company.role };
    const employee = { kind: 'person', name: req.employee.name, mobile: req.employee.mobile, role: req.employee.role, ...(req.employee.willingness ? { willingness: req.employee.willingness } : {}) };
    const v = await this.json<ContractViewJson>('POST', '/api/v1/contracts', {
      title: req.title,
      template: { bundleId: req.bundleId, vars: req.vars },
      signers: req.companyFirst ? [company, employee] : [employee, company],
      order: 'sequential',
      bizNo: req.bizNo,
      send: true,
      ...(req.deadline ? { deadline: req.deadline.toISOString() } : {}),
      ...(req.expiresAt ? { expiresAt: req.expiresAt.toISOString() } : {}),
      ...(req.labels?.length ? { labels: req.labels } : {}),
    });
    const created = v.created !== false;
    return { ...(created ? this.delivered(v) : { contract: summaryOf(v), invited: [], delivered: true }), created };
  }

  async send(contractId: string): Promise<Delivered> {
    return this.delivered(await this.json<ContractViewJson>('POST', `/api/v1/contracts/${encodeURIComponent(contractId)}/send`, {}));
  }

  async stamp(contractId: string, signerId: string): Promise<Delivered> {
    const before = await this.contract(contractId);
    return this.delivered(await this.json<ContractViewJson>('POST', `/api/v1/contracts/${encodeURIComponent(contractId)}/stamp`, { signerId }), before);
  }

  async contract(contractId: string): Promise<ContractSummary> {
    return summaryOf(await this.json<ContractViewJson>('GET', `/api/v1/contracts/${encodeURIComponent(contractId)}`));
  }

  async download(contractId: string, docId: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request('GET', `/api/v1/contracts/${encodeURIComponent(contractId)}/documents/${encodeURIComponent(docId)}/download`)).arrayBuffer());
  }

  documentUrl(contractId: string, docId: string): string {
    return `${this.base}/api/v1/contracts/${encodeURIComponent(contractId)}/documents/${encodeURIComponent(docId)}/download`;
  }
}

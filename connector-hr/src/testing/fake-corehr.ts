/**
 * A fake Lark CoreHR (飞书人事) on 127.0.0.1, for tests driven by the real `@larksuiteoapi/node-sdk`
 * (`domain` set to {@link FakeCoreHr.url}). It serves what the connector uses, with Lark's paths
 * and JSON shapes:
 * - `POST /open-apis/auth/v3/tenant_access_token/internal` (app id and secret checked);
 * - `POST /open-apis/corehr/v2/employees/batch_get`, `POST /open-apis/corehr/v2/pre_hires/query`
 *   (bearer token checked);
 * - `POST /open-apis/corehr/v1/contracts` (idempotent by `client_token`), `GET …/contracts/:id`.
 *
 * It also pushes events the way Lark does: schema 2.0 envelopes, AES-256-CBC encrypted with the
 * encrypt key, signed in `X-Lark-Signature`. Test code only.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link FakeCoreHr.start}. */
export interface FakeCoreHrOptions {
  appId?: string;
  appSecret?: string;
  /** Events are encrypted and signed when set. */
  encryptKey?: string;
  verificationToken?: string;
  tenantKey?: string;
}

/** One request the fake answered. */
export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/** A contract record created through the fake. */
export interface FakeContractRecord {
  id: string;
  clientToken?: string;
  data: Record<string, unknown>;
}

/** A CoreHR employee in batch_get's shape, built from a few fields. */
export function fakeEmployee(p: {
  employmentId: string; personId: string; name: string; mobile: string; idNumber?: string; employeeNumber?: string; department?: string;
  position?: string; companyId?: string; startDate?: string; probationMonths?: number; contractEndDate?: string; preHireId?: string;
}): Record<string, unknown> {
  return {
    employment_id: p.employmentId,
    employment_id_v2: p.employmentId,
    ...(p.preHireId ? { prehire_id: p.preHireId } : {}),
    employee_number: p.employeeNumber ?? p.employmentId,
    department_id: 'dept_1',
    department: { id: 'dept_1', department_name: [{ lang: 'zh-CN', value: p.department ?? '研发部' }, { lang: 'en-US', value: 'R&D' }] },
    job_id: 'job_1',
    job: { id: 'job_1', name: [{ lang: 'zh-CN', value: p.position ?? '软件工程师' }], active: true, effective_time: '2020-01-01 00:00:00' },
    work_location_id: 'loc_sh',
    company_id: p.companyId ?? 'comp_sh',
    effective_date: p.startDate ?? '2026-03-02',
    primary_employment: true,
    ...(p.probationMonths !== undefined ? { probation_period: p.probationMonths } : {}),
    ...(p.contractEndDate ? { contract_expected_end_date: p.contractEndDate } : {}),
    employment_type: { enum_name: 'employee' },
    person_info: {
      person_id: p.personId,
      legal_name: p.name,
      phone_list: [{ international_area_code: { enum_name: '86_china' }, phone_number: p.mobile, is_primary: true }],
      ...(p.idNumber ? { national_id_list: [{ national_id_type_id: 'cn_id_card', national_id_number: p.idNumber, country_region_id: 'CN' }] } : {}),
    },
  };
}

/** The fake. */
export class FakeCoreHr {
  /** Base URL to give the SDK as `domain`. */
  url = '';
  readonly appId: string;
  readonly appSecret: string;
  readonly encryptKey?: string;
  readonly verificationToken: string;
  readonly tenantKey: string;
  readonly employees = new Map<string, Record<string, unknown>>();
  readonly preHires = new Map<string, Record<string, unknown>>();
  readonly contracts: FakeContractRecord[] = [];
  readonly requests: FakeRequest[] = [];
  /** Tokens issued by the token endpoint. */
  readonly tokens = new Set<string>();
  /** Answer the next N contract creates with a server error (to test retries). */
  failContractCreates = 0;
  private server?: Server;
  private seq = 0;

  private constructor(opts: FakeCoreHrOptions) {
    this.appId = opts.appId ?? 'cli_fake_corehr';
    this.appSecret = opts.appSecret ?? 'fake-secret';
    this.encryptKey = opts.encryptKey;
    this.verificationToken = opts.verificationToken ?? 'fake-verification-token';
    this.tenantKey = opts.tenantKey ?? 'tenant_fake';
  }

  /** Starts a fake on an ephemeral port of 127.0.0.1. */
  static async start(opts: FakeCoreHrOptions = {}): Promise<FakeCoreHr> {
    const f = new FakeCoreHr(opts);
    f.server = createServer((req, res) => void f.handle(req, res));
    await new Promise<void>((resolve) => f.server!.listen(0, '127.0.0.1', resolve));
    f.url = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
    return f;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return this.send(res, 400, { code: 9499, msg: 'Bad Request: invalid JSON' });
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const path = url.pathname;
    this.requests.push({ method: req.method ?? 'GET', path, query, body });
    const b = (body ?? {}) as Record<string, unknown>;

    if (req.method === 'POST' && path === '/open-apis/auth/v3/tenant_access_token/internal') {
      if (b.app_id !== this.appId || b.app_secret !== this.appSecret) return this.send(res, 200, { code: 10014, msg: 'app secret invalid' });
      const token = `t-${randomBytes(12).toString('hex')}`;
      this.tokens.add(token);
      return this.send(res, 200, { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 });
    }
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!auth || !this.tokens.has(auth)) return this.send(res, 400, { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' });

    if (req.method === 'POST' && path === '/open-apis/corehr/v2/employees/batch_get') {
      const ids = (b.employment_ids as string[] | undefined) ?? [];
      if (ids.length > 100) return this.send(res, 200, { code: 1161001, msg: 'employment_ids: at most 100' });
      return this.send(res, 200, { code: 0, msg: 'success', data: { items: ids.flatMap((id) => (this.employees.has(id) ? [this.project(this.employees.get(id)!, b.fields)] : [])) } });
    }
    if (req.method === 'POST' && path === '/open-apis/corehr/v2/pre_hires/query') {
      if (!query.page_size) return this.send(res, 200, { code: 1161001, msg: 'page_size is required' });
      const ids = (b.pre_hire_ids as string[] | undefined) ?? [...this.preHires.keys()];
      return this.send(res, 200, { code: 0, msg: 'success', data: { items: ids.flatMap((id) => (this.preHires.has(id) ? [this.project(this.preHires.get(id)!, b.fields)] : [])), has_more: false } });
    }
    if (req.method === 'POST' && path === '/open-apis/corehr/v1/contracts') {
      if (this.failContractCreates > 0) {
        this.failContractCreates--;
        return this.send(res, 500, { code: 1160002, msg: 'internal error, retry later' });
      }
      const token = query.client_token;
      const again = token ? this.contracts.find((c) => c.clientToken === token) : undefined;
      if (again) return this.send(res, 200, { code: 0, msg: 'success', data: { contract: { id: again.id, ...again.data } } });
      const missing = ['effective_time', 'employment_id', 'first_party_company_id'].filter((k) => typeof b[k] !== 'string' || !b[k]);
      if (!(b.contract_type as { enum_name?: string } | undefined)?.enum_name) missing.push('contract_type');
      if (missing.length) return this.send(res, 200, { code: 1161001, msg: `param invalid: ${missing.join(', ')}` });
      if (!this.employees.has(b.employment_id as string)) return this.send(res, 200, { code: 1161404, msg: 'employment not found' });
      const rec: FakeContractRecord = { id: `contract_${++this.seq}`, ...(token ? { clientToken: token } : {}), data: b };
      this.contracts.push(rec);
      return this.send(res, 200, { code: 0, msg: 'success', data: { contract: { id: rec.id, ...b } } });
    }
    const one = /^\/open-apis\/corehr\/v1\/contracts\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && one) {
      const c = this.contracts.find((x) => x.id === one[1]);
      return c ? this.send(res, 200, { code: 0, msg: 'success', data: { contract: { id: c.id, ...c.data } } }) : this.send(res, 200, { code: 1161404, msg: 'contract not found' });
    }
    return this.send(res, 404, { code: 99991400, msg: `no such API: ${req.method} ${path}` });
  }

  /** Applies `fields` (top-level names, or dotted paths by their first segment) to an item; ids always come back. */
  private project(item: Record<string, unknown>, fields: unknown): Record<string, unknown> {
    if (!Array.isArray(fields) || fields.length === 0) return item;
    const keep = new Set(fields.map((f) => String(f).split('.')[0]));
    return Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k) || k === 'employment_id' || k === 'employment_id_v2' || k === 'pre_hire_id'));
  }

  /** Encrypts a payload as Lark does: AES-256-CBC, key SHA-256(encrypt key), random IV before the ciphertext, base64. */
  encrypt(plain: string): string {
    const key = createHash('sha256').update(this.encryptKey!).digest();
    const iv = randomBytes(16);
    const c = createCipheriv('aes-256-cbc', key, iv);
    return Buffer.concat([iv, c.update(plain, 'utf8'), c.final()]).toString('base64');
  }

  /** The callback request Lark would send for an event (envelope, encryption, signature headers). */
  eventRequest(type: string, event: Record<string, unknown>, opts: { eventId?: string; token?: string; tamper?: boolean } = {}): { body: string; headers: Record<string, string>; eventId: string } {
    const eventId = opts.eventId ?? `evt_${randomBytes(8).toString('hex')}`;
    const envelope = {
      schema: '2.0',
      header: { event_id: eventId, token: opts.token ?? this.verificationToken, create_time: String(Date.now()), event_type: type, tenant_key: this.tenantKey, app_id: this.appId },
      event,
    };
    const body = this.encryptKey ? JSON.stringify({ encrypt: this.encrypt(JSON.stringify(envelope)) }) : JSON.stringify(envelope);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(8).toString('hex');
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'X-Lark-Request-Timestamp': timestamp, 'X-Lark-Request-Nonce': nonce };
    if (this.encryptKey) headers['X-Lark-Signature'] = createHash('sha256').update(timestamp + nonce + this.encryptKey + (opts.tamper ? `${body} ` : body)).digest('hex');
    return { body, headers, eventId };
  }

  /** Posts an event to `callbackUrl` and returns the response. */
  async push(callbackUrl: string, type: string, event: Record<string, unknown>, opts: { eventId?: string; token?: string; tamper?: boolean } = {}): Promise<Response & { eventId: string }> {
    const r = this.eventRequest(type, event, opts);
    const res = await fetch(callbackUrl, { method: 'POST', headers: r.headers, body: r.body });
    return Object.assign(res, { eventId: r.eventId });
  }

  /** Onboards an employee and pushes `corehr.job_data.employed_v1` for it. */
  async onboard(callbackUrl: string, employee: Record<string, unknown>, opts: { eventId?: string } = {}): Promise<Response & { eventId: string }> {
    const id = employee.employment_id as string;
    this.employees.set(id, employee);
    return this.push(callbackUrl, 'corehr.job_data.employed_v1', {
      job_data_id: `jd_${id}`, employment_id: id, target_user_id: { user_id: `u_${id}`, open_id: `ou_${id}`, union_id: `on_${id}` },
    }, opts);
  }
}

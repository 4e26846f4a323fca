/**
 * The Lark/Feishu approval (审批) API as the connector uses it, over the real
 * `@larksuiteoapi/node-sdk` Client. The SDK fetches and caches the tenant_access_token of the custom
 * (self-built) app; its `domain` option points it at open.feishu.cn, open.larksuite.com or, in
 * tests, a fake Lark on 127.0.0.1.
 *
 * Endpoints (open.feishu.cn server-docs/approval-v4):
 * - `POST /open-apis/auth/v3/tenant_access_token/internal` (the SDK's token manager);
 * - `POST /open-apis/approval/v4/approvals` create (or, with approval_code, replace) a definition;
 *   `GET /open-apis/approval/v4/approvals/:approval_code`;
 *   `POST /open-apis/approval/v4/approvals/:approval_code/subscribe`;
 * - `POST /open-apis/approval/v4/instances`; `GET /open-apis/approval/v4/instances/:instance_id`;
 * - `POST /open-apis/approval/v4/instances/:instance_id/comments`;
 * - `POST https://www.feishu.cn/approval/openapi/v2/file/upload` (multipart `name`, `type`,
 *   `content`): the approval file endpoint, on the www host, with the same tenant token;
 * - `GET /open-apis/contact/v3/users/:user_id` and `POST /open-apis/contact/v3/users/batch_get_id`
 *   (optional: approver names, and the applicant's id from a mobile number).
 */
import type * as lark from '@larksuiteoapi/node-sdk';
import { SignetError } from '@signet/core';
import { larkSdk } from './lark-sdk.js';

/** One widget of an approval form (definition or instance), as Lark's JSON has it. */
export interface LarkFormWidget {
  id: string;
  custom_id?: string;
  name?: string;
  type: string;
  value?: unknown;
  ext?: unknown;
  option?: unknown;
  required?: boolean;
}

/** An approval task of an instance (`task_list`). */
export interface LarkInstanceTask {
  id?: string;
  user_id?: string;
  open_id?: string;
  status: string;
  type?: string;
  node_name?: string;
  end_time?: string;
}

/** An approval instance (`GET /approval/v4/instances/:instance_id`), the parts the connector reads. */
export interface LarkInstance {
  instance_code: string;
  approval_code: string;
  approval_name?: string;
  status: string;
  user_id?: string;
  open_id?: string;
  serial_number?: string;
  start_time?: string;
  end_time?: string;
  form: LarkFormWidget[];
  task_list: LarkInstanceTask[];
  timeline: { type: string; user_id?: string; open_id?: string; create_time?: string }[];
  comment_list: { id?: string; comment?: string; create_time?: string }[];
}

/** An approval definition (`GET /approval/v4/approvals/:approval_code`). */
export interface LarkDefinition {
  approval_code: string;
  approval_name?: string;
  status?: string;
  form: LarkFormWidget[];
}

/** A file in the approval system (`/approval/openapi/v2/file/upload`). */
export interface LarkApprovalFile {
  /** The file code, for attachment widgets of a new instance. */
  code: string;
  /** A download URL (valid 12 hours), for comment attachments. */
  url: string;
}

/** A user id in one of Lark's id types. */
export interface LarkUserRef {
  type: 'open_id' | 'user_id' | 'union_id';
  id: string;
}

/** The approval API of one custom app in one tenant. */
export interface LarkApprovalApi {
  createDefinition(body: Record<string, unknown>): Promise<{ approvalCode: string }>;
  getDefinition(approvalCode: string): Promise<LarkDefinition>;
  subscribe(approvalCode: string): Promise<void>;
  createInstance(body: Record<string, unknown>): Promise<{ instanceCode: string }>;
  getInstance(instanceCode: string): Promise<LarkInstance>;
  uploadFile(bytes: Uint8Array, name: string, type?: 'attachment' | 'image'): Promise<LarkApprovalFile>;
  /** Downloads an attachment URL of an instance's form. */
  download(url: string, maxBytes: number): Promise<Uint8Array>;
  comment(instanceCode: string, as: LarkUserRef, content: { text: string; files?: { url: string; fileSize: number; title: string; type: 'attachment' | 'image' }[] }): Promise<{ commentId: string }>;
  /** A user's display name, or undefined when the contact API is not available. */
  userName(user: LarkUserRef): Promise<string | undefined>;
  /** The open_id of the user with this mobile number, or undefined. */
  openIdByMobile(mobile: string): Promise<string | undefined>;
}

/** Where an app lives: Feishu (China), Lark (international), or a base URL (a fake Lark in tests). */
export type LarkDomain = 'feishu' | 'lark' | string;

/** Options of {@link SdkLarkApprovalApi}. */
export interface SdkLarkApprovalApiOptions {
  appId: string;
  appSecret: string;
  domain?: LarkDomain;
  /** Override of the approval file endpoint (default: www.feishu.cn / www.larksuite.com, or `<domain>/approval/openapi/v2/file/upload`). */
  approvalFileUploadUrl?: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const TOKEN_INVALID = new Set([99991663, 99991664, 99991668, 99991661]);
const PERMANENT = new Set([1390001, 1390002, 1390003, 1390004, 1390009, 1390013, 1390015]);

/** A per-client token cache (the SDK's default cache is process-global, keyed by app id only). */
type CacheKey = Parameters<lark.Cache['get']>[0];

class MapCache implements lark.Cache {
  private readonly m = new Map<string, { value: unknown; expire?: number }>();
  private key(k: CacheKey, ns?: string): string {
    return `${ns ?? ''}\u0000${String(k)}`;
  }
  async set(key: CacheKey, value: unknown, expire?: number, options?: { namespace?: string }): Promise<boolean> {
    this.m.set(this.key(key, options?.namespace), { value, expire });
    return true;
  }
  async get(key: CacheKey, options?: { namespace?: string }): Promise<unknown> {
    const e = this.m.get(this.key(key, options?.namespace));
    if (!e) return undefined;
    if (e.expire !== undefined && e.expire < Date.now()) return undefined;
    return e.value;
  }
  clear(): void {
    this.m.clear();
  }
}

/** The SDK logs request bodies on errors (form content, names): keep them out of the logs. */
const quietLogger: lark.Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, trace: () => undefined };

/** The open-platform base URL of a domain (what the SDK's `formatDomain` makes of it). */
function apiBase(d: LarkDomain | undefined): string {
  if (d === undefined || d === 'feishu') return 'https://open.feishu.cn';
  if (d === 'lark') return 'https://open.larksuite.com';
  return d.replace(/\/+$/, '');
}

function fileUploadUrl(d: LarkDomain | undefined): string {
  if (d === undefined || d === 'feishu') return 'https://www.feishu.cn/approval/openapi/v2/file/upload';
  if (d === 'lark') return 'https://www.larksuite.com/approval/openapi/v2/file/upload';
  return `${d.replace(/\/+$/, '')}/approval/openapi/v2/file/upload`;
}

function parseJson<T>(s: unknown, fallback: T): T {
  if (typeof s !== 'string') return (s as T) ?? fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
}

/** An OA_UPSTREAM_FAILED for a Lark answer or transport failure; `details.retryable` says whether a retry can help. */
export function larkError(what: string, e: unknown): SignetError {
  if (e instanceof SignetError) return e;
  const err = e as { response?: { status?: number; data?: unknown }; message?: string; larkCode?: number; larkMsg?: string };
  const data = (err.response?.data ?? undefined) as { code?: number; msg?: string } | undefined;
  const code = err.larkCode ?? (typeof data?.code === 'number' ? data.code : undefined);
  const msg = err.larkMsg ?? data?.msg ?? err.message ?? String(e);
  const status = err.response?.status;
  const retryable = code === undefined ? status === undefined || status >= 500 || status === 429 : !PERMANENT.has(code);
  return new SignetError('OA_UPSTREAM_FAILED', `飞书接口调用失败（${what}）。Lark/Feishu ${what} failed: ${code !== undefined ? `code ${code}, ` : ''}${msg}${status ? ` (HTTP ${status})` : ''}.`, {
    upstream: 'lark', larkCode: code, status, retryable, tokenInvalid: code !== undefined && TOKEN_INVALID.has(code),
  });
}

/** The approval API over the real SDK Client (the SDK is loaded on the first call). */
export class SdkLarkApprovalApi implements LarkApprovalApi {
  private readonly cache = new MapCache();
  private readonly uploadUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly origin: string;
  private readonly names = new Map<string, string | undefined>();
  private clientP?: Promise<lark.Client>;

  constructor(private readonly opts: SdkLarkApprovalApiOptions) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.fetch = opts.fetch ?? fetch;
    this.uploadUrl = opts.approvalFileUploadUrl ?? fileUploadUrl(opts.domain);
    this.origin = new URL(apiBase(opts.domain)).origin;
  }

  /** The SDK client: custom (self-built) app, its own token cache, no logging of request bodies, a timeout on every call. */
  sdkClient(): Promise<lark.Client> {
    this.clientP ??= larkSdk().then((sdk) => {
      const base = sdk.defaultHttpInstance;
      const t = <O extends object | undefined>(o: O) => ({ timeout: this.timeoutMs, ...(o ?? {}) });
      // The SDK's axios instance has no timeout; a hung Lark must not hang a job for ever.
      const httpInstance = {
        request: (o: object) => base.request(t(o)),
        get: (url: string, o?: object) => base.get(url, t(o)),
        delete: (url: string, o?: object) => base.delete(url, t(o)),
        head: (url: string, o?: object) => base.head(url, t(o)),
        options: (url: string, o?: object) => base.options(url, t(o)),
        post: (url: string, data?: unknown, o?: object) => base.post(url, data, t(o)),
        put: (url: string, data?: unknown, o?: object) => base.put(url, data, t(o)),
        patch: (url: string, data?: unknown, o?: object) => base.patch(url, data, t(o)),
      } as unknown as lark.HttpInstance;
      const domain = this.opts.domain === undefined || this.opts.domain === 'feishu' ? sdk.Domain.Feishu : this.opts.domain === 'lark' ? sdk.Domain.Lark : apiBase(this.opts.domain);
      return new sdk.Client({
        appId: this.opts.appId, appSecret: this.opts.appSecret, appType: sdk.AppType.SelfBuild, domain,
        cache: this.cache, logger: quietLogger, loggerLevel: sdk.LoggerLevel.error, httpInstance,
      });
    });
    return this.clientP;
  }

  /** Runs one SDK call; a non-zero `code` or an HTTP error becomes {@link larkError}. A stale token is dropped and the call retried once. */
  private async call<T>(what: string, fn: (client: lark.Client) => Promise<{ code?: number; msg?: string; data?: T } | undefined>): Promise<T> {
    const client = await this.sdkClient();
    for (let attempt = 1; ; attempt++) {
      let r: { code?: number; msg?: string; data?: T } | undefined;
      try {
        r = await fn(client);
      } catch (e) {
        const err = larkError(what, e);
        if (attempt === 1 && err.details?.tokenInvalid) {
          this.cache.clear();
          continue;
        }
        throw err;
      }
      if (r && typeof r.code === 'number' && r.code !== 0) {
        const err = larkError(what, { larkCode: r.code, larkMsg: r.msg });
        if (attempt === 1 && err.details?.tokenInvalid) {
          this.cache.clear();
          continue;
        }
        throw err;
      }
      return (r?.data ?? {}) as T;
    }
  }

  async createDefinition(body: Record<string, unknown>): Promise<{ approvalCode: string }> {
    const d = await this.call<{ approval_code?: string }>('approval.create', (c) =>
      c.approval.v4.approval.create({ data: body as never, params: { user_id_type: 'open_id' } as never }) as never);
    if (!d.approval_code) throw larkError('approval.create', { larkMsg: 'no approval_code in the answer' });
    return { approvalCode: d.approval_code };
  }

  async getDefinition(approvalCode: string): Promise<LarkDefinition> {
    const d = await this.call<{ approval_name?: string; status?: string; form?: string }>('approval.get', (c) =>
      c.approval.v4.approval.get({ path: { approval_code: approvalCode }, params: { locale: 'zh-CN' } as never }) as never);
    return { approval_code: approvalCode, approval_name: d.approval_name, status: d.status, form: parseJson<LarkFormWidget[]>(d.form, []) };
  }

  async subscribe(approvalCode: string): Promise<void> {
    try {
      await this.call('approval.subscribe', (c) => c.approval.v4.approval.subscribe({ path: { approval_code: approvalCode } }) as never);
    } catch (e) {
      // 1390007: this app already subscribed to the definition.
      if ((e as SignetError).details?.larkCode === 1390007) return;
      throw e;
    }
  }

  async createInstance(body: Record<string, unknown>): Promise<{ instanceCode: string }> {
    const d = await this.call<{ instance_code?: string }>('instance.create', (c) => c.approval.v4.instance.create({ data: body as never }) as never);
    if (!d.instance_code) throw larkError('instance.create', { larkMsg: 'no instance_code in the answer' });
    return { instanceCode: d.instance_code };
  }

  async getInstance(instanceCode: string): Promise<LarkInstance> {
    const d = await this.call<Record<string, unknown>>('instance.get', (c) =>
      c.approval.v4.instance.get({ path: { instance_id: instanceCode }, params: { locale: 'zh-CN', user_id_type: 'open_id' } as never }) as never);
    return {
      instance_code: typeof d.instance_code === 'string' ? d.instance_code : instanceCode,
      approval_code: String(d.approval_code ?? ''),
      approval_name: typeof d.approval_name === 'string' ? d.approval_name : undefined,
      status: String(d.status ?? ''),
      user_id: typeof d.user_id === 'string' ? d.user_id : undefined,
      open_id: typeof d.open_id === 'string' ? d.open_id : undefined,
      serial_number: typeof d.serial_number === 'string' ? d.serial_number : undefined,
      start_time: d.start_time === undefined ? undefined : String(d.start_time),
      end_time: d.end_time === undefined ? undefined : String(d.end_time),
      form: parseJson<LarkFormWidget[]>(d.form, []),
      task_list: Array.isArray(d.task_list) ? (d.task_list as LarkInstanceTask[]) : [],
      timeline: Array.isArray(d.timeline) ? (d.timeline as LarkInstance['timeline']) : [],
      comment_list: Array.isArray(d.comment_list) ? (d.comment_list as LarkInstance['comment_list']) : [],
    };
  }

  async uploadFile(bytes: Uint8Array, name: string, type: 'attachment' | 'image' = 'attachment'): Promise<LarkApprovalFile> {
    const d = await this.call<{ code?: string; url?: string }>('approval file upload', async (c) => {
      const token = await c.tokenManager.getTenantAccessToken();
      const form = new FormData();
      form.append('name', name);
      form.append('type', type);
      form.append('content', new Blob([bytes], { type: 'application/pdf' }), name);
      // client.request would flatten the FormData (it merges `data` into a plain object): go through the SDK's HTTP instance.
      return c.httpInstance.request({ url: this.uploadUrl, method: 'POST', data: form, headers: { Authorization: `Bearer ${token}` } });
    });
    if (!d.code) throw larkError('approval file upload', { larkMsg: 'no file code in the answer' });
    return { code: d.code, url: (d.url ?? '').replace(/\\u0026/g, '&') };
  }

  async download(url: string, maxBytes: number): Promise<Uint8Array> {
    const u = new URL(url);
    const headers: Record<string, string> = {};
    // Attachment URLs are pre-signed; the tenant token goes only to Lark's own API host.
    if (u.origin === this.origin) headers.Authorization = `Bearer ${await (await this.sdkClient()).tokenManager.getTenantAccessToken()}`;
    let res: Response;
    try {
      res = await this.fetch(u, { headers, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'follow' });
    } catch (e) {
      throw larkError('attachment download', e);
    }
    if (!res.ok) throw larkError('attachment download', { response: { status: res.status }, message: `HTTP ${res.status}` });
    const len = Number(res.headers.get('content-length') ?? 0);
    if (len > maxBytes) throw new SignetError('PAYLOAD_TOO_LARGE', `附件超过 ${Math.round(maxBytes / 1048576)} MB。The attachment is larger than ${Math.round(maxBytes / 1048576)} MB; split or compress it.`);
    const buf = new Uint8Array(await res.arrayBuffer());
    if (buf.length > maxBytes) throw new SignetError('PAYLOAD_TOO_LARGE', `附件超过 ${Math.round(maxBytes / 1048576)} MB。The attachment is larger than ${Math.round(maxBytes / 1048576)} MB; split or compress it.`);
    return buf;
  }

  async comment(instanceCode: string, as: LarkUserRef, content: { text: string; files?: { url: string; fileSize: number; title: string; type: 'attachment' | 'image' }[] }): Promise<{ commentId: string }> {
    const body = { content: JSON.stringify({ text: content.text, files: (content.files ?? []).map((f) => ({ ...f, extra: '' })) }), disable_bot: true };
    const d = await this.call<{ comment_id?: string }>('instance comment', (c) =>
      c.approval.v4.instanceComment.create({ path: { instance_id: instanceCode }, params: { user_id_type: as.type, user_id: as.id } as never, data: body as never }) as never);
    return { commentId: d.comment_id ?? '' };
  }

  async userName(user: LarkUserRef): Promise<string | undefined> {
    const key = `${user.type}:${user.id}`;
    if (this.names.has(key)) return this.names.get(key);
    let name: string | undefined;
    try {
      const d = await this.call<{ user?: { name?: string } }>('contact user', (c) =>
        c.contact.v3.user.get({ path: { user_id: user.id }, params: { user_id_type: user.type } as never }) as never);
      name = d.user?.name || undefined;
    } catch {
      name = undefined; // no contact scope, or not in the app's visibility: the id stands for the name
    }
    this.names.set(key, name);
    return name;
  }

  async openIdByMobile(mobile: string): Promise<string | undefined> {
    const d = await this.call<{ user_list?: { user_id?: string; mobile?: string }[] }>('contact batch_get_id', (c) =>
      c.contact.v3.user.batchGetId({ params: { user_id_type: 'open_id' } as never, data: { mobiles: [mobile] } as never }) as never);
    return d.user_list?.find((u) => u.user_id)?.user_id;
  }
}

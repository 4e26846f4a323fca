/**
 * A fake Lark/Feishu open platform on 127.0.0.1, for tests: the real `@larksuiteoapi/node-sdk` is
 * pointed at it with its `domain` option. It implements what the connector uses, with the paths,
 * request shapes and answers of the open platform (server-docs/approval-v4, auth-v3, contact-v3):
 *
 * - `POST /open-apis/auth/v3/tenant_access_token/internal` (custom app), and the bearer check of
 *   every other call (`99991663` for a bad token);
 * - approval definitions: `POST /open-apis/approval/v4/approvals` (create, or replace with
 *   `approval_code`), `GET …/approvals/:approval_code`, `POST …/approvals/:approval_code/subscribe`;
 * - instances: `POST /open-apis/approval/v4/instances` (idempotent on `uuid`: `60012`),
 *   `GET …/instances/:instance_id` (by code or uuid; attachment values come back as URLs with the
 *   names in `ext`, radio values as the option's text, as Lark does), comments
 *   `POST …/instances/:instance_id/comments?user_id_type=&user_id=`;
 * - the approval file endpoint `POST /approval/openapi/v2/file/upload` (multipart `name`, `type`,
 *   `content`) and the download of the URLs it hands out;
 * - contact: `GET /open-apis/contact/v3/users/:user_id`, `POST …/users/batch_get_id`.
 *
 * The test side plays the people and Lark's event push: `submit` (an employee files a request in
 * the Lark client), `approve` / `reject` / `cancel` / `remove`, and `push` / `signedPush`, which
 * encrypt and sign an `approval_instance` event exactly as Lark does (see `lark-crypto.ts`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { LARK_HEADERS, larkEncrypt, larkSignature } from '../lark/lark-crypto.js';

/** A user of the fake tenant. */
export interface FakeLarkUser {
  openId: string;
  userId: string;
  name: string;
  mobile?: string;
}

/** A stored approval definition. */
export interface FakeDefinition {
  approvalCode: string;
  body: Record<string, unknown>;
  widgets: Record<string, unknown>[];
  texts: Map<string, string>;
  subscribed: boolean;
}

/** A stored comment. */
export interface FakeComment {
  id: string;
  userIdType: string;
  userId: string;
  text: string;
  files: { url: string; fileSize: number; title: string; type: string }[];
  createTime: number;
}

/** A stored approval instance. */
export interface FakeInstance {
  instanceCode: string;
  approvalCode: string;
  uuid?: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELED' | 'DELETED';
  applicant: FakeLarkUser;
  /** The form as submitted (widget id → { type, value }). */
  form: { id: string; type: string; value: unknown }[];
  approvers: FakeLarkUser[];
  startTime: number;
  endTime: number;
  serial: string;
  comments: FakeComment[];
}

/** A file in the fake approval file store. */
export interface FakeFile {
  code: string;
  name: string;
  type: string;
  bytes: Uint8Array;
  url: string;
}

/** Options of {@link startFakeLark}. */
export interface FakeLarkOptions {
  appId?: string;
  appSecret?: string;
  /** Users of the tenant (a default applicant and approver are added when empty). */
  users?: FakeLarkUser[];
  /** Answer contact API calls (default true); false answers them as an app without the scope would. */
  contactApi?: boolean;
}

/** An event push as Lark would send it: the headers and the exact body bytes. */
export interface LarkPush {
  headers: Record<string, string>;
  body: string;
}

type Handler = (req: IncomingMessage, body: Buffer, url: URL) => Promise<{ status: number; json?: unknown; bytes?: Uint8Array; type?: string }>;

const ok = (data: unknown = {}) => ({ status: 200, json: { code: 0, msg: 'success', data } });
const fail = (status: number, code: number, msg: string) => ({ status, json: { code, msg } });

/** A running fake Lark. */
export class FakeLark {
  readonly appId: string;
  readonly appSecret: string;
  readonly users: FakeLarkUser[];
  readonly definitions = new Map<string, FakeDefinition>();
  readonly instances = new Map<string, FakeInstance>();
  readonly files = new Map<string, FakeFile>();
  /** Every request: method and path (query included), in order. */
  readonly requests: { method: string; path: string }[] = [];
  private readonly tokens = new Set<string>();
  private readonly failures: { pattern: RegExp; left: number; status: number; code: number }[] = [];
  private readonly holds: { pattern: RegExp; gate: Promise<void>; arrive: () => void }[] = [];
  private server!: Server;
  private base = '';
  private seq = 0;
  contactApi: boolean;

  constructor(opts: FakeLarkOptions = {}) {
    this.appId = opts.appId ?? 'cli_fake_signet_oa';
    this.appSecret = opts.appSecret ?? `secret_${randomBytes(8).toString('hex')}`;
    this.users = opts.users?.length ? [...opts.users] : [
      { openId: 'ou_applicant_0001', userId: 'u_applicant', name: '张申请', mobile: '13900000001' },
      { openId: 'ou_approver_0002', userId: 'u_approver', name: '李审批', mobile: '13900000002' },
    ];
    this.contactApi = opts.contactApi ?? true;
  }

  /** The base URL to give the SDK as its `domain`. */
  get url(): string {
    return this.base;
  }

  /** Listens on 127.0.0.1 on an ephemeral port. */
  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.dispatch(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /**
   * Holds the next request whose path matches `pattern` without answering it (a hung Lark):
   * `reached` resolves when it arrives; `release()` lets it through.
   */
  hold(pattern: RegExp): { reached: Promise<void>; release(): void } {
    let reached!: () => void;
    let release!: () => void;
    const h = { pattern, reached: new Promise<void>((r) => (reached = r)), gate: new Promise<void>((r) => (release = r)), arrive: () => reached() };
    this.holds.push(h);
    return { reached: h.reached, release: () => release() };
  }

  /** Makes the next `count` requests whose path matches `pattern` fail (Lark being down). */
  failNext(pattern: RegExp, count = 1, status = 503, code = 1395001): void {
    this.failures.push({ pattern, left: count, status, code });
  }

  /** The user with this open_id or user_id. */
  user(id: string): FakeLarkUser | undefined {
    return this.users.find((u) => u.openId === id || u.userId === id);
  }

  private nextId(prefix: string): string {
    this.seq++;
    return `${prefix}${String(this.seq).padStart(4, '0')}-${randomUUID().slice(0, 8).toUpperCase()}`;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.base);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search });
    const held = this.holds.findIndex((h) => h.pattern.test(url.pathname));
    if (held >= 0) {
      const [h] = this.holds.splice(held, 1);
      h.arrive();
      await h.gate;
    }
    let out: Awaited<ReturnType<Handler>>;
    try {
      const f = this.failures.find((x) => x.left > 0 && x.pattern.test(url.pathname));
      if (f) {
        f.left--;
        out = fail(f.status, f.code, 'There have been some errors. Please try again later');
      } else {
        out = await this.route(req, body, url);
      }
    } catch (e) {
      out = fail(400, 1390001, `param is invalid: ${(e as Error).message}`);
    }
    res.statusCode = out.status;
    if (out.bytes) {
      res.setHeader('Content-Type', out.type ?? 'application/octet-stream');
      res.end(Buffer.from(out.bytes));
    } else {
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(out.json ?? {}));
    }
  }

  private authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    return h.startsWith('Bearer ') && this.tokens.has(h.slice(7));
  }

  private async route(req: IncomingMessage, body: Buffer, url: URL): ReturnType<Handler> {
    const p = url.pathname;
    const m = req.method ?? 'GET';
    if (m === 'POST' && p === '/open-apis/auth/v3/tenant_access_token/internal') {
      const j = JSON.parse(body.toString('utf8') || '{}') as { app_id?: string; app_secret?: string };
      if (j.app_id !== this.appId || j.app_secret !== this.appSecret) return { status: 200, json: { code: 10014, msg: 'app secret invalid' } };
      const token = `t-${randomBytes(16).toString('hex')}`;
      this.tokens.add(token);
      return { status: 200, json: { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 } };
    }
    if (m === 'GET' && p.startsWith('/files/')) {
      const code = decodeURIComponent(p.split('/')[2] ?? '');
      const f = this.files.get(code);
      return f ? { status: 200, bytes: f.bytes, type: 'application/pdf' } : { status: 404, json: { code: 404, msg: 'not found' } };
    }
    if (!this.authorized(req)) return fail(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
    if (m === 'POST' && p === '/approval/openapi/v2/file/upload') return this.upload(req, body);
    const json = () => JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    let r: RegExpExecArray | null;
    if (m === 'POST' && p === '/open-apis/approval/v4/approvals') return this.createDefinition(json());
    if ((r = /^\/open-apis\/approval\/v4\/approvals\/([^/]+)\/subscribe$/.exec(p)) && m === 'POST') {
      const d = this.definitions.get(decodeURIComponent(r[1]));
      if (!d) return fail(400, 1390002, 'approval code not found');
      if (d.subscribed) return fail(400, 1390007, 'subscription existed');
      d.subscribed = true;
      return ok();
    }
    if ((r = /^\/open-apis\/approval\/v4\/approvals\/([^/]+)$/.exec(p)) && m === 'GET') return this.getDefinition(decodeURIComponent(r[1]));
    if (m === 'POST' && p === '/open-apis/approval/v4/instances') return this.createInstance(json());
    if ((r = /^\/open-apis\/approval\/v4\/instances\/([^/]+)\/comments$/.exec(p)) && m === 'POST') return this.comment(decodeURIComponent(r[1]), url, json());
    if ((r = /^\/open-apis\/approval\/v4\/instances\/([^/]+)$/.exec(p)) && m === 'GET') return this.getInstance(decodeURIComponent(r[1]));
    if ((r = /^\/open-apis\/contact\/v3\/users\/([^/]+)$/.exec(p)) && m === 'GET') {
      if (!this.contactApi) return fail(400, 99991672, 'Access denied. One of the following scopes is required: [contact:user.base:readonly]');
      const u = this.user(decodeURIComponent(r[1]));
      return u ? ok({ user: { open_id: u.openId, user_id: u.userId, name: u.name } }) : fail(400, 41050, 'no user authority error');
    }
    if (m === 'POST' && p === '/open-apis/contact/v3/users/batch_get_id') {
      if (!this.contactApi) return fail(400, 99991672, 'Access denied. One of the following scopes is required: [contact:user.id:readonly]');
      const mobiles = (json().mobiles as string[] | undefined) ?? [];
      const type = url.searchParams.get('user_id_type') ?? 'open_id';
      return ok({ user_list: mobiles.map((mob) => {
        const u = this.users.find((x) => x.mobile === mob);
        return u ? { mobile: mob, user_id: type === 'user_id' ? u.userId : u.openId } : { mobile: mob };
      }) });
    }
    return { status: 404, json: { code: 404, msg: `404 page not found: ${m} ${p}` } };
  }

  private async upload(req: IncomingMessage, body: Buffer): ReturnType<Handler> {
    const ct = req.headers['content-type'] ?? '';
    if (!ct.startsWith('multipart/form-data')) return fail(400, 1390001, 'content-type must be multipart/form-data');
    const form = await new Request('http://fake/upload', { method: 'POST', headers: { 'content-type': ct }, body }).formData();
    const name = form.get('name');
    const type = form.get('type');
    const content = form.get('content');
    if (typeof name !== 'string' || !name || (type !== 'attachment' && type !== 'image') || !(content instanceof Blob)) {
      return fail(400, 1390001, 'param is invalid: name, type (image|attachment) and content (a file) are required');
    }
    const bytes = new Uint8Array(await content.arrayBuffer());
    const code = randomUUID().toUpperCase();
    const f: FakeFile = { code, name, type, bytes, url: `${this.base}/files/${code}/${encodeURIComponent(name)}?x-expires=${Math.floor(Date.now() / 1000) + 43200}` };
    this.files.set(code, f);
    return { status: 200, json: { code: 0, msg: 'success', data: { code, url: f.url } } };
  }

  private createDefinition(b: Record<string, unknown>): ReturnType<Handler> {
    const name = b.approval_name;
    if (typeof name !== 'string' || !name.startsWith('@i18n@')) return Promise.resolve(fail(400, 1390001, 'param is invalid: approval_name must be an @i18n@ key'));
    const formContent = (b.form as { form_content?: unknown } | undefined)?.form_content;
    if (typeof formContent !== 'string') return Promise.resolve(fail(400, 1390001, 'param is invalid: form.form_content must be a JSON string'));
    const widgets = JSON.parse(formContent) as Record<string, unknown>[];
    const nodes = (b.node_list as { id?: string }[] | undefined) ?? [];
    if (nodes[0]?.id !== 'START' || nodes[nodes.length - 1]?.id !== 'END' || nodes.length < 3) return Promise.resolve(fail(400, 1390001, 'param is invalid: node_list must run START, …, END'));
    const res = (b.i18n_resources as { locale: string; is_default: boolean; texts: { key: string; value: string }[] }[] | undefined) ?? [];
    const def = res.find((x) => x.is_default);
    if (!def) return Promise.resolve(fail(400, 1390001, 'param is invalid: i18n_resources needs a default locale'));
    const texts = new Map(def.texts.map((t) => [t.key, t.value]));
    const keys = [name, ...widgets.map((w) => w.name), ...widgets.flatMap((w) => (w.type === 'radioV2' && Array.isArray(w.value) ? (w.value as { text: string }[]).map((o) => o.text) : []))];
    const missing = keys.filter((k) => typeof k === 'string' && !texts.has(k));
    if (missing.length) return Promise.resolve(fail(400, 1390001, `param is invalid: no i18n text for ${missing.join(', ')}`));
    const ids = new Set<string>();
    for (const w of widgets) {
      if (typeof w.id !== 'string' || ids.has(w.id) || typeof w.type !== 'string' || typeof w.required !== 'boolean') return Promise.resolve(fail(400, 1390001, `param is invalid: widget ${String(w.id)}`));
      ids.add(w.id);
    }
    let code = typeof b.approval_code === 'string' ? b.approval_code : undefined;
    if (code && !this.definitions.has(code)) return Promise.resolve(fail(400, 1390002, 'approval code not found'));
    code ??= randomUUID().toUpperCase();
    const prev = this.definitions.get(code);
    this.definitions.set(code, { approvalCode: code, body: b, widgets, texts, subscribed: prev?.subscribed ?? false });
    return Promise.resolve(ok({ approval_code: code, approval_id: String(7_000_000_000_000_000_000 + this.definitions.size) }));
  }

  private getDefinition(code: string): ReturnType<Handler> {
    const d = this.definitions.get(code);
    if (!d) return Promise.resolve(fail(400, 1390002, 'approval code not found'));
    const t = (k: unknown) => (typeof k === 'string' ? d.texts.get(k) ?? k : k);
    const form = d.widgets.map((w) => ({
      id: w.id, custom_id: w.custom_id ?? '', name: t(w.name), type: w.type, required: w.required,
      ...(w.type === 'radioV2' ? { option: (w.value as { key: string; text: string }[]).map((o) => ({ value: o.key, text: t(o.text) })) } : {}),
    }));
    return Promise.resolve(ok({ approval_name: t(d.body.approval_name), status: 'ACTIVE', form: JSON.stringify(form), node_list: d.body.node_list, viewers: d.body.viewers }));
  }

  private createInstance(b: Record<string, unknown>): ReturnType<Handler> {
    const d = this.definitions.get(String(b.approval_code ?? ''));
    if (!d) return Promise.resolve(fail(400, 1390002, 'approval code not found'));
    const applicant = this.user(String(b.user_id ?? b.open_id ?? ''));
    if (!applicant) return Promise.resolve(fail(400, 1390004, 'user_id or open_id not found'));
    if (typeof b.uuid === 'string' && [...this.instances.values()].some((i) => i.uuid === b.uuid)) return Promise.resolve(fail(400, 60012, 'uuid conflict'));
    if (typeof b.form !== 'string') return Promise.resolve(fail(400, 1390001, 'param is invalid: form must be a JSON string'));
    try {
      const form = this.checkForm(d, JSON.parse(b.form) as { id: string; type: string; value: unknown }[]);
      return Promise.resolve(ok({ instance_code: this.addInstance(d, applicant, form, typeof b.uuid === 'string' ? b.uuid : undefined).instanceCode }));
    } catch (e) {
      return Promise.resolve(fail(400, 1390001, `param is invalid: ${(e as Error).message}`));
    }
  }

  private checkForm(d: FakeDefinition, form: { id: string; type: string; value: unknown }[]): FakeInstance['form'] {
    for (const w of d.widgets) {
      const v = form.find((x) => x.id === w.id);
      if (w.required && (v === undefined || v.value === '' || v.value === undefined || (Array.isArray(v.value) && v.value.length === 0))) throw new Error(`控件=${String(w.id)} is required`);
      if (!v) continue;
      if (v.type !== w.type) throw new Error(`控件=${v.id} has type ${v.type}, the definition says ${String(w.type)}`);
      if (w.type === 'radioV2' && !(w.value as { key: string }[]).some((o) => o.key === v.value)) throw new Error(`控件=${v.id}: ${String(v.value)} is not an option`);
      if (w.type === 'attachmentV2' && !(Array.isArray(v.value) && v.value.every((c) => this.files.has(String(c))))) throw new Error(`控件=${v.id}: unknown file code`);
      if (w.type === 'number' && !Number.isFinite(Number(v.value))) throw new Error(`控件=${v.id}: not a number`);
    }
    for (const v of form) if (!d.widgets.some((w) => w.id === v.id)) throw new Error(`控件=${v.id} is not in the definition`);
    return form;
  }

  private addInstance(d: FakeDefinition, applicant: FakeLarkUser, form: FakeInstance['form'], uuid?: string): FakeInstance {
    const approver = this.users.find((u) => u.openId !== applicant.openId) ?? applicant;
    const inst: FakeInstance = {
      instanceCode: randomUUID().toUpperCase(), approvalCode: d.approvalCode, uuid, status: 'PENDING', applicant, form,
      approvers: [approver], startTime: Date.now(), endTime: 0, serial: `2026${String(this.instances.size + 1).padStart(6, '0')}`, comments: [],
    };
    this.instances.set(inst.instanceCode, inst);
    return inst;
  }

  private instanceView(i: FakeInstance): Record<string, unknown> {
    const d = this.definitions.get(i.approvalCode)!;
    const t = (k: unknown) => (typeof k === 'string' ? d.texts.get(k) ?? k : k);
    const form = i.form.map((v) => {
      const w = d.widgets.find((x) => x.id === v.id)!;
      const base = { id: v.id, custom_id: '', name: t(w.name), type: v.type };
      if (v.type === 'attachmentV2') {
        const files = (v.value as string[]).map((c) => this.files.get(c)!);
        return { ...base, value: files.map((f) => f.url), ext: files.map((f) => `'${f.name}'`).join(',') };
      }
      if (v.type === 'radioV2') return { ...base, value: t((w.value as { key: string; text: string }[]).find((o) => o.key === v.value)?.text) };
      return { ...base, value: v.value };
    });
    const done = i.status !== 'PENDING';
    return {
      approval_name: t(d.body.approval_name), approval_code: i.approvalCode, instance_code: i.instanceCode, uuid: i.uuid ?? '',
      start_time: String(i.startTime), end_time: String(i.endTime), user_id: i.applicant.userId, open_id: i.applicant.openId,
      serial_number: i.serial, department_id: 'od-fake', status: i.status, form: JSON.stringify(form), reverted: false,
      task_list: i.approvers.map((a, n) => ({
        id: `task_${n + 1}`, user_id: a.userId, open_id: a.openId, node_id: 'signet_supervisor', node_name: '直属主管审批', type: 'AND',
        status: i.status === 'APPROVED' ? 'APPROVED' : i.status === 'REJECTED' ? 'REJECTED' : done ? 'DONE' : 'PENDING',
        start_time: String(i.startTime), end_time: String(i.endTime),
      })),
      comment_list: i.comments.map((c) => ({ id: c.id, user_id: c.userId, open_id: c.userId, comment: c.text, create_time: String(c.createTime), files: c.files.map((f) => ({ url: f.url, file_size: f.fileSize, title: f.title, type: f.type })) })),
      timeline: [
        { type: 'START', create_time: String(i.startTime), user_id: i.applicant.userId, open_id: i.applicant.openId },
        ...(i.status === 'APPROVED' ? i.approvers.map((a) => ({ type: 'PASS', create_time: String(i.endTime), user_id: a.userId, open_id: a.openId })) : []),
        ...(i.status === 'REJECTED' ? i.approvers.map((a) => ({ type: 'REJECT', create_time: String(i.endTime), user_id: a.userId, open_id: a.openId })) : []),
        ...(i.status === 'CANCELED' ? [{ type: 'CANCEL', create_time: String(i.endTime), user_id: i.applicant.userId, open_id: i.applicant.openId }] : []),
      ],
    };
  }

  private getInstance(id: string): ReturnType<Handler> {
    const i = this.instances.get(id) ?? [...this.instances.values()].find((x) => x.uuid === id);
    return Promise.resolve(i ? ok(this.instanceView(i)) : fail(400, 1390003, 'instance code not found'));
  }

  private comment(id: string, url: URL, b: Record<string, unknown>): ReturnType<Handler> {
    const i = this.instances.get(id);
    if (!i) return Promise.resolve(fail(400, 1390003, 'instance code not found'));
    const userId = url.searchParams.get('user_id');
    const userIdType = url.searchParams.get('user_id_type') ?? 'open_id';
    if (!userId || !this.user(userId)) return Promise.resolve(fail(400, 1390004, 'user_id or open_id not found'));
    const content = JSON.parse(String(b.content ?? '{}')) as { text?: string; files?: FakeComment['files'] };
    const c: FakeComment = { id: String(7_100_000_000_000_000_000 + this.seq++), userIdType, userId, text: content.text ?? '', files: content.files ?? [], createTime: Date.now() };
    i.comments.push(c);
    return Promise.resolve(ok({ comment_id: c.id }));
  }

  // ------------------------------------------------------------------ the people and the push

  /** Stores a file as if a user attached it in the Lark client; returns its code. */
  attach(bytes: Uint8Array, name: string): string {
    const code = randomUUID().toUpperCase();
    this.files.set(code, { code, name, type: 'attachment', bytes, url: `${this.base}/files/${code}/${encodeURIComponent(name)}` });
    return code;
  }

  /** An employee submits a request in the Lark client; `form` is what the instance API takes. */
  submit(approvalCode: string, applicantOpenId: string, form: { id: string; type: string; value: unknown }[]): FakeInstance {
    const d = this.definitions.get(approvalCode);
    const u = this.user(applicantOpenId);
    if (!d || !u) throw new Error('unknown definition or applicant');
    return this.addInstance(d, u, this.checkForm(d, form));
  }

  private settle(code: string, status: FakeInstance['status']): FakeInstance {
    const i = this.instances.get(code);
    if (!i) throw new Error(`no instance ${code}`);
    i.status = status;
    i.endTime = Date.now();
    return i;
  }

  /** Every approver approves. */
  approve(code: string): FakeInstance {
    return this.settle(code, 'APPROVED');
  }

  reject(code: string): FakeInstance {
    return this.settle(code, 'REJECTED');
  }

  /** The applicant withdraws (撤回). */
  cancel(code: string): FakeInstance {
    return this.settle(code, 'CANCELED');
  }

  /** An administrator deletes the definition's pending instance. */
  remove(code: string): FakeInstance {
    return this.settle(code, 'DELETED');
  }

  /** The `approval_instance` event (schema 1.0) for an instance's current status. */
  event(code: string, verificationToken: string, eventId: string = randomBytes(16).toString('hex')): Record<string, unknown> {
    const i = this.instances.get(code);
    if (!i) throw new Error(`no instance ${code}`);
    const now = Date.now();
    return {
      ts: `${Math.floor(now / 1000)}.${String(now % 1000).padStart(3, '0')}0000`, uuid: eventId, token: verificationToken, type: 'event_callback',
      event: {
        app_id: this.appId, tenant_key: 'fake_tenant', type: 'approval_instance', approval_code: i.approvalCode, instance_code: i.instanceCode,
        status: i.status, operate_time: String(i.endTime || now), instance_operate_time: String(i.endTime || now), uuid: i.uuid ?? '',
      },
    };
  }

  /** An event push as Lark sends it: encrypted with the encrypt key and signed, with a fresh nonce. */
  signedPush(payload: Record<string, unknown>, encryptKey: string, opts: { timestamp?: number; nonce?: string } = {}): LarkPush {
    const body = JSON.stringify({ encrypt: larkEncrypt(JSON.stringify(payload), encryptKey) });
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = opts.nonce ?? randomBytes(8).toString('hex');
    return {
      body,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'Go-http-client/1.1',
        [LARK_HEADERS.timestamp]: timestamp,
        [LARK_HEADERS.nonce]: nonce,
        [LARK_HEADERS.signature]: larkSignature(timestamp, nonce, encryptKey, body),
      },
    };
  }

  /** The URL challenge Lark sends when the subscription URL is saved (encrypted, not signed). */
  challengePush(verificationToken: string, encryptKey: string | undefined, challenge = randomBytes(8).toString('hex')): LarkPush & { challenge: string } {
    const plain = { challenge, token: verificationToken, type: 'url_verification' };
    return { challenge, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(encryptKey ? { encrypt: larkEncrypt(JSON.stringify(plain), encryptKey) } : plain) };
  }

  /** POSTs a push to the connector's event URL. */
  async send(url: string, push: LarkPush): Promise<Response> {
    return fetch(url, { method: 'POST', headers: push.headers, body: push.body });
  }

  /** Pushes the current status of an instance to the connector, encrypted and signed; returns the response and the push (to replay it). */
  async push(url: string, code: string, keys: { encryptKey: string; verificationToken: string }, eventId?: string): Promise<{ res: Response; push: LarkPush; eventId: string }> {
    const ev = this.event(code, keys.verificationToken, eventId);
    const push = this.signedPush(ev, keys.encryptKey);
    return { res: await this.send(url, push), push, eventId: String(ev.uuid) };
  }
}

/** Starts a fake Lark on 127.0.0.1. */
export async function startFakeLark(opts: FakeLarkOptions = {}): Promise<FakeLark> {
  return new FakeLark(opts).start();
}

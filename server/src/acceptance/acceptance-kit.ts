/**
 * The acceptance-test kit of the contract API (test code only): a real server on 127.0.0.1 with the
 * demo enterprise, its people logged in (with signing passwords), a contract seal granted to the
 * seal admin and authorized for auto-stamping, an integrator app, and helpers to call the API the
 * way a browser, an integrator and an external signer do: JSON in and out, real PDFs with Chinese
 * text and the Word add-in's anchor tags, willingness checks, and a second enterprise.
 */
import assert from 'node:assert/strict';
import {
  FontProgram, FontSubset, PdfDict, PdfDocumentBuilder, sampleIdCardNumber, sampleUscc, sandboxMicroTransfer,
  type Actor, type SealRecord, type StandingAuthorizationRecord,
} from '@signet/core';
import { cjkFontBytes } from '@signet/test-support';
import type { IssuedAppSecret } from '../auth/app-credential-store.js';
import { startPlatformServer, type PlatformServer, type PlatformServerOptions } from '../testing/platform-server.js';
import type { SessionClient } from '../testing/session-client.js';

/** The demo people's login password. */
export const DEMO_PASSWORD = 'Signet@2026';
/** The demo admin's signing password (from the seed). */
export const ADMIN_SIGNING_PASSWORD = '135790';
/** The signing password the kit gives every other person it logs in. */
export const SIGNING_PASSWORD = '582946';

const SYSTEM: Actor = { kind: 'system', reason: 'acceptance fixture' };

/** Calls the API as one party: method, path (with query) and a JSON value, bytes, or nothing. */
export type Caller = (method: string, path: string, body?: unknown, contentType?: string) => Promise<Response>;

/**
 * Sends a GET again when the connection was reset before any answer: the server and the tests share
 * one event loop, and under load a keep-alive socket can be closed by the server just as the client
 * reuses it. Other methods are never repeated.
 */
function retryingReads(call: Caller): Caller {
  return async (method, path, body, contentType) => {
    try {
      return await call(method, path, body, contentType);
    } catch (e) {
      const code = ((e as { cause?: { code?: string } }).cause)?.code;
      if (method !== 'GET' || !(e instanceof TypeError) || (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET')) throw e;
      return call(method, path, body, contentType);
    }
  };
}

/** A caller for a browser-like session (cookie + CSRF token). */
export function sessionCaller(c: SessionClient): Caller {
  return retryingReads((method, path, body, contentType) => {
    if (body instanceof Uint8Array) return c.fetch(path, { method, body: body as Uint8Array<ArrayBuffer>, headers: { 'content-type': contentType ?? 'application/pdf' } });
    if (typeof body === 'string') return c.fetch(path, { method, body, headers: { 'content-type': contentType ?? 'application/json' } });
    if (body !== undefined && contentType) return c.fetch(path, { method, body: JSON.stringify(body), headers: { 'content-type': contentType } });
    return c.fetch(path, body === undefined ? { method } : { method, json: body });
  });
}

/** A caller for an integrator app (every request HMAC-signed). */
export function appCaller(srv: PlatformServer, app: IssuedAppSecret): Caller {
  const f = srv.signedFetch({ appId: app.appId, secret: app.secret });
  return retryingReads((method, path, body, contentType) => {
    if (body === undefined) return f(path, { method });
    const bytes = body instanceof Uint8Array ? body : typeof body === 'string' ? body : JSON.stringify(body);
    return f(path, { method, body: bytes, headers: { 'content-type': contentType ?? (body instanceof Uint8Array ? 'application/pdf' : 'application/json') } });
  });
}

/** A caller for the holder of a signing link (`Authorization: Link <token>`). */
export function linkCaller(baseUrl: string, token: string): Caller {
  return retryingReads((method, path, body, contentType) => {
    const headers: Record<string, string> = { authorization: `Link ${token}` };
    let payload: string | Uint8Array<ArrayBuffer> | undefined;
    if (body instanceof Uint8Array) {
      payload = body as Uint8Array<ArrayBuffer>;
      headers['content-type'] = contentType ?? 'application/pdf';
    } else if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = contentType ?? 'application/json';
    }
    return fetch(new URL(path, baseUrl), { method, headers, body: payload });
  });
}

/** Reads a JSON body, asserting the status (the body is in the message when it differs). */
export async function expectJson<T = any>(res: Response | Promise<Response>, status: number): Promise<T> {
  const r = await res;
  const text = await r.text();
  assert.equal(r.status, status, `${r.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Reads an error body, asserting its status and code; returns it. */
export async function expectError(res: Response | Promise<Response>, status: number, code: string): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  const body = await expectJson<{ code: string; message: string; details?: Record<string, unknown> }>(res, status);
  assert.equal(body.code, code, JSON.stringify(body));
  assert.ok(typeof body.message === 'string' && body.message.length > 10, 'the error says what to do');
  return body;
}

/** Reads a binary body, asserting the status and content type. */
export async function expectBytes(res: Response | Promise<Response>, status: number, type: string): Promise<Uint8Array> {
  const r = await res;
  if (r.status !== status) assert.fail(`${r.status}: ${await r.text()}`);
  assert.match(r.headers.get('content-type') ?? '', new RegExp(`^${type.replace('/', '\\/')}`));
  return new Uint8Array(await r.arrayBuffer());
}

/** The token of a signing URL `…/sign/<token>`. */
export function tokenOf(url: string | undefined): string {
  const m = /\/sign\/([A-Za-z0-9_-]+)$/.exec(url ?? '');
  assert.ok(m, `not a signing URL: ${url}`);
  return m[1];
}

/** Options of {@link contractPdf}. */
export interface ContractPdfOptions {
  title?: string;
  pages?: number;
  /** Tags drawn the way the Word add-in exports them (1 pt white text), e.g. `signet:sign:partyA`, with where on page 1. */
  tags?: { text: string; x: number; y: number; page?: number }[];
}

/** A fresh, unsigned A4 contract with Chinese text in an embedded font subset, built with PdfDocumentBuilder. */
export function contractPdf(font: Uint8Array, opts: ContractPdfOptions = {}): Uint8Array {
  const b = new PdfDocumentBuilder();
  const f = new FontSubset(FontProgram.load(font), b);
  const resources = new PdfDict({ Font: new PdfDict({ F1: f.ref }) });
  const pages = opts.pages ?? 1;
  for (let p = 1; p <= pages; p++) {
    let content = `BT /F1 20 Tf 72 760 Td ${f.encode(opts.title ?? '服务合同 Service agreement')} Tj ET\n`;
    content += `BT /F1 11 Tf 72 720 Td ${f.encode(`第 ${p} 页 甲方（盖章） 乙方（签字） Page ${p}`)} Tj ET\n`;
    content += `BT /F1 11 Tf 72 690 Td ${f.encode('双方经友好协商，就服务事项达成如下协议。')} Tj ET\n`;
    for (const t of opts.tags ?? []) {
      if ((t.page ?? 1) !== p) continue;
      content += `q 1 1 1 rg BT /F1 1 Tf ${t.x} ${t.y} Td ${f.encode(t.text)} Tj ET Q\n`;
    }
    content += `BT /F1 11 Tf 72 300 Td ${f.encode('甲方（盖章）：')} Tj ET\nBT /F1 11 Tf 320 300 Td ${f.encode('乙方（签字）：')} Tj ET\n`;
    b.addPage({ width: 595, height: 842, resources, content });
  }
  f.finish();
  return b.build();
}

/** A person of the kit: their user, session and caller. */
export interface KitPerson {
  userId: string;
  name: string;
  mobile: string;
  idNumber: string;
  client: SessionClient;
  call: Caller;
}

/** Another enterprise (tenant) with a verified admin, a verified seal admin holding its seal, and an app. */
export interface KitEnterprise {
  id: string;
  name: string;
  admin: KitPerson;
  sealAdmin: KitPerson;
  seal: SealRecord;
  app: IssuedAppSecret;
  appCall: Caller;
}

/** What {@link startAcceptanceKit} returns. */
export interface AcceptanceKit {
  srv: PlatformServer;
  font: Uint8Array;
  enterprise: { id: string; name: string };
  admin: KitPerson;
  sealAdmin: KitPerson;
  member: KitPerson;
  /** 合同专用章 of the demo enterprise, granted to the seal admin. */
  seal: SealRecord;
  /** The integrator app of the demo enterprise. */
  app: IssuedAppSecret;
  appCall: Caller;
  /** The standing auto-stamp authorization of `seal` (any contract of the enterprise). */
  autoStamp: StandingAuthorizationRecord;
  /** A caller with no credentials. */
  anonymous: Caller;
  /** A new person: a directory user with a login; verified by face unless `verified: false`, and then with a signing password unless `signingPassword: false`. */
  person(opts?: { verified?: boolean; name?: string; signingPassword?: boolean }): Promise<KitPerson>;
  /** A new enterprise, verified, with its admin, seal admin, seal and app. */
  otherEnterprise(): Promise<KitEnterprise>;
  /** Uploads a PDF through `POST /files` and returns its fileId. */
  upload(call: Caller, pdf: Uint8Array, name?: string): Promise<string>;
  /** The signing URL of the latest invitation SMS to `mobile`, from the dev message log (as the signer's phone would show it). */
  inviteUrl(mobile: string): Promise<string>;
  /** A willingness proof by signing password (the kit's people have one). */
  proofByPassword(call: Caller, contractIds: string[], password?: string): Promise<string>;
  /** A willingness proof by SMS code, read from the dev message log. */
  proofBySms(call: Caller, contractIds: string[], mobile: string): Promise<string>;
  /** A willingness proof by face (the sandbox passes any token not starting with `fail`). */
  proofByFace(call: Caller, contractIds: string[]): Promise<string>;
  close(): Promise<void>;
}

let seq = 0;

/** A mobile number unique in this process, never ending in 4 (the sandbox's "does not match"). */
export function freshMobile(): string {
  seq++;
  const n = String((process.pid * 7919 + seq * 104_729) % 1_000_000).padStart(6, '0');
  const last = [1, 2, 3, 5, 6, 7, 8, 9, 0][seq % 9];
  return `1590${n}${last}`;
}

const SURNAMES = ['陈', '林', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '罗', '郑', '梁'];
const GIVEN = ['晓明', '丽华', '建国', '海燕', '志强', '秀英', '伟', '静', '磊', '芳', '勇', '敏'];

/** Starts the server and builds the kit's fixtures. */
export async function startAcceptanceKit(opts: PlatformServerOptions = {}): Promise<AcceptanceKit> {
  const srv = await startPlatformServer(opts);
  const pl = srv.platform;
  const font = cjkFontBytes();
  const demo = srv.demo!;
  const login = async (mobile: string, password: string): Promise<{ client: SessionClient; call: Caller }> => {
    const client = srv.session();
    await client.login(mobile, password);
    return { client, call: sessionCaller(client) };
  };
  const demoPerson = async (userId: string, mobile: string, name: string, idNumber: string, signing?: string): Promise<KitPerson> => {
    if (signing) await pl.passwords.set(SYSTEM, userId, signing);
    return { userId, name, mobile, idNumber, ...(await login(mobile, DEMO_PASSWORD)) };
  };
  const [adminSeed, sealSeed, memberSeed] = [
    { id: demo.admin.id, mobile: '13800138000', name: '王演示', idNumber: '310104198910016184' },
    { id: demo.members[0].id, mobile: '13800138001', name: '李印章', idNumber: '330106196810294125' },
    { id: demo.members[1].id, mobile: '13800138002', name: '赵成员', idNumber: '420106196908143511' },
  ];
  const admin = await demoPerson(adminSeed.id, adminSeed.mobile, adminSeed.name, adminSeed.idNumber);
  const sealAdmin = await demoPerson(sealSeed.id, sealSeed.mobile, sealSeed.name, sealSeed.idNumber, SIGNING_PASSWORD);
  const member = await demoPerson(memberSeed.id, memberSeed.mobile, memberSeed.name, memberSeed.idNumber, SIGNING_PASSWORD);
  const entActor: Actor = { kind: 'member', userId: admin.userId, enterpriseId: demo.enterprise.id, roles: ['super_admin'] };
  const seal = await pl.workflow.seals.create(entActor, { name: '合同专用章', category: 'contract', spec: { type: 'round', name: demo.enterprise.name, sealType: '合同专用章', code: '3101150012345' } });
  await pl.workflow.seals.grant(entActor, seal.id, { userId: sealAdmin.userId });
  const autoStamp = await pl.workflow.seals.authorizeAutoStamp(entActor, { seal: seal.id, expiresAt: new Date(Date.now() + 86_400_000), purpose: 'acceptance: integrator auto-stamp' });
  const app = await srv.registerApp(demo.enterprise.id, 'acceptance app');

  const person = async (o: { verified?: boolean; name?: string; signingPassword?: boolean } = {}): Promise<KitPerson> => {
    seq++;
    const mobile = freshMobile();
    const name = o.name ?? `${SURNAMES[seq % SURNAMES.length]}${GIVEN[(seq * 5) % GIVEN.length]}`;
    const idNumber = sampleIdCardNumber(1000 + seq + process.pid % 1000, { sequenceLastDigit: 1 });
    const u = await pl.directory.createUser({ mobile, name, loginPassword: DEMO_PASSWORD }, SYSTEM);
    if (o.verified !== false) {
      await pl.realName.startPersonVerification(SYSTEM, u.id, { name, idNumber, method: 'face', faceToken: 'sandbox-face' });
      if (o.signingPassword !== false) await pl.passwords.set(SYSTEM, u.id, SIGNING_PASSWORD);
    }
    return { userId: u.id, name, mobile, idNumber, ...(await login(mobile, DEMO_PASSWORD)) };
  };

  const otherEnterprise = async (): Promise<KitEnterprise> => {
    seq++;
    const a = await person();
    const s = await person();
    let uscc = sampleUscc(300 + seq);
    // The sandbox answers "does not match" for a 17th character 4.
    for (let k = 1; uscc[16] === '4'; k++) uscc = sampleUscc(300 + seq + 1000 * k);
    const name = `杭州第${seq}示例贸易有限公司`;
    const ent = await pl.directory.createEnterprise(SYSTEM, { name, uscc, legalRepresentative: a.name, ownerUserId: a.userId });
    await pl.directory.addMember(SYSTEM, ent.id, s.userId, ['seal_admin']);
    const account = { accountName: name, accountNumber: `62220202001${String(10000 + seq).slice(-5)}`.replace(/4/g, '5'), bankName: '中国工商银行杭州分行' };
    const v = await pl.realName.startEnterpriseVerification(SYSTEM, ent.id, { method: 'micro_transfer', account });
    await pl.realName.confirmMicroTransfer(SYSTEM, v.id, sandboxMicroTransfer(uscc, account.accountNumber));
    // The sessions were opened before the memberships: log in again so that they act for the enterprise.
    const relog = async (k: KitPerson): Promise<KitPerson> => ({ ...k, ...(await login(k.mobile, DEMO_PASSWORD)) });
    const adminP = await relog(a);
    const sealP = await relog(s);
    const owner: Actor = { kind: 'member', userId: a.userId, enterpriseId: ent.id, roles: ['super_admin'] };
    const sealRec = await pl.workflow.seals.create(owner, { name: '合同专用章', category: 'contract', spec: { type: 'round', name, sealType: '合同专用章' } });
    await pl.workflow.seals.grant(owner, sealRec.id, { userId: sealP.userId });
    const otherApp = await srv.registerApp(ent.id, 'other app');
    return { id: ent.id, name, admin: adminP, sealAdmin: sealP, seal: sealRec, app: otherApp, appCall: appCaller(srv, otherApp) };
  };

  const upload = async (call: Caller, pdf: Uint8Array, name = '合同.pdf'): Promise<string> => {
    const f = await expectJson<{ fileId: string }>(call('POST', `/api/v1/files?name=${encodeURIComponent(name)}`, pdf, 'application/pdf'), 201);
    return f.fileId;
  };
  const confirm = async (call: Caller, contractIds: string[], method: string, answer: (ch: { challengeId: string }) => Promise<Record<string, string>>): Promise<string> => {
    const ch = await expectJson<{ challengeId: string; method: string }>(call('POST', '/api/v1/willingness', { contractIds, method }), 201);
    assert.equal(ch.method, method);
    const proof = await expectJson<{ proofId: string }>(call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, await answer(ch)), 200);
    return proof.proofId;
  };

  return {
    srv, font, enterprise: { id: demo.enterprise.id, name: demo.enterprise.name }, admin, sealAdmin, member, seal, app, appCall: appCaller(srv, app), autoStamp,
    anonymous: (method, path, body, contentType) => fetch(new URL(path, srv.baseUrl), { method, ...(body === undefined ? {} : { body: body instanceof Uint8Array ? body as Uint8Array<ArrayBuffer> : JSON.stringify(body), headers: { 'content-type': contentType ?? 'application/json' } }) }),
    person,
    otherEnterprise,
    upload,
    async inviteUrl(mobile) {
      const m = (await pl.devMessages!.read({ to: mobile })).reverse().find((x) => x.template === 'sign-invite');
      assert.ok(m?.params.url, `no invitation went to ${mobile}`);
      return m.params.url;
    },
    proofByPassword: (call, contractIds, password) => confirm(call, contractIds, 'password', async () => ({ password: password ?? (call === admin.call ? ADMIN_SIGNING_PASSWORD : SIGNING_PASSWORD) })),
    proofBySms: (call, contractIds, mobile) => confirm(call, contractIds, 'sms_otp', async () => ({ code: await srv.lastCode(mobile) })),
    proofByFace: (call, contractIds) => confirm(call, contractIds, 'face', async () => ({ faceToken: 'sandbox-face-ok' })),
    close: () => srv.close(),
  };
}

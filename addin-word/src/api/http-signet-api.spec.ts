import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAddinError } from '../addin-error.js';
import { HttpSignetApi, contractBody, normalizeBaseUrl } from './http-signet-api.js';
import type { CreateContractInput } from './signet-api.js';

/** A Signet-shaped server on 127.0.0.1: session cookie, CSRF token, `{ code, message }` errors. */
class StubServer {
  readonly requests: { method: string; path: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
  readonly pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3000)]);
  private server!: Server;
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = new URL(req.url!, this.baseUrl);
    this.requests.push({ method: req.method!, path: url.pathname + url.search, headers: req.headers, body });
    const json = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(data));
    };
    const signedIn = /signet_session=s3cret/.test(req.headers.cookie ?? '');
    const session = { user: { id: 'u1', name: '张三' }, csrfToken: 'csrf-1' };
    const unsafe = req.method !== 'GET';
    if (url.pathname === '/api/v1/auth/login/password') {
      const { mobile, password } = JSON.parse(body.toString()) as { mobile: string; password: string };
      if (mobile !== '13800138000' || password !== 'pw') return json(401, { code: 'LOGIN_FAILED', message: '手机号或密码错误。Wrong mobile number or password.' });
      return json(200, session, { 'Set-Cookie': 'signet_session=s3cret; HttpOnly; SameSite=Lax; Path=/' });
    }
    if (url.pathname === '/api/v1/templates') {
      res.writeHead(500, { 'Content-Type': 'text/html' });
      return void res.end('<h1>oops</h1>');
    }
    if (!signedIn) return json(401, { code: 'AUTH_REQUIRED', message: '请登录。Log in.' });
    if (unsafe && req.headers['x-csrf-token'] !== 'csrf-1') return json(403, { code: 'CSRF_TOKEN_INVALID', message: 'Send X-CSRF-Token.' });
    if (url.pathname === '/api/v1/auth/session') return json(200, session);
    if (url.pathname === '/api/v1/files') {
      return json(201, { fileId: 'f1', sha256: createHash('sha256').update(body).digest('hex'), size: body.length });
    }
    if (url.pathname === '/api/v1/contracts' && unsafe) return json(201, { id: 'c1', title: 'T', state: 'signing', createdAt: 'now', signers: [] });
    if (url.pathname === '/api/v1/contracts/a%2Fb/download') {
      res.writeHead(200, { 'Content-Type': 'application/pdf' });
      return void res.end(this.pdf);
    }
    if (url.pathname === '/api/v1/auth/logout') {
      res.writeHead(204);
      return void res.end();
    }
    json(404, { code: 'NOT_FOUND', message: `No route for ${req.method} ${url.pathname}` });
  }
}

/** Node's fetch keeps no cookies: a minimal jar, as a browser would. */
function cookieFetch(): typeof fetch {
  const jar = new Map<string, string>();
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.size) headers.set('Cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(input, { ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  };
}

describe('HttpSignetApi', () => {
  const stub = new StubServer();
  before(() => stub.start());
  after(() => stub.stop());

  it('logs in, then sends the session cookie and the CSRF token with an upload, and the server gets the exact bytes', async () => {
    const api = new HttpSignetApi({ baseUrl: `${stub.baseUrl}/`, fetch: cookieFetch() });
    const s = await api.loginWithPassword('13800138000', 'pw');
    assert.equal(s.user.name, '张三');
    const up = await api.uploadFile(stub.pdf, { name: '服务协议.pdf', format: 'pdf' });
    assert.equal(up.sha256, createHash('sha256').update(stub.pdf).digest('hex'));
    const req = stub.requests.at(-1)!;
    assert.equal(req.path, '/api/v1/files');
    assert.equal(req.headers['content-type'], 'application/pdf');
    assert.equal(req.headers['x-csrf-token'], 'csrf-1');
    assert.match(req.headers.cookie!, /signet_session=s3cret/);
    assert.equal(decodeURIComponent(String(req.headers['x-signet-file-name'])), '服务协议.pdf');
  });

  it('passes the server\'s { code, message } through as an AddinError with the HTTP status', async () => {
    const api = new HttpSignetApi({ baseUrl: stub.baseUrl, fetch: cookieFetch() });
    await assert.rejects(api.loginWithPassword('13800138000', 'nope'), (e: unknown) => isAddinError(e, 'LOGIN_FAILED') && e.status === 401 && /Wrong mobile/.test(e.message));
  });

  it('is refused with CSRF_TOKEN_INVALID when it has the cookie but never learnt the token', async () => {
    const f = cookieFetch();
    await new HttpSignetApi({ baseUrl: stub.baseUrl, fetch: f }).loginWithPassword('13800138000', 'pw');
    const fresh = new HttpSignetApi({ baseUrl: stub.baseUrl, fetch: f });
    await assert.rejects(fresh.remind('c1', 's1'), (e: unknown) => isAddinError(e, 'CSRF_TOKEN_INVALID') && e.status === 403);
    // GET /auth/session hands the token over, as the login dialog's message does.
    assert.equal((await fresh.session())?.csrfToken, 'csrf-1');
    await fresh.createContract(sampleInput());
    assert.equal(stub.requests.at(-1)!.headers['x-csrf-token'], 'csrf-1');
  });

  it('answers session() with undefined, not an error, when nobody is logged in', async () => {
    assert.equal(await new HttpSignetApi({ baseUrl: stub.baseUrl, fetch: cookieFetch() }).session(), undefined);
  });

  it('reports a non-JSON error page by its status', async () => {
    const api = new HttpSignetApi({ baseUrl: stub.baseUrl, fetch: cookieFetch() });
    await assert.rejects(api.listTemplates('劳动'), (e: unknown) => isAddinError(e, 'HTTP_500') && e.status === 500);
    assert.equal(stub.requests.at(-1)!.path, `/api/v1/templates?q=${encodeURIComponent('劳动')}`);
  });

  it('downloads bytes exactly, with path segments encoded', async () => {
    const api = new HttpSignetApi({ baseUrl: stub.baseUrl, fetch: cookieFetch() });
    await api.loginWithPassword('13800138000', 'pw');
    assert.deepEqual(Buffer.from(await api.downloadSigned('a/b')), stub.pdf);
    assert.equal(api.signedPdfUrl('a/b'), `${stub.baseUrl}/api/v1/contracts/a%2Fb/download`);
  });

  it('says the server cannot be reached when nothing listens there', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const api = new HttpSignetApi({ baseUrl: `http://127.0.0.1:${port}` });
    await assert.rejects(api.session(), (e: unknown) => isAddinError(e, 'NETWORK_UNREACHABLE') && e.message.includes(`127.0.0.1:${port}`));
  });

  it('normalizes the server URL and refuses what is not an http(s) base URL', () => {
    assert.equal(normalizeBaseUrl(' https://sign.example.com/ '), 'https://sign.example.com');
    assert.equal(normalizeBaseUrl('https://example.com/signet//'), 'https://example.com/signet');
    for (const bad of ['sign.example.com', 'ftp://x.example', 'https://x.example/?a=1', 'https://x.example/#x']) {
      assert.throws(() => normalizeBaseUrl(bad), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'), bad);
    }
  });
});

function sampleInput(): CreateContractInput {
  return {
    title: 'Service Agreement',
    fileId: 'f1',
    fileName: 'Service Agreement.pdf',
    signers: [
      { kind: 'organization', name: 'Acme Trading Ltd', mobile: '13800138000', role: 'partyA', order: 1 },
      { kind: 'person', name: 'Li Lei', mobile: '13900139000', role: 'partyB', order: 2 },
    ],
    fields: [
      { kind: 'seal', role: 'partyA', anchorText: 'signet:seal:partyA' },
      { kind: 'signature', role: 'partyB', anchorText: 'signet:sign:partyB' },
      { kind: 'date', role: 'partyB', anchorText: 'signet:date:partyB' },
    ],
    order: 'sequential',
    deadline: '2030-01-01T00:00:00.000Z',
    policies: { willingness: ['sms_otp'], certify: 2, level: 'B-LT', handwriting: 'optional' },
    variables: { fee: '10000' },
    send: true,
  };
}

describe('contractBody', () => {
  it('gives each signer the anchored fields of its role, in core\'s create shape', () => {
    const b = contractBody(sampleInput()) as { signers: { role: string; step: number; account: string; fields: unknown[]; dateFields: unknown[] }[]; certify: number; files: unknown[] };
    assert.deepEqual(b.files, [{ fileId: 'f1', name: 'Service Agreement.pdf' }]);
    assert.equal(b.certify, 2);
    assert.deepEqual(b.signers.map((s) => [s.role, s.step, s.account]), [['partyA', 1, '13800138000'], ['partyB', 2, '13900139000']]);
    assert.deepEqual(b.signers[0].fields, [{ anchor: { text: 'signet:seal:partyA', occurrence: 'all' }, kind: 'seal' }]);
    assert.deepEqual(b.signers[1].fields, [{ anchor: { text: 'signet:sign:partyB', occurrence: 'all' }, kind: 'signature' }]);
    assert.deepEqual(b.signers[1].dateFields, [{ anchor: { text: 'signet:date:partyB', occurrence: 'all' } }]);
  });
});

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  isSignetError, sampleIdCardNumber, sampleMobile, sampleUscc, sandboxMicroTransfer, SandboxIdentityProvider,
  type Actor,
} from '@signet/core';
import { identityStack } from '@signet/core/testing';
import { HttpIdentityProvider } from './http-identity-provider.js';

type Handler = (path: string, body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

const json = (res: ServerResponse, status: number, body: unknown) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(typeof body === 'string' ? body : JSON.stringify(body)); };

/** The documented protocol, answered by the sandbox's rules: a bureau on 127.0.0.1. */
const sandboxBureau: Handler = async (path, b, _req, res) => {
  const sandbox = new SandboxIdentityProvider();
  if (path === '/api/v1/person/verify') return json(res, 200, await sandbox.verifyPerson(b as never, b.method as never));
  if (path === '/api/v1/organization/verify') return json(res, 200, await sandbox.verifyOrganization(b as never, b.method as never));
  if (path === '/api/v1/organization/micro-transfer') return json(res, 200, await sandbox.startMicroTransfer(b as never, b.account as never));
  json(res, 404, { error: 'no such endpoint' });
};

async function fakeBureau() {
  let handler: Handler = sandboxBureau;
  const received: { path: string; body: Record<string, unknown>; headers: IncomingMessage['headers']; method?: string }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { raw += c; });
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : {};
      received.push({ path: req.url!, body, headers: req.headers, method: req.method });
      void handler(req.url!, body, req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  return { base, received, handle: (h: Handler) => { handler = h; }, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const ID = sampleIdCardNumber(61, { sequenceLastDigit: 5 });
const MOBILE = sampleMobile(61, { lastDigit: 3 });
const person = { name: '张三', idNumber: ID, mobile: MOBILE };
const leaks = (e: unknown) => /tok-secret|[0-9]{17}[0-9X]|1[3-9][0-9]{9}/.test((e as Error).message);

describe('identity/HttpIdentityProvider', () => {
  let bureau: Awaited<ReturnType<typeof fakeBureau>>;
  beforeEach(async () => { bureau = await fakeBureau(); });
  afterEach(() => bureau.close());

  it('POSTs a person check to <base>/v1/person/verify as documented, with the bearer token and a request id', async () => {
    const r = await new HttpIdentityProvider(`${bureau.base}/`, { token: 'tok-secret' }).verifyPerson(person, 'phone3');
    assert.equal(r.ok, true);
    assert.equal(r.method, 'phone3');
    assert.match(r.reference!, /^sandbox-phone3-/);
    const q = bureau.received[0];
    assert.equal(q.method, 'POST');
    assert.equal(q.path, '/api/v1/person/verify');
    assert.equal(q.headers.authorization, 'Bearer tok-secret');
    assert.equal(q.headers['content-type'], 'application/json');
    assert.match(String(q.headers['x-signet-request-id']), /^[0-9a-f-]{36}$/);
    assert.deepEqual(q.body, { method: 'phone3', name: '张三', idNumber: ID, mobile: MOBILE });
  });

  it('passes a "does not match" answer through as ok: false with the bureau\'s reason', async () => {
    const r = await new HttpIdentityProvider(bureau.base).verifyPerson({ ...person, idNumber: sampleIdCardNumber(61, { sequenceLastDigit: 4 }) }, 'id2');
    assert.equal(r.ok, false);
    assert.match(r.reason!, /does not match the ID number/);
  });

  it('checks organizations and starts micro-transfers at their endpoints', async () => {
    const p = new HttpIdentityProvider(bureau.base);
    const org = { name: '上海示例科技有限公司', uscc: sampleUscc(2026), legalRepresentative: '王五' };
    assert.equal((await p.verifyOrganization(org, 'org3')).ok, true);
    assert.equal(bureau.received[0].path, '/api/v1/organization/verify');
    const account = { accountName: org.name, accountNumber: '6222020200112233', bankName: '中国工商银行' };
    const t = await p.startMicroTransfer(org, account);
    assert.deepEqual({ amountFen: t.amountFen, remark: t.remark }, sandboxMicroTransfer(org.uscc, account.accountNumber));
    assert.deepEqual(bureau.received[1].body.account, account);
    assert.equal((await p.startMicroTransfer(org, { ...account, accountNumber: '6222020200112234' })).ok, false);
  });

  it('fails with IDENTITY_PROVIDER_FAILED on an error status, non-JSON, or a body without "ok", leaking no data or token', async () => {
    const p = new HttpIdentityProvider(bureau.base, { token: 'tok-secret' });
    const answers: [number, string, RegExp][] = [[503, '{"error":"busy"}', /HTTP 503/], [200, '<html>', /not JSON/], [200, '{"status":"fine"}', /no boolean "ok"/], [200, '[true]', /not a JSON object/]];
    for (const [status, body, re] of answers) {
      bureau.handle((_p, _b, _q, res) => json(res, status, body));
      await assert.rejects(p.verifyPerson(person, 'id2'), (e) => isSignetError(e, 'IDENTITY_PROVIDER_FAILED') && re.test((e as Error).message) && !leaks(e) && (e as Error).message.includes('/api/v1/person/verify'));
    }
    bureau.handle((_p, _b, _q, res) => json(res, 200, { ok: true, amountFen: 120, remark: 'x' }));
    await assert.rejects(p.startMicroTransfer({ name: 'x', uscc: 'y' }, { accountName: 'x', accountNumber: '1', bankName: 'b' }), (e) => isSignetError(e, 'IDENTITY_PROVIDER_FAILED') && /amountFen/.test((e as Error).message));
  });

  it('fails on no answer within the timeout and on a closed port', async () => {
    const base = bureau.base;
    bureau.handle(() => { /* never answers */ });
    await assert.rejects(new HttpIdentityProvider(base, { timeoutMs: 200 }).verifyPerson(person, 'id2'), (e) => isSignetError(e, 'IDENTITY_PROVIDER_FAILED') && /no answer within 200 ms/.test((e as Error).message));
    await bureau.close();
    await assert.rejects(new HttpIdentityProvider(base).verifyPerson(person, 'id2'), (e) => isSignetError(e, 'IDENTITY_PROVIDER_FAILED') && /network error/.test((e as Error).message) && !leaks(e));
    bureau = await fakeBureau();
  });

  it('refuses a bad URL or credentials in the URL', () => {
    for (const u of ['nope', 'file:///etc/passwd', 'https://u:pw@idv.example.com/']) assert.throws(() => new HttpIdentityProvider(u), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
  });

  it('drives real-name verification end to end: a person by phone3 and an enterprise by micro-transfer', async () => {
    const s = identityStack({ provider: new HttpIdentityProvider(bureau.base) });
    const u = await s.directory.createUser({ mobile: MOBILE });
    const me: Actor = { kind: 'person', userId: u.id };
    const v = await s.realName.startPersonVerification(me, u.id, { ...person, method: 'phone3' });
    await s.realName.confirmCode(me, v.id, s.lastCode(MOBILE));
    assert.deepEqual(await s.realName.certificateSubjectOf(u.id), { kind: 'person', name: '张三', idNumber: ID });
    const ent = await s.directory.createEnterprise(me, { name: '上海示例科技有限公司', uscc: sampleUscc(2026), legalRepresentative: '王五' });
    const admin = await s.directory.actorFor(u.id, ent.id);
    const account = { accountName: '上海示例科技有限公司', accountNumber: '6222020200112233', bankName: '中国工商银行' };
    const ev = await s.realName.startEnterpriseVerification(admin, ent.id, { method: 'micro_transfer', account });
    await s.realName.confirmMicroTransfer(admin, ev.id, sandboxMicroTransfer(sampleUscc(2026), account.accountNumber));
    await s.realName.assertVerified(ent.id);
    assert.deepEqual(bureau.received.map((r) => `${r.body.method ?? 'transfer'} ${r.path}`), [
      'id2 /api/v1/person/verify', 'phone3 /api/v1/person/verify', 'org3 /api/v1/organization/verify', 'transfer /api/v1/organization/micro-transfer',
    ]);
  });

  it('turns a failing bureau into IDENTITY_PROVIDER_FAILED for the applicant, without recording a failed check', async () => {
    bureau.handle((_p, _b, _q, res) => json(res, 500, '{}'));
    const s = identityStack({ provider: new HttpIdentityProvider(bureau.base) });
    const u = await s.directory.createUser({ mobile: MOBILE });
    await assert.rejects(s.realName.startPersonVerification({ kind: 'person', userId: u.id }, u.id, { ...person, method: 'phone3' }), (e) => isSignetError(e, 'IDENTITY_PROVIDER_FAILED'));
    assert.deepEqual(await s.realName.verificationsOf(u.id), []);
  });
});

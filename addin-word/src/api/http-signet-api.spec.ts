/**
 * HttpSignetApi against the real Signet server on 127.0.0.1 (the whole app and platform, the demo
 * enterprise with its seals and templates), from Node, whose fetch keeps no cookies: everything
 * after the login works through the session token alone, as in Word on the web. The app functions
 * run on top of it with a fake Word whose PDF export is a real PDF with the anchor markers.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAddinError } from '../addin-error.js';
import { DEFAULT_POLICIES, sendForSignature } from '../app/send-for-signature.js';
import { finishSigning, planSigning, startWillingnessCheck } from '../app/sign-myself.js';
import { downloadSignedPdfs, trackContracts } from '../app/track-contracts.js';
import { saveAsTemplate } from '../app/save-template.js';
import { draftedAgreement } from '../testing/app-fixture.js';
import { outsiderMobile, signThroughLink, startAddinPlatform, type AddinPlatform } from '../testing/node/platform-fixture.js';
import { HttpSignetApi, contractBody, normalizeBaseUrl, templateBody } from './http-signet-api.js';
import type { CreateContractInput, SessionInfo } from './signet-api.js';

describe('HttpSignetApi (the real server)', function () {
  this.timeout(120_000);
  let p: AddinPlatform;
  let api: HttpSignetApi;
  let session: SessionInfo;
  before(async () => {
    p = await startAddinPlatform();
    api = new HttpSignetApi({ baseUrl: `${p.srv.baseUrl}/` });
    session = await api.loginWithPassword(p.admin.mobile, p.admin.password);
  });
  after(() => p?.close());

  it('logs in asking for the session token, and knows the user and enterprise from /me', async () => {
    assert.match(session.sessionToken!, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(session.user.name, '王演示');
    assert.equal(session.user.mobileMasked, '138****8000');
    assert.equal(session.enterprise?.id, p.srv.demo!.enterprise.id);
    assert.ok(session.enterprise?.roles.includes('super_admin'));
    // A second client given only the token (what the login dialog hands the task pane) has the same session.
    const pane = new HttpSignetApi({ baseUrl: p.srv.baseUrl, credentials: { csrfToken: session.csrfToken, sessionToken: session.sessionToken } });
    assert.equal((await pane.session())?.user.id, session.user.id);
  });

  it('passes the server\'s { code, message } through as an AddinError with the HTTP status', async () => {
    const other = new HttpSignetApi({ baseUrl: p.srv.baseUrl });
    await assert.rejects(other.loginWithPassword(p.admin.mobile, 'wrong password'), (e: unknown) => isAddinError(e, 'LOGIN_FAILED') && e.status === 401 && e.message.length > 10);
    assert.equal(await other.session(), undefined, 'no session: undefined, not an error');
    await assert.rejects(other.listTemplates(), (e: unknown) => isAddinError(e, 'AUTH_REQUIRED') && e.status === 401);
  });

  it('reads the library: the seeded templates with their variables and roles, and the clauses', async () => {
    const templates = await api.listTemplates();
    assert.ok(templates.length >= 2);
    assert.ok(templates.every((t) => Array.isArray(t.variables) && t.roles.length > 0));
    assert.deepEqual((await api.listTemplates('保密')).map((t) => t.name), templates.filter((t) => t.name.includes('保密')).map((t) => t.name));
    const admin = await p.srv.demoAdmin();
    assert.equal((await admin.fetch('/api/v1/clauses', { json: { title: '付款 Payment', html: '<p onclick="x()">Pay in <b>30</b> days.</p>', category: '财务' } })).status, 201);
    const clauses = await api.listClauses('Payment');
    assert.deepEqual(clauses.map((c) => [c.title, c.format, c.content, c.category]), [['付款 Payment', 'html', '<p>Pay in <b>30</b> days.</p>', '财务']]);
  });

  it('lists the demo seals granted to me', async () => {
    const seals = await api.listSeals();
    assert.deepEqual(seals.map((s) => s.name).sort(), ['公章', '合同专用章']);
    assert.ok(seals.every((s) => s.enabled && s.enterpriseId === session.enterprise!.id && s.imageUrl.endsWith('/image.svg')));
    assert.deepEqual(await api.listMySignatures(), []);
  });

  it('sends the document from Word, signs my enterprise\'s part with its seal, and gets the completed PDF after the other party signs by link', async () => {
    const f = await draftedAgreement();
    const deps = { gateway: f.gateway, api };
    const seal = p.extras.seals.find((s) => s.name === '合同专用章')!;
    const mobile = outsiderMobile();
    const sent = await sendForSignature(deps, {
      title: 'Service Agreement',
      signers: [
        { kind: 'person', name: '冯外部', mobile, role: 'partyA', order: 2 },
        { kind: 'organization', name: session.enterprise!.name, mobile: '', role: 'partyB', order: 1, enterpriseId: session.enterprise!.id, seal: seal.id },
      ],
      policies: { ...DEFAULT_POLICIES, willingness: ['sms_otp', 'face'] },
    });
    assert.equal(sent.contract.state, 'signing');
    assert.deepEqual(sent.contract.signers.map((s) => [s.role, s.step, s.kind, s.state]), [['partyA', 2, 'person', 'unread'], ['partyB', 1, 'organization', 'unread']]);
    assert.equal(sent.contract.documents![0].pages, 1);

    const plan = await planSigning(deps, session, sent.contract.id);
    assert.deepEqual(plan.choices.map((c) => c.sealId), [seal.id], 'the signer must use the chosen seal');
    assert.deepEqual(plan.methods, ['sms_otp']);
    const challenge = await startWillingnessCheck(deps, plan, 'sms_otp');
    assert.equal(challenge.maskedMobile, '138****8000');
    const mine = await finishSigning(deps, plan, { challenge, secret: await p.srv.lastCode(p.admin.mobile), choiceId: plan.choices[0].id });
    assert.equal(mine.completed, false);
    assert.equal(mine.contract.documents![0].signatures, 1);
    const partial = await api.verify(mine.files[0].bytes);
    assert.equal(partial.signatureCount, 1);
    assert.equal(partial.valid, true);

    await api.remind(sent.contract.id, mine.contract.signers.find((s) => s.role === 'partyA')!.id);
    assert.equal(await signThroughLink(p.srv, mobile, '冯外部'), 'completed');

    const tracked = await trackContracts(deps);
    const done = tracked.thisDocument.find((c) => c.id === sent.contract.id)!;
    assert.equal(done.state, 'completed');
    const [pdf] = await downloadSignedPdfs(deps, done);
    const report = await api.verify(pdf.bytes);
    assert.equal(report.valid, true, report.summary);
    // Each signer in a revision of their own (each followed by its DSS revision), then the document time-stamp that locks it.
    const signed = report.signatures.filter((s) => s.type === 'signature');
    assert.deepEqual(signed.map((s) => s.signer?.commonName), [session.enterprise!.name, '冯外部']);
    assert.equal(new Set(signed.map((s) => s.revision)).size, 2, 'one revision per signer');
    assert.ok(report.signatures.every((s) => s.indication === 'TOTAL_PASSED'), JSON.stringify(report.signatures.map((s) => [s.fieldName, s.indication, s.problems])));
    const zip = await api.downloadEvidence(done.id);
    assert.equal(Buffer.from(zip.subarray(0, 2)).toString(), 'PK');
  });

  it('refuses to sign before my turn, with the server\'s code', async () => {
    const f = await draftedAgreement();
    const sent = await sendForSignature({ gateway: f.gateway, api }, {
      title: 'Out of turn',
      signers: [
        { kind: 'person', name: '冯外部', mobile: outsiderMobile(), role: 'partyA', order: 1 },
        { kind: 'organization', name: session.enterprise!.name, mobile: '', role: 'partyB', order: 2, enterpriseId: session.enterprise!.id },
      ],
      policies: DEFAULT_POLICIES,
    });
    await assert.rejects(planSigning({ gateway: f.gateway, api }, session, sent.contract.id), (e: unknown) => isAddinError(e, 'SIGNER_OUT_OF_TURN'));
    await assert.rejects(api.startWillingness([sent.contract.id], 'sms_otp'), (e: unknown) => isAddinError(e, 'SIGNER_OUT_OF_TURN') && e.status === 409);
    assert.ok((await api.listContracts('outbox')).some((c) => c.id === sent.contract.id));
  });

  it('saves the document as a template whose signature and seal fields sit at the markers', async () => {
    const f = await draftedAgreement();
    const tpl = await saveAsTemplate({ gateway: f.gateway, api }, { name: 'Word 服务协议模板' });
    assert.deepEqual(tpl.roles.sort(), ['partyA', 'partyB']);
    assert.ok((await api.listTemplates('服务协议模板')).some((t) => t.id === tpl.id));
  });

  it('uploads the exact bytes under their name, and refuses what is not a PDF with the server\'s code', async () => {
    const f = await draftedAgreement();
    const pdf = (await f.gateway.exportDocument()).bytes;
    const up = await api.uploadFile(pdf, '服务协议.pdf');
    assert.equal(up.name, '服务协议.pdf');
    assert.equal(up.size, pdf.length);
    assert.equal(up.sha256, Buffer.from(await crypto.subtle.digest('SHA-256', pdf as Uint8Array<ArrayBuffer>)).toString('hex'));
    await assert.rejects(api.uploadFile(new TextEncoder().encode('PK\x03\x04 not a pdf'), 'x.docx'), (e: unknown) => isAddinError(e, 'PDF_NOT_PDF') && e.status === 422 && /not a PDF/.test(e.message));
  });

  it('logs out: the token stops working on the server', async () => {
    const other = new HttpSignetApi({ baseUrl: p.srv.baseUrl });
    const s = await other.loginWithPassword(p.admin.mobile, p.admin.password);
    const copy = new HttpSignetApi({ baseUrl: p.srv.baseUrl, credentials: { csrfToken: s.csrfToken, sessionToken: s.sessionToken } });
    await other.logout();
    assert.equal(await copy.session(), undefined);
    await other.logout();
  });
});

describe('HttpSignetApi (transport)', () => {
  it('reports a non-JSON error page by its status, and an unreachable server plainly', async () => {
    const html = createServer((_req, res) => res.writeHead(502, { 'Content-Type': 'text/html' }).end('<h1>Bad gateway</h1>'));
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
    const port = (html.address() as AddressInfo).port;
    try {
      await assert.rejects(new HttpSignetApi({ baseUrl: `http://127.0.0.1:${port}` }).listClauses(), (e: unknown) => isAddinError(e, 'HTTP_502') && e.status === 502);
    } finally {
      await new Promise<void>((r) => html.close(() => r()));
    }
    await assert.rejects(new HttpSignetApi({ baseUrl: `http://127.0.0.1:${port}` }).session(), (e: unknown) => isAddinError(e, 'NETWORK_UNREACHABLE') && e.message.includes(`127.0.0.1:${port}`));
  });

  it('sends the token as Authorization: Session and no cookie or CSRF header, or else the CSRF token with the cookie', async () => {
    const seen: { method: string; url: string; headers: Headers; credentials?: RequestCredentials }[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      seen.push({ method: init!.method!, url: String(input), headers: new Headers(init!.headers), credentials: init!.credentials });
      return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    const withToken = new HttpSignetApi({ baseUrl: 'https://sign.example.com', fetch: fakeFetch, credentials: { csrfToken: 'c', sessionToken: 't' } });
    await withToken.remind('a/b');
    const cookie = new HttpSignetApi({ baseUrl: 'https://sign.example.com', fetch: fakeFetch, credentials: { csrfToken: 'c' } });
    await cookie.remind('a/b', 's1');
    assert.deepEqual(seen.map((r) => [r.url, r.headers.get('authorization'), r.headers.get('x-csrf-token'), r.credentials]), [
      ['https://sign.example.com/api/v1/contracts/a%2Fb/remind', 'Session t', null, 'omit'],
      ['https://sign.example.com/api/v1/contracts/a%2Fb/remind', null, 'c', 'include'],
    ]);
  });

  it('normalizes the server URL and refuses what is not an http(s) base URL', () => {
    assert.equal(normalizeBaseUrl(' https://sign.example.com/ '), 'https://sign.example.com');
    assert.equal(normalizeBaseUrl('https://example.com/signet//'), 'https://example.com/signet');
    for (const bad of ['sign.example.com', 'ftp://x.example', 'https://x.example/?a=1', 'https://x.example/#x']) {
      assert.throws(() => normalizeBaseUrl(bad), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'), bad);
    }
  });
});

describe('contractBody and templateBody', () => {
  const input: CreateContractInput = {
    title: 'Service Agreement', fileId: 'f1', fileName: 'Service Agreement.pdf', order: 'sequential', deadline: '2030-01-01T00:00:00.000Z', send: true,
    policies: { willingness: ['sms_otp'], certify: 2, level: 'B-LT', handwriting: 'optional' },
    signers: [
      { kind: 'organization', name: 'Acme Trading Ltd', mobile: '', role: 'partyA', order: 1, enterpriseId: 'ent_1', seal: 'seal_1' },
      { kind: 'person', name: 'Li Lei', mobile: '13900139000', role: 'partyB', order: 2 },
      { kind: 'person', name: '王演示', mobile: '', role: 'witness', order: 2, userId: 'u_1' },
    ],
  };

  it('sends each signer with its role and step, persons by mobile or user, organizations by enterprise, and no fields (the server finds the markers)', () => {
    const b = contractBody(input) as { documents: unknown; certify: number; signers: Record<string, unknown>[] };
    assert.deepEqual(b.documents, [{ fileId: 'f1', name: 'Service Agreement.pdf' }]);
    assert.equal(b.certify, 2);
    assert.deepEqual(b.signers, [
      { kind: 'organization', name: 'Acme Trading Ltd', role: 'partyA', step: 1, enterpriseId: 'ent_1', seal: 'seal_1', willingness: { methods: ['sms_otp'], handwriting: 'optional' } },
      { kind: 'person', name: 'Li Lei', role: 'partyB', step: 2, mobile: '13900139000', willingness: { methods: ['sms_otp'], handwriting: 'optional' } },
      { kind: 'person', name: '王演示', role: 'witness', step: 2, userId: 'u_1', willingness: { methods: ['sms_otp'], handwriting: 'optional' } },
    ]);
  });

  it('makes a signature or seal field at every occurrence of each marker, and leaves date markers out', () => {
    assert.deepEqual(templateBody({
      name: 'T', fileId: 'f1',
      fields: [{ kind: 'signature', role: 'partyA', anchorText: 'signet:sign:partyA' }, { kind: 'date', role: 'partyA', anchorText: 'signet:date:partyA' }, { kind: 'seal', role: 'partyB', anchorText: 'signet:seal:partyB' }],
    }), {
      name: 'T', fileId: 'f1',
      definition: {
        fields: [
          { name: 'signature-partyA', type: 'signature', role: 'partyA', anchor: { text: 'signet:sign:partyA', occurrence: 'all' } },
          { name: 'seal-partyB', type: 'seal', role: 'partyB', anchor: { text: 'signet:seal:partyB', occurrence: 'all' } },
        ],
      },
    });
  });
});

import assert from 'node:assert/strict';
import { sampleIdCardNumber, verifyPdf } from '@signet/core';
import { contractPdf, expectBytes, expectError, expectJson, linkCaller, startAcceptanceKit, tokenOf, type AcceptanceKit, type Caller } from '../../acceptance/acceptance-kit.js';

type Created = { id: string; state: string; links: { signerId: string; url?: string }[] };
type Page = {
  contract: { id: string; title: string; state: string; documents: { id: string; pages: number }[] };
  me: { id: string; name: string; state: string; fields: { page: number }[] };
  others: { id: string; state: string }[];
  realName: { status: string };
  willingness: { methods: string[]; available: string[]; handwriting: string };
  link: { used: boolean; expiresAt: string };
  actions: string[];
};

describe('link routes (the signer\'s page)', function () {
  this.timeout(120_000);
  let kit: AcceptanceKit;
  before(async () => { kit = await startAcceptanceKit(); });
  after(async () => kit?.close());

  let n = 0;
  /** A sent parallel contract for an external person (by mobile, unverified) and the demo member; returns the external signer's link. */
  const external = async (opts: { deadline?: Date; willingness?: unknown } = {}) => {
    n++;
    const mobile = `1590000${String(6000 + n)}`;
    const name = ['钱多多', '孙小圣', '李二宝', '周一鸣', '吴三桂', '郑板桥'][n % 6];
    const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font, { title: `外部签署 ${n}` }));
    const c = await expectJson<Created>(kit.admin.call('POST', '/api/v1/contracts', {
      title: `外部签署 ${n}`, documents: [{ fileId }], send: true, order: 'parallel',
      ...(opts.deadline ? { deadline: opts.deadline.toISOString() } : {}),
      signers: [
        { kind: 'person', name, mobile, willingness: opts.willingness ?? ['face', 'sms_otp'], fields: [{ page: 1, rect: { x: 320, y: 230, w: 150, h: 60 } }] },
        { kind: 'person', name: kit.member.name, userId: kit.member.userId },
      ],
    }), 201);
    const url = c.links.find((l) => l.signerId === 's1')!.url;
    return { c, mobile, name, link: linkCaller(kit.srv.baseUrl, tokenOf(url)), memberLink: linkCaller(kit.srv.baseUrl, tokenOf(c.links.find((l) => l.signerId === 's2')!.url)) };
  };

  /** Verifies the link's person in the flow (name + ID number, phone3, the SMS code from the dev log). */
  const verify = async (link: Caller, name: string, mobile: string) => {
    const v = await expectJson<{ verificationId: string; status: string; next: string; mobileMasked: string }>(link('POST', '/api/v1/link/identity', { name, idNumber: sampleIdCardNumber(500 + n, { sequenceLastDigit: 3 }) }), 201);
    assert.equal(v.next, 'enter_code');
    return expectJson<{ status: string }>(link('POST', `/api/v1/link/identity/${v.verificationId}/code`, { code: await kit.srv.lastCode(mobile) }), 200);
  };

  it('shows the page: the contract, my signer and fields, the others, my real-name status and what I may do; opening marks me read', async () => {
    const { c, link } = await external();
    const page = await expectJson<Page>(link('GET', '/api/v1/link'), 200);
    assert.equal(page.contract.id, c.id);
    assert.equal(page.contract.documents[0].pages, 1);
    assert.equal(page.me.id, 's1');
    assert.equal(page.me.state, 'read');
    assert.equal(page.me.fields.length, 1);
    assert.deepEqual(page.others.map((o) => o.id), ['s2']);
    assert.equal(page.realName.status, 'unverified');
    assert.deepEqual(page.actions, ['verify_identity', 'sign', 'reject']);
    assert.equal(page.link.used, false);
    const pdf = await expectBytes(link('GET', '/api/v1/link/documents/d1'), 200, 'application/pdf');
    assert.equal(verifyPdf(pdf, { trustAnchors: [] }).signatureCount, 0);
    await expectError(link('GET', '/api/v1/link/documents/d9'), 404, 'NOT_FOUND');
    await expectError(link('GET', '/api/v1/link/documents/d1/download'), 409, 'NOT_COMPLETED');
    const history = await expectJson<{ items: { type: string; actor: { kind: string } }[] }>(kit.admin.call('GET', `/api/v1/contracts/${c.id}/history`), 200);
    assert.ok(history.items.some((e) => e.type === 'signer.read' && e.actor.kind === 'signer'));
    assert.ok(history.items.some((e) => e.type === 'contract.previewed' && e.actor.kind === 'signer'), 'reading a document is audited');
  });

  it('verifies the real name in the flow, then signs with a face check and handwriting; the used link still shows the status and downloads the completed PDF', async () => {
    const { c, link, memberLink, name, mobile } = await external();
    await expectError(link('POST', '/api/v1/link/identity', { name: '别人名', idNumber: sampleIdCardNumber(77, { sequenceLastDigit: 3 }) }), 422, 'IDENTITY_CHECK_FAILED');
    await expectError(link('POST', '/api/v1/link/identity', { name, idNumber: '110105194912310021' }), 400, 'IDENTITY_INVALID');
    assert.equal((await verify(link, name, mobile)).status, 'passed');
    const page = await expectJson<Page>(link('GET', '/api/v1/link'), 200);
    assert.equal(page.realName.status, 'verified');
    assert.deepEqual(page.willingness.available, ['face', 'sms_otp']);
    assert.deepEqual(page.actions, ['sign', 'reject']);
    await expectError(link('POST', '/api/v1/link/identity', { name, idNumber: sampleIdCardNumber(9, { sequenceLastDigit: 3 }) }), 409, 'IDENTITY_VERIFICATION_CLOSED');
    const proofId = await kit.proofByFace(link, [c.id]);
    await expectError(link('POST', '/api/v1/link/sign', { proofId, values: { price: '100' } }), 400, 'INVALID_ARGUMENT');
    const signed = await expectJson<Page>(link('POST', '/api/v1/link/sign', { proofId, handwriting: { strokes: [[{ x: 1, y: 1 }, { x: 30, y: 12 }, { x: 60, y: 2 }]] } }), 200);
    assert.equal(signed.me.state, 'signed');
    assert.equal(signed.link.used, true);
    assert.deepEqual(signed.actions, []);
    await expectError(link('POST', '/api/v1/link/sign', { proofId }), 410, 'LINK_USED');
    await expectError(link('POST', '/api/v1/link/reject', { reason: '改主意了' }), 410, 'LINK_USED');
    await expectError(link('POST', '/api/v1/willingness', { contractIds: [c.id] }), 410, 'LINK_USED');
    // The member signs through their own link, with their signing password.
    const memberProof = await kit.proofByPassword(memberLink, [c.id]);
    assert.equal((await expectJson<Page>(memberLink('POST', '/api/v1/link/sign', { proofId: memberProof }), 200)).contract.state, 'completed');
    const done = await expectJson<Page>(link('GET', '/api/v1/link'), 200);
    assert.equal(done.contract.state, 'completed');
    assert.deepEqual(done.actions, ['download']);
    const pdf = await expectBytes(link('GET', '/api/v1/link/documents/d1/download'), 200, 'application/pdf');
    const report = verifyPdf(pdf, { trustAnchors: [kit.srv.installation.pki.rootCertificate] });
    assert.ok(report.valid, report.summary);
    assert.equal(report.signatures.filter((s) => s.type === 'signature').length, 2, 'one signature per signer');
    await expectBytes(link('GET', `/api/v1/contracts/${c.id}/documents/d1/download`), 200, 'application/pdf');
    await expectError(link('GET', '/api/v1/contracts/ct_not_mine/documents/d1/download'), 404, 'NOT_FOUND');
  });

  it('rejects with a reason; the other signer\'s link is then revoked', async () => {
    const { c, link, memberLink } = await external();
    await expectError(link('POST', '/api/v1/link/reject', {}), 400, 'INVALID_ARGUMENT');
    const r = await expectJson<Page>(link('POST', '/api/v1/link/reject', { reason: '金额有误' }), 200);
    assert.equal(r.contract.state, 'rejected');
    assert.equal(r.me.state, 'rejected');
    await expectError(memberLink('GET', '/api/v1/link'), 410, 'LINK_REVOKED');
    assert.equal((await expectJson<Page>(link('GET', '/api/v1/link'), 200)).contract.state, 'rejected', 'the rejecting link still shows the outcome');
    const view = await expectJson<{ state: string; signers: { rejectReason?: string }[] }>(kit.admin.call('GET', `/api/v1/contracts/${c.id}`), 200);
    assert.equal(view.signers[0].rejectReason, '金额有误');
  });

  it('gives revoked, reminded-over, expired and unknown links their own codes', async () => {
    const revoked = await external();
    await expectJson(kit.admin.call('POST', `/api/v1/contracts/${revoked.c.id}/revoke`, { reason: '条款需修改' }), 200);
    await expectError(revoked.link('GET', '/api/v1/link'), 410, 'LINK_REVOKED');

    const reminded = await external();
    const fresh = await expectJson<Created>(kit.admin.call('POST', `/api/v1/contracts/${reminded.c.id}/remind`, { signerId: 's1' }), 200);
    await expectError(reminded.link('GET', '/api/v1/link'), 410, 'LINK_REVOKED');
    await expectJson(linkCaller(kit.srv.baseUrl, tokenOf(fresh.links[0].url))('GET', '/api/v1/link'), 200);

    const expiring = await external({ deadline: new Date(Date.now() + 1500) });
    const { deadline } = await expectJson<{ deadline: string }>(kit.admin.call('GET', `/api/v1/contracts/${expiring.c.id}`), 200);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(deadline) - Date.now() + 50)));
    await expectError(expiring.link('GET', '/api/v1/link'), 410, 'LINK_EXPIRED');
    const due = await kit.srv.platform.workflow.contracts.runDueJobs();
    assert.ok(due.expired.includes(expiring.c.id));
    await expectError(expiring.link('GET', '/api/v1/link'), 410, 'LINK_EXPIRED');

    await expectError(linkCaller(kit.srv.baseUrl, 'A'.repeat(43))('GET', '/api/v1/link'), 401, 'AUTH_LINK_INVALID');
    await expectError(linkCaller(kit.srv.baseUrl, 'short!')('GET', '/api/v1/link'), 401, 'AUTH_LINK_INVALID');
    await expectError(kit.anonymous('GET', '/api/v1/link'), 401, 'AUTH_REQUIRED');
    assert.ok(!kit.srv.logs.join('\n').includes(tokenOf(reminded.c.links[0].url)), 'link tokens never reach the request log');
  });
});

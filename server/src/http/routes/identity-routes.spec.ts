import assert from 'node:assert/strict';
import { sampleIdCardNumber, sandboxMicroTransfer, sampleUscc, type Actor } from '@signet/core';
import { startPlatformServer, type PlatformServer } from '../../testing/platform-server.js';
import { apiError, demoClient, json, lonePerson, otherTenant, samplePdf, type OtherTenant } from './tenant-fixtures.js';

interface Verification { id: string; status: string; next?: string; method: string; mobileMasked?: string; attemptsLeft?: number; subjectId: string }

describe('identity routes: /api/v1/identity and /certificates', function () {
  this.timeout(120_000);
  let srv: PlatformServer;
  let other: OtherTenant;

  before(async () => {
    srv = await startPlatformServer();
    other = await otherTenant(srv);
  });
  after(() => srv?.close());

  const verificationsOf = async (subject: string) => srv.platform.realName.verificationsOf(subject);

  describe('a person', () => {
    it('verifies by phone three-factor: the code goes to the mobile, a wrong code is refused, the right one passes', async () => {
      const p = await lonePerson(srv);
      const idNumber = sampleIdCardNumber(71);
      const res = await p.client.fetch('/api/v1/identity/person', { method: 'POST', json: { name: '孙个人', idNumber, method: 'phone3', mobile: p.mobile } });
      const text = await res.clone().text();
      const v = await json<Verification>(res, 201);
      assert.deepEqual([v.status, v.next, v.mobileMasked], ['awaiting_otp', 'enter_code', `${p.mobile.slice(0, 3)}****${p.mobile.slice(7)}`]);
      assert.ok(!text.includes(idNumber) && !text.includes(p.mobile), 'only masked values come back');
      const code = await srv.lastCode(p.mobile);
      const wrong = await apiError(await p.client.fetch(`/api/v1/identity/verifications/${v.id}/code`, { method: 'POST', json: { code: code === '000000' ? '111111' : '000000' } }), 400, 'OTP_INVALID');
      assert.equal(typeof wrong.details!.attemptsLeft, 'number');
      const passed = await json<Verification>(await p.client.fetch(`/api/v1/identity/verifications/${v.id}/code`, { method: 'POST', json: { code } }), 200);
      assert.equal(passed.status, 'passed');
      assert.equal((await json<Verification>(await p.client.fetch(`/api/v1/identity/verifications/${v.id}`), 200)).status, 'passed');
      const me = await json<{ user: { realName: { status: string }; idNumberMasked: string } }>(await p.client.fetch('/api/v1/me'), 200);
      assert.equal(me.user.realName.status, 'verified');
      await apiError(await p.client.fetch('/api/v1/identity/person', { method: 'POST', json: { name: '孙个人', idNumber, method: 'face', faceToken: 'ok' } }), 409, 'IDENTITY_VERIFICATION_CLOSED');
      await apiError(await p.client.fetch(`/api/v1/identity/verifications/${v.id}/code`, { method: 'POST', json: { code } }), 409, 'IDENTITY_VERIFICATION_CLOSED');
      assert.ok(!srv.logs.join('\n').includes(idNumber));
    });

    it('hides one person\'s verification from everyone else (404)', async () => {
      const p = await lonePerson(srv);
      const v = await json<Verification>(await p.client.fetch('/api/v1/identity/person', { method: 'POST', json: { name: '孙个人', idNumber: sampleIdCardNumber(72), method: 'phone3', mobile: p.mobile } }), 201);
      const q = await lonePerson(srv);
      await apiError(await q.client.fetch(`/api/v1/identity/verifications/${v.id}`), 404, 'NOT_FOUND');
      await apiError(await other.admin.fetch(`/api/v1/identity/verifications/${v.id}`), 404, 'NOT_FOUND');
      await apiError(await q.client.fetch(`/api/v1/identity/verifications/${v.id}/code`, { method: 'POST', json: { code: await srv.lastCode(p.mobile) } }), 404, 'NOT_FOUND');
      assert.equal((await json<Verification>(await p.client.fetch(`/api/v1/identity/verifications/${v.id}`), 200)).status, 'awaiting_otp');
    });

    it('passes by face at once, and records a failed face check as a failed verification', async () => {
      const p = await lonePerson(srv);
      const failed = await apiError(await p.client.fetch('/api/v1/identity/person', { method: 'POST', json: { name: '孙个人', idNumber: sampleIdCardNumber(73), method: 'face', faceToken: 'fail-liveness' } }), 422, 'IDENTITY_CHECK_FAILED');
      assert.ok(failed.details!.verificationId);
      assert.deepEqual((await verificationsOf(p.userId)).map((x) => x.status), ['failed']);
      const ok = await json<Verification>(await p.client.fetch('/api/v1/identity/person', { method: 'POST', json: { name: '孙个人', idNumber: sampleIdCardNumber(73), method: 'face', faceToken: 'sdk-token-1' } }), 201);
      assert.equal(ok.status, 'passed');
    });

    it('refuses a bad check digit, a missing field, a wrong type, an unknown method and malformed JSON, storing nothing', async () => {
      const p = await lonePerson(srv);
      const good = sampleIdCardNumber(74);
      const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
      await apiError(await p.client.fetch('/api/v1/identity/person', { method: 'POST', json: { name: '孙个人', idNumber: bad, method: 'phone3', mobile: p.mobile } }), 400, 'IDENTITY_INVALID');
      assert.equal((await apiError(await p.client.fetch('/api/v1/identity/person', { method: 'POST', json: { name: '孙个人', method: 'face' } }), 400, 'INVALID_ARGUMENT')).details!.field, 'idNumber');
      await apiError(await p.client.fetch('/api/v1/identity/person', { method: 'POST', json: { name: '孙个人', idNumber: 110105, method: 'face' } }), 400, 'INVALID_ARGUMENT');
      await apiError(await p.client.fetch('/api/v1/identity/person', { method: 'POST', json: { name: '孙个人', idNumber: good, method: 'passport' } }), 400, 'INVALID_ARGUMENT');
      await apiError(await p.client.fetch('/api/v1/identity/person', { method: 'POST', body: '{"name"', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_ARGUMENT');
      assert.deepEqual(await verificationsOf(p.userId), []);
    });
  });

  describe('an enterprise', () => {
    it('verifies by micro-transfer: a wrong report costs an attempt, the right one passes', async () => {
      const p = await lonePerson(srv);
      const uscc = sampleUscc(601);
      const ent = await json<{ id: string }>(await p.client.fetch('/api/v1/enterprises', { method: 'POST', json: { name: '宁波实名示例有限公司', uscc, legalRepresentative: '孙个人' } }), 201);
      await json(await p.client.fetch('/api/v1/me/enterprise', { method: 'PUT', json: { enterpriseId: ent.id } }), 200);
      const account = { accountName: '宁波实名示例有限公司', accountNumber: '6222020200998877', bankName: '中国银行宁波分行' };
      const v = await json<Verification>(await p.client.fetch('/api/v1/identity/enterprise', { method: 'POST', json: { method: 'micro_transfer', account } }), 201);
      assert.deepEqual([v.status, v.next, v.attemptsLeft], ['awaiting_transfer', 'report_transfer', 3]);
      const sent = sandboxMicroTransfer(uscc, account.accountNumber);
      const wrong = await apiError(await p.client.fetch(`/api/v1/identity/verifications/${v.id}/transfer`, { method: 'POST', json: { amountFen: sent.amountFen === 1 ? 2 : 1, remark: sent.remark } }), 422, 'IDENTITY_CHECK_FAILED');
      assert.equal(wrong.details!.attemptsLeft, 2);
      await apiError(await other.admin.fetch(`/api/v1/identity/verifications/${v.id}/transfer`, { method: 'POST', json: sent }), 404, 'NOT_FOUND');
      const passed = await json<Verification>(await p.client.fetch(`/api/v1/identity/verifications/${v.id}/transfer`, { method: 'POST', json: sent }), 200);
      assert.equal(passed.status, 'passed');
      assert.equal((await json<{ realName: { status: string } }>(await p.client.fetch(`/api/v1/enterprises/${ent.id}`), 200)).realName.status, 'verified');
    });

    it('takes an authorization letter uploaded as a file of the enterprise, and refuses another enterprise\'s file', async () => {
      const p = await lonePerson(srv);
      const ent = await json<{ id: string }>(await p.client.fetch('/api/v1/enterprises', { method: 'POST', json: { name: '温州授权示例有限公司', uscc: sampleUscc(602), legalRepresentative: '孙个人' } }), 201);
      await json(await p.client.fetch('/api/v1/me/enterprise', { method: 'PUT', json: { enterpriseId: ent.id } }), 200);
      const foreign = await json<{ fileId: string }>(await other.admin.fetch('/api/v1/files?name=letter.pdf', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: samplePdf(1, 'letter') }), 201);
      await apiError(await p.client.fetch('/api/v1/identity/enterprise', { method: 'POST', json: { method: 'authorization_letter', letterFileId: foreign.fileId } }), 404, 'NOT_FOUND');
      assert.deepEqual(await verificationsOf(ent.id), []);
      const own = await json<{ fileId: string }>(await p.client.fetch('/api/v1/files?name=letter.pdf', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: samplePdf(1, 'letter') }), 201);
      const v = await json<Verification>(await p.client.fetch('/api/v1/identity/enterprise', { method: 'POST', json: { method: 'authorization_letter', letterFileId: own.fileId } }), 201);
      assert.deepEqual([v.status, v.next], ['awaiting_review', 'wait_for_review']);
      assert.equal((await srv.platform.directory.getEnterprise(ent.id))!.realName.status, 'pending');
    });

    it('refuses a plain member (403), and the enterprise\'s verification is hidden from other tenants (404)', async () => {
      const member = await demoClient(srv, 'member');
      await apiError(await member.fetch('/api/v1/identity/enterprise', { method: 'POST', json: { method: 'micro_transfer', account: { accountName: 'x', accountNumber: '123456789', bankName: 'y' } } }), 403, 'FORBIDDEN');
      const demoVerification = (await verificationsOf(srv.demo!.enterprise.id))[0];
      assert.equal((await json<Verification>(await member.fetch(`/api/v1/identity/verifications/${demoVerification.id}`), 200)).status, 'passed');
      await apiError(await other.admin.fetch(`/api/v1/identity/verifications/${demoVerification.id}`), 404, 'NOT_FOUND');
    });
  });

  describe('certificates', () => {
    it('lists the certificate a signature used, to its owner only', async () => {
      const adminActor: Actor = { kind: 'member', userId: srv.demo!.admin.id, enterpriseId: srv.demo!.enterprise.id, roles: ['super_admin'] };
      const wf = srv.platform.workflow.contracts;
      const { contract } = await wf.create(adminActor, {
        title: '证书测试', files: [{ name: 'c.pdf', pdf: samplePdf(1, 'certificate') }],
        signers: [{ kind: 'person', name: '王演示', userId: srv.demo!.admin.id, willingness: 'password', fields: [{ invisible: true }] }], send: true,
      });
      const ch = await srv.platform.willingness.start(adminActor, srv.demo!.admin.id, { contractIds: [contract.id], method: 'password', policy: { methods: ['password'] } });
      const proof = await srv.platform.willingness.confirm(adminActor, ch.id, { password: '135790' });
      const signed = await wf.sign(adminActor, contract.id, { proofId: proof.id });
      const serial = signed.contract.signers[0].signature!.cert;

      const admin = await srv.demoAdmin();
      const list = await json<{ items: { serialNumber: string; subjectKind: string; subjectName: string; status: string; signatures: number }[] }>(await admin.fetch('/api/v1/certificates'), 200);
      assert.deepEqual(list.items.map((c) => [c.serialNumber, c.subjectKind, c.subjectName, c.status, c.signatures]), [[serial, 'person', '王演示', 'valid', 1]]);
      const member = await demoClient(srv, 'member');
      assert.deepEqual((await json<{ items: unknown[] }>(await member.fetch('/api/v1/certificates'), 200)).items, []);
      srv.installation.pki.revoke(serial, 'superseded');
      assert.equal((await json<{ items: { status: string }[] }>(await admin.fetch('/api/v1/certificates'), 200)).items[0].status, 'revoked');
    });
  });
});

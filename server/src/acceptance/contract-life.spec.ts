/**
 * Acceptance: the whole life of contracts over HTTP against a real server on 127.0.0.1, as an
 * integrator and as people use it: sequential and parallel orders, reject, revoke, invalidation
 * (作废, signed by both parties), expiry, a template bundle, silent enterprise stamping, and an
 * external signer reached by an SMS link who verifies their real name inside the flow. Finished
 * PDFs are checked by pdfsig, qpdf and `signet verify`; evidence packages by the offline verifier.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { derToPem, sampleIdCardNumber, verifyEvidencePackage, verifyPdf, type Actor } from '@signet/core';
import { sampleLaborContract } from '@signet/core/testing';
import { makeNssDb, pdfsig, qpdfCheck, repoRoot, requireTool, run, tempDir } from '@signet/test-support';
import {
  contractPdf, expectBytes, expectError, expectJson, linkCaller, startAcceptanceKit, tokenOf, type AcceptanceKit, type KitEnterprise,
} from './acceptance-kit.js';

type View = {
  id: string; kind: string; state: string; actions: string[]; invalidates?: string; invalidation?: { agreementId: string };
  documents: { id: string; name: string; sha256: string; originalSha256: string; signatures: number }[];
  signers: { id: string; kind: string; state: string; userId?: string; fields: unknown[]; signature?: { method: string } }[];
  links: { signerId: string; url?: string }[];
};

describe('acceptance: the life of contracts over HTTP', function () {
  this.timeout(180_000);
  let kit: AcceptanceKit;
  let other: KitEnterprise;
  let dir: string;
  let cleanup: () => void;
  let rootPem: string;
  let nss: { nssDir: string; cleanup: () => void } | undefined;
  const root = () => kit.srv.installation.pki.rootCertificate;

  before(async function () {
    requireTool(this, 'pdfsig', 'poppler-utils');
    requireTool(this, 'certutil', 'libnss3-tools');
    requireTool(this, 'qpdf', 'qpdf');
    kit = await startAcceptanceKit();
    other = await kit.otherEnterprise();
    ({ dir, cleanup } = tempDir('signet-acceptance-'));
    rootPem = derToPem(root());
    writeFileSync(join(dir, 'root.pem'), rootPem);
  });
  after(async () => {
    nss?.cleanup();
    cleanup?.();
    await kit?.close();
  });

  /** Checks a finished PDF with the independent tools and `signet verify`: valid, one revision per signer. */
  const checkFinishedPdf = (pdf: Uint8Array, name: string, signers: number): void => {
    const report = verifyPdf(pdf, { trustAnchors: [root()] });
    assert.ok(report.valid, report.summary);
    const sigs = report.signatures.filter((s) => s.type === 'signature');
    assert.equal(sigs.length, signers, 'one signature per signer');
    assert.equal(new Set(sigs.map((s) => s.revision)).size, signers, 'each signature in its own revision');
    const file = join(dir, name);
    writeFileSync(file, pdf);
    const cli = run(process.execPath, [join(repoRoot, 'server', 'bin', 'signet.js'), 'verify', file, '--json', '--trust', join(dir, 'root.pem'), '--data', join(dir, 'no-data')]);
    assert.equal(cli.status, 0, cli.stderr + cli.stdout);
    const json = JSON.parse(cli.stdout) as { valid: boolean; signatures: { type: string; revision: number }[] };
    assert.equal(json.signatures.filter((s) => s.type === 'signature').length, signers, '`signet verify` shows one revision per signer');
    const q = qpdfCheck(file);
    assert.ok(q.clean, q.output);
    nss ??= makeNssDb([rootPem]);
    const out = pdfsig(file, nss.nssDir);
    // The contract's closing document time-stamp (B-LTA) is listed too; pdfsig does not check those.
    const bySigners = out.signatures.filter((s) => !/Signature Field Name: DocTimeStamp/.test(s.raw));
    assert.equal(bySigners.length, signers, out.stdout);
    for (const s of bySigners) {
      assert.equal(s.validation, 'Signature is Valid.', s.raw);
      assert.equal(s.certificate, 'Certificate is Trusted.', s.raw);
    }
  };

  it('sequential, from an integrator: a member signs, the seal admin stamps with a grant, then an external signer reached by SMS verifies their real name in the flow and signs', async () => {
    const pdf = contractPdf(kit.font, { title: '技术服务合同', pages: 2, tags: [{ text: 'signet:sign:partyC', x: 320, y: 250, page: 2 }] });
    const fileId = await kit.upload(kit.appCall, pdf, '技术服务合同.pdf');
    const mobile = '15900005551';
    const c = await expectJson<View>(kit.appCall('POST', '/api/v1/contracts', {
      bizNo: 'TS-2026-001', documents: [{ fileId }], send: true, order: 'sequential',
      signers: [
        { kind: 'person', name: kit.member.name, userId: kit.member.userId, fields: [{ page: 1, rect: { x: 320, y: 240, w: 150, h: 60 } }] },
        { kind: 'organization', name: kit.enterprise.name, enterpriseId: kit.enterprise.id, seal: kit.seal.id, fields: [{ page: 2, rect: { x: 80, y: 200, w: 113, h: 113 } }] },
        { kind: 'person', name: '冯外部', mobile, role: 'partyC', willingness: ['face', 'sms_otp'] },
      ],
    }), 201);
    assert.equal(c.signers[2].fields.length, 1, 'the Word marker became the external signer\'s field');
    assert.equal(c.links.length, 1, 'only the first step is invited');
    await expectError(kit.sealAdmin.call('POST', '/api/v1/willingness', { contractIds: [c.id] }), 409, 'SIGNER_OUT_OF_TURN');

    const p1 = await kit.proofByPassword(kit.member.call, [c.id]);
    assert.equal((await expectJson<View>(kit.member.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: p1 }), 200)).state, 'signing');
    const p2 = await kit.proofByPassword(kit.sealAdmin.call, [c.id]);
    const stamped = await expectJson<View>(kit.sealAdmin.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: p2, seal: kit.seal.id }), 200);
    assert.equal(stamped.signers[1].state, 'signed');

    // The external signer gets the SMS with the link, and opens it.
    const link = linkCaller(kit.srv.baseUrl, tokenOf(await kit.inviteUrl(mobile)));
    const page = await expectJson<{ actions: string[]; realName: { status: string } }>(link('GET', '/api/v1/link'), 200);
    assert.deepEqual(page.actions, ['verify_identity', 'sign', 'reject']);
    await expectError(link('POST', '/api/v1/willingness', { contractIds: [c.id] }), 403, 'IDENTITY_NOT_VERIFIED');
    const v = await expectJson<{ verificationId: string }>(link('POST', '/api/v1/link/identity', { name: '冯外部', idNumber: sampleIdCardNumber(4242, { sequenceLastDigit: 7 }) }), 201);
    await expectJson(link('POST', `/api/v1/link/identity/${v.verificationId}/code`, { code: await kit.srv.lastCode(mobile) }), 200);
    const p3 = await kit.proofByFace(link, [c.id]);
    const done = await expectJson<{ contract: { state: string } }>(link('POST', '/api/v1/link/sign', { proofId: p3 }), 200);
    assert.equal(done.contract.state, 'completed');

    const signed = await expectBytes(kit.appCall('GET', `/api/v1/contracts/${c.id}/documents/d1/download`), 200, 'application/pdf');
    checkFinishedPdf(signed, 'sequential.pdf', 3);
    const zip = await expectBytes(kit.appCall('GET', `/api/v1/contracts/${c.id}/evidence`), 200, 'application/zip');
    const evidence = verifyEvidencePackage(zip, { trustAnchors: [root()] });
    assert.ok(evidence.valid, JSON.stringify(evidence.problems ?? evidence, null, 1).slice(0, 2000));
    const history = await expectJson<{ items: { type: string; data: { authority?: { kind: string } } }[] }>(kit.appCall('GET', `/api/v1/contracts/${c.id}/history`), 200);
    assert.equal(history.items.filter((e) => e.type === 'signer.signed').length, 3);
    assert.equal(history.items.find((e) => e.type === 'signer.signed' && e.data.authority)?.data.authority?.kind, 'grant', 'the seal was used under the seal admin\'s grant');
    assert.ok(history.items.some((e) => e.type === 'contract.evidence_exported'));
  });

  it('parallel, across two enterprises: both sign in any order, each in their own revision', async () => {
    const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font, { title: '合作协议' }));
    const c = await expectJson<View>(kit.admin.call('POST', '/api/v1/contracts', {
      documents: [{ fileId }], send: true, order: 'parallel',
      signers: [
        { kind: 'organization', name: other.name, enterpriseId: other.id, seal: other.seal.id, fields: [{ page: 1, rect: { x: 80, y: 180, w: 113, h: 113 } }] },
        { kind: 'person', name: kit.admin.name, userId: kit.admin.userId, fields: [{ page: 1, rect: { x: 320, y: 200, w: 150, h: 60 } }] },
      ],
    }), 201);
    assert.equal(c.links.length, 2, 'everyone is invited at once');
    const theirs = await expectJson<View>(other.sealAdmin.call('GET', `/api/v1/contracts/${c.id}`), 200);
    assert.deepEqual(theirs.actions, ['sign', 'reject']);
    await expectError(other.admin.call('POST', `/api/v1/contracts/${c.id}/revoke`, { reason: '不是发起方' }), 403, 'FORBIDDEN');
    const pa = await kit.proofByPassword(kit.admin.call, [c.id]);
    await expectJson(kit.admin.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: pa }), 200);
    const pb = await kit.proofByPassword(other.sealAdmin.call, [c.id]);
    const done = await expectJson<View>(other.sealAdmin.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: pb }), 200);
    assert.equal(done.state, 'completed');
    const pdf = await expectBytes(other.sealAdmin.call('GET', `/api/v1/contracts/${c.id}/documents/d1/download`), 200, 'application/pdf');
    checkFinishedPdf(pdf, 'parallel.pdf', 2);
  });

  it('rejected with a reason: nothing more can be signed, downloaded or exported', async () => {
    const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font));
    const c = await expectJson<View>(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], send: true, order: 'parallel', signers: [
      { kind: 'person', name: kit.member.name, userId: kit.member.userId },
      { kind: 'person', name: kit.sealAdmin.name, userId: kit.sealAdmin.userId },
    ] }), 201);
    const proof = await kit.proofByPassword(kit.sealAdmin.call, [c.id]);
    const r = await expectJson<View>(kit.member.call('POST', `/api/v1/contracts/${c.id}/reject`, { reason: '付款条件不接受' }), 200);
    assert.equal(r.state, 'rejected');
    assert.deepEqual(r.actions, []);
    await expectError(kit.sealAdmin.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: proof }), 409, 'CONTRACT_STATE');
    await expectError(kit.admin.call('GET', `/api/v1/contracts/${c.id}/documents/d1/download`), 409, 'NOT_COMPLETED');
    await expectError(kit.admin.call('GET', `/api/v1/contracts/${c.id}/evidence`), 409, 'NOT_COMPLETED');
  });

  it('revoked by the integrator: the signing links stop working and the signer cannot sign', async () => {
    const fileId = await kit.upload(kit.appCall, contractPdf(kit.font));
    const c = await expectJson<View>(kit.appCall('POST', '/api/v1/contracts', { documents: [{ fileId }], send: true, signers: [{ kind: 'person', name: kit.member.name, userId: kit.member.userId }] }), 201);
    const link = linkCaller(kit.srv.baseUrl, tokenOf(c.links[0].url));
    await expectJson(link('GET', '/api/v1/link'), 200);
    const r = await expectJson<View>(kit.appCall('POST', `/api/v1/contracts/${c.id}/revoke`, { reason: '业务取消' }), 200);
    assert.equal(r.state, 'revoked');
    await expectError(link('GET', '/api/v1/link'), 410, 'LINK_REVOKED');
    await expectError(kit.member.call('POST', '/api/v1/willingness', { contractIds: [c.id] }), 409, 'CONTRACT_STATE');
  });

  it('invalidated (作废) after completion through an agreement both parties sign; the original PDF stays as it was', async () => {
    const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font, { title: '租赁合同' }));
    const c = await expectJson<View>(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], send: true, order: 'parallel', signers: [
      { kind: 'organization', name: other.name, enterpriseId: other.id, seal: other.seal.id },
      { kind: 'person', name: kit.member.name, userId: kit.member.userId },
    ] }), 201);
    for (const who of [other.sealAdmin, kit.member]) await expectJson(who.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: await kit.proofByPassword(who.call, [c.id]) }), 200);
    const before = await expectBytes(kit.admin.call('GET', `/api/v1/contracts/${c.id}/documents/d1/download`), 200, 'application/pdf');
    await expectError(kit.admin.call('POST', `/api/v1/contracts/${c.id}/revoke`, { reason: '已完成' }), 409, 'CONTRACT_STATE');
    const agreement = await expectJson<View>(kit.admin.call('POST', `/api/v1/contracts/${c.id}/invalidate`, { reason: '双方协商一致解除' }), 201);
    assert.equal(agreement.kind, 'invalidation');
    assert.equal(agreement.invalidates, c.id);
    assert.equal(agreement.state, 'signing');
    await expectError(kit.admin.call('POST', `/api/v1/contracts/${c.id}/invalidate`, { reason: '再来一次' }), 409, 'CONTRACT_STATE');
    const pending = await expectJson<View>(kit.member.call('GET', `/api/v1/contracts/${c.id}`), 200);
    assert.equal(pending.invalidation?.agreementId, agreement.id);
    for (const who of [kit.member, other.sealAdmin]) await expectJson(who.call('POST', `/api/v1/contracts/${agreement.id}/sign`, { proofId: await kit.proofByPassword(who.call, [agreement.id]) }), 200);
    const invalidated = await expectJson<View>(kit.admin.call('GET', `/api/v1/contracts/${c.id}`), 200);
    assert.equal(invalidated.state, 'invalidated');
    const after = await expectBytes(kit.admin.call('GET', `/api/v1/contracts/${c.id}/documents/d1/download`), 200, 'application/pdf');
    assert.deepEqual(Buffer.from(after), Buffer.from(before), 'invalidation never touches the original PDF');
    const agreementPdf = await expectBytes(other.sealAdmin.call('GET', `/api/v1/contracts/${agreement.id}/documents/d1/download`), 200, 'application/pdf');
    const report = verifyPdf(agreementPdf, { trustAnchors: [root()] });
    assert.ok(report.valid, report.summary);
    assert.equal(report.signatures.filter((s) => s.type === 'signature').length, 2, 'the agreement is signed by both parties');
  });

  it('expires past its deadline through the job: the link is expired and signing is refused', async () => {
    const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font));
    const c = await expectJson<View & { deadline: string }>(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], send: true, deadline: new Date(Date.now() + 1500).toISOString(), signers: [{ kind: 'person', name: kit.member.name, userId: kit.member.userId }] }), 201);
    const proof = await kit.proofByPassword(kit.member.call, [c.id]);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(c.deadline) - Date.now() + 50)));
    const due = await kit.srv.platform.workflow.contracts.runDueJobs();
    assert.ok(due.expired.includes(c.id));
    const v = await expectJson<View>(kit.admin.call('GET', `/api/v1/contracts/${c.id}`), 200);
    assert.equal(v.state, 'expired');
    await expectError(kit.member.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: proof }), 409, 'CONTRACT_STATE');
    await expectError(linkCaller(kit.srv.baseUrl, tokenOf(c.links[0].url))('GET', '/api/v1/link'), 410, 'LINK_EXPIRED');
    await expectError(kit.admin.call('POST', `/api/v1/contracts/${c.id}/extend`, { deadline: new Date(Date.now() + 86_400_000).toISOString() }), 409, 'CONTRACT_STATE');
  });

  it('a template bundle: one contract with a document per template, stamped silently by the app, then signed by the employee after one willingness check', async () => {
    const sample = sampleLaborContract(kit.font);
    const admin: Actor = { kind: 'member', userId: kit.admin.userId, enterpriseId: kit.enterprise.id, roles: ['super_admin'] };
    const templates = kit.srv.platform.workflow.templates;
    const labor = await templates.create(admin, { name: '劳动合同', definition: sample.template, basePdf: sample.basePdf });
    const nda = await templates.create(admin, { name: '保密协议', definition: sample.template, basePdf: sample.basePdf });
    const bundle = await templates.createBundle(admin, { name: '入职合同组合', templateIds: [labor.id, nda.id] });
    const c = await expectJson<View>(kit.appCall('POST', '/api/v1/contracts', {
      bizNo: 'HR-ONBOARD-0001', template: { bundleId: bundle.id, vars: sample.vars }, send: true,
      signers: [
        { kind: 'organization', name: kit.enterprise.name, enterpriseId: kit.enterprise.id, seal: kit.seal.id, role: 'company' },
        { kind: 'person', name: kit.member.name, userId: kit.member.userId, role: 'employee' },
      ],
    }), 201);
    assert.equal(c.documents.length, 2, 'one contract, one document per template');
    assert.deepEqual(c.documents.map((d) => d.name), ['劳动合同.pdf', '保密协议.pdf']);
    assert.equal(c.signers[1].fields.length, 2, 'the employee signs once in each document, at the template\'s position');
    const stamped = await expectJson<View>(kit.appCall('POST', `/api/v1/contracts/${c.id}/stamp`, {
      authority: { kind: 'approval', system: 'lark', instanceCode: 'APPROVAL-7788', title: '入职用印申请', approvers: [{ name: '人事经理', at: new Date().toISOString() }] },
    }), 200);
    assert.equal(stamped.signers[0].signature?.method, 'auto_stamp');
    const proof = await kit.proofByPassword(kit.member.call, [c.id]);
    const done = await expectJson<View>(kit.member.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: proof }), 200);
    assert.equal(done.state, 'completed');
    for (const d of done.documents) {
      const pdf = await expectBytes(kit.member.call('GET', `/api/v1/contracts/${c.id}/documents/${d.id}/download`), 200, 'application/pdf');
      checkFinishedPdf(pdf, `bundle-${d.id}.pdf`, 2);
    }
    const ledger = await kit.srv.platform.workflow.seals.ledger(admin, { contractId: c.id });
    assert.equal(ledger.length, 1);
    assert.equal(ledger[0].authority?.kind, 'approval');
    assert.equal(ledger[0].operator.kind, 'integrator');
  });

  it('silent stamping needs a standing authorization and an enterprise app; a person cannot stamp silently', async () => {
    const fileId = await kit.upload(kit.appCall, contractPdf(kit.font));
    const c = await expectJson<View>(kit.appCall('POST', '/api/v1/contracts', { documents: [{ fileId }], send: true, signers: [
      { kind: 'organization', name: other.name, enterpriseId: other.id, seal: other.seal.id },
    ] }), 201);
    await expectError(other.appCall('POST', `/api/v1/contracts/${c.id}/stamp`, {}), 403, 'SEAL_NOT_GRANTED');
    await expectError(other.sealAdmin.call('POST', `/api/v1/contracts/${c.id}/stamp`, {}), 403, 'FORBIDDEN');
    await expectError(kit.appCall('POST', `/api/v1/contracts/${c.id}/stamp`, {}), 403, 'FORBIDDEN');
    const owner: Actor = { kind: 'member', userId: other.admin.userId, enterpriseId: other.id, roles: ['super_admin'] };
    await kit.srv.platform.workflow.seals.authorizeAutoStamp(owner, { seal: other.seal.id, expiresAt: new Date(Date.now() + 3_600_000), scope: { senders: [kit.enterprise.id] } });
    const done = await expectJson<View>(other.appCall('POST', `/api/v1/contracts/${c.id}/stamp`, {}), 200);
    assert.equal(done.state, 'completed');
  });
});

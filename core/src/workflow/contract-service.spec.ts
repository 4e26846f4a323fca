import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cjkFontBytes, makeNssDb, pdfsig, qpdfCheck, requireTool, tempDir } from '@signet/test-support';
import { derToPem } from '../pki/pem.js';
import { isSignetError, type ErrorCode } from '../errors.js';
import type { Actor } from '../directory/actor.js';
import { validateEvidenceInput } from '../evidence/evidence-input.js';
import type { ContractRecord } from './contract.js';
import { evidenceInputOf } from './contract-evidence.js';
import type { CreateContractInput } from './contract-service.js';
import type { SealRecord } from './seal-record.js';
import type { TemplateFiller } from './template-filler.js';
import { contractPdf, ENT_A, ENT_B, makeKit, type Kit } from './test-fixtures.js';

const font = cjkFontBytes();
const HOUR = 3600_000;

async function rejectsCode(p: Promise<unknown>, code: ErrorCode, re?: RegExp): Promise<void> {
  await assert.rejects(p, (e) => {
    assert.ok(isSignetError(e, code), `expected ${code}, got ${(e as Error).name}: ${(e as { code?: string }).code} ${(e as Error).message}`);
    if (re) assert.match((e as Error).message, re);
    return true;
  });
}

/** A's contract seal, granted to the stamper. */
async function contractSeal(kit: Kit): Promise<SealRecord> {
  const seal = await kit.wf.seals.create(kit.actors.sealAdmin, { name: '合同专用章', category: 'contract', spec: { shape: 'round', text: '上海示例科技有限公司' } });
  await kit.wf.seals.grant(kit.actors.sealAdmin, seal.id, { userId: 'u_stamper' });
  return seal;
}

/** Person dave (page 1), enterprise A with its seal (page 2), person bob (page 2): in that order. */
function threeParty(kit: Kit, seal: SealRecord, extra: Partial<CreateContractInput> = {}): CreateContractInput {
  return {
    title: '销售合同 Sales contract',
    files: [{ name: '销售合同.pdf', pdf: contractPdf(kit.font, '销售合同 Sales contract') }],
    signers: [
      { kind: 'person', name: '张伟', userId: 'u_dave', account: '18512345544', fields: [{ page: 1, rect: { x: 72, y: 100, w: 160, h: 60 } }] },
      { kind: 'organization', name: '上海示例科技有限公司', enterpriseId: ENT_A, seal: seal.id, fields: [{ page: 2, rect: { x: 72, y: 100, w: 120, h: 120 } }] },
      { kind: 'person', name: '李强', userId: 'u_bob', account: 'bob@example.com', willingness: ['face', 'sms_otp'], fields: [{ page: 2, rect: { x: 330, y: 100, w: 160, h: 60 } }] },
    ],
    ...extra,
  };
}

async function snapshot(kit: Kit, id: string): Promise<{ c: ContractRecord; audit: number; ledger: number }> {
  const c = (await kit.wf.collections.contracts.get(id))!;
  return { c, audit: (await kit.wf.collections.audit.find('subject', id)).length, ledger: (await kit.wf.collections.ledger.find('contract', id)).length };
}

describe('workflow/ContractService', function () {
  this.timeout(120_000);

  describe('the whole life of a contract', () => {
    it('signs a sequential contract person → enterprise seal → person, one valid revision per signer, and completes with a document time-stamp', async () => {
      const kit = makeKit({ font });
      const { alice, dave, stamper, bob } = kit.actors;
      const seal = await contractSeal(kit);
      const { contract: created, created: isNew, links } = await kit.wf.contracts.create(alice, { ...threeParty(kit, seal), send: true, bizNo: 'SO-2026-001', senderName: '王芳', senderAccount: '13800001111', enterpriseName: '上海示例科技有限公司' }, { ip: '10.0.0.1' });
      assert.equal(isNew, true);
      assert.equal(created.state, 'signing');
      assert.deepEqual(links.map((l) => l.signerId), ['s1'], 'only the first signer is invited');
      assert.equal(links[0].delivered, true);
      assert.match(links[0].url!, /^https:\/\/sign\.example\.com\/sign\//);
      assert.deepEqual(kit.messages.sent.map((m) => [m.to, m.template]), [['18512345544', 'sign-invite']]);
      assert.ok(!JSON.stringify(await kit.wf.collections.links.scan()).includes(links[0].token), 'the token is stored hashed only');

      await rejectsCode(kit.wf.contracts.sign(bob, created.id, { proofId: kit.proof('u_bob', [created.id]) }), 'SIGNER_OUT_OF_TURN', /张伟/);

      // dave opens the link, reads, then signs through it.
      const linkActor = await kit.wf.contracts.resolveLink(links[0].token);
      const read = await kit.wf.contracts.view(linkActor, created.id, { ip: '10.0.0.2' });
      assert.equal(read.signers[0].state, 'read');
      const r1 = await kit.wf.contracts.sign(linkActor, created.id, { proofId: kit.proof('u_dave', [created.id]) }, { ip: '10.0.0.2' });
      assert.deepEqual(r1.links.map((l) => l.signerId), ['s2'], 'the enterprise is invited next');
      await rejectsCode(kit.wf.contracts.resolveLink(links[0].token), 'LINK_USED');
      void dave;

      const r2 = await kit.wf.contracts.sign(stamper, created.id, { proofId: kit.proof('u_stamper', [created.id]) }, { ip: '10.0.0.3' });
      assert.equal(r2.contract.signers[1].signature!.operator, 'u_stamper');
      assert.equal(r2.contract.signers[1].signature!.seal, seal.id);
      const r3 = await kit.wf.contracts.sign(bob, created.id, { proofId: kit.proof('u_bob', [created.id], 'face') }, { ip: '2001:db8::4' });
      const done = r3.contract;
      assert.equal(done.state, 'completed');
      assert.ok(done.completedAt);

      const { pdf } = await kit.wf.contracts.download(alice, done.id);
      const report = kit.verify(pdf);
      assert.equal(report.valid, true, report.summary);
      const sigs = report.signatures.filter((s) => s.type === 'signature');
      assert.deepEqual(sigs.map((s) => s.signer?.commonName), ['张伟', '上海示例科技有限公司', '李强']);
      assert.equal(new Set(sigs.map((s) => s.revision)).size, 3, 'one revision per signer');
      assert.ok(sigs.every((s) => s.indication === 'TOTAL_PASSED' && s.ltv && s.visible));
      assert.deepEqual(sigs.map((s) => s.page), [1, 2, 2]);
      assert.equal(report.signatures.filter((s) => s.type === 'doc-timestamp').length, 1, 'completion adds a document time-stamp (B-LTA)');
      assert.equal(report.signatures.at(-1)!.type, 'doc-timestamp');

      const chain = await kit.chain(done);
      assert.ok(chain.ok && chain.headMatches, chain.reason);
      const types = (await kit.wf.contracts.history(alice, done.id)).map((e) => e.type);
      assert.deepEqual(types, [
        'contract.created', 'contract.sent', 'signer.invited', 'signer.read', 'signer.signed', 'signer.invited',
        'signer.signed', 'signer.invited', 'signer.signed', 'contract.completed', 'contract.downloaded',
      ]);
      const published = kit.events.events.filter((e) => e.subject === done.id);
      assert.deepEqual(published.map((e) => e.type), types, 'every audit event is published for webhooks');
      assert.ok(published.every((e) => e.data.tenant === ENT_A && !JSON.stringify(e).includes('10.0.0.2')), 'domain events carry the tenant and no IP');
      assert.equal(sigs[2].padesLevel, 'B-LTA');

      const ledger = await kit.wf.seals.ledger(kit.actors.sealAdmin, { seal: seal.id });
      assert.equal(ledger.length, 1);
      assert.deepEqual([ledger[0].outcome, ledger[0].operator, ledger[0].authority?.kind], ['stamped', { kind: 'user', id: 'u_stamper' }, 'grant']);

      const ev = await kit.wf.contracts.evidence(alice, done.id);
      assert.equal(ev.contract.number, 'SO-2026-001');
      assert.equal(ev.contract.sender.account, '138****1111');
      assert.equal(ev.files[0].sha256.length, 64);
      assert.notEqual(ev.files[0].sha256, ev.files[0].originalSha256);
      assert.deepEqual(ev.signers.map((s) => s.account), ['185****5544', undefined, 'b***@example.com']);
      assert.deepEqual(ev.signers.map((s) => s.willingness?.method), ['sms_otp', 'sms_otp', 'face']);
      assert.equal(ev.signers[0].ip, '10.0.0.2');
      assert.deepEqual(ev.signers.map((s) => s.certificateSerial), sigs.map((s) => s.signer!.serialNumber));
      assert.deepEqual(ev.signers[0].positions, [{ document: '销售合同.pdf', page: 1, x: 0.121, y: 0.8100, w: 0.2689, h: 0.0713 }]);
      assert.equal(ev.audit.events.at(-1)!.type, 'contract.evidence_exported');
      const page = validateEvidenceInput(evidenceInputOf(ev));
      assert.equal(page.signers.length, 3);
      assert.deepEqual(page.signers.map((s) => s.willingness.method), ['sms-otp', 'sms-otp', 'face']);
      assert.deepEqual(page.signers[0].positions, [{ file: 1, page: 1, x: 0.121, y: 0.81, w: 0.2689, h: 0.0713 }]);
      assert.equal(page.audit?.headHash, ev.audit.head!.hash);
      assert.ok(JSON.stringify(ev).length < 20_000);

      // Records stay compact (lowdb keeps them all in memory): no PDF bytes, a few KB per contract.
      const col = kit.wf.collections;
      const stored = JSON.stringify([await col.contracts.get(done.id), await col.audit.find('subject', done.id), await col.links.find('contract', done.id), await col.ledger.find('contract', done.id)]);
      assert.ok(stored.length < 12_000, `${stored.length} bytes of records for one contract`);
    });

    it('signs a parallel contract with two documents: each signer signs every field of theirs, in every document', async () => {
      const kit = makeKit({ font });
      const { alice, dave, bob } = kit.actors;
      const { contract: c } = await kit.wf.contracts.create(alice, {
        title: '框架协议',
        order: 'parallel',
        certify: 2,
        files: [{ name: '框架协议.pdf', pdf: contractPdf(font, '框架协议') }, { name: '附件.pdf', pdf: contractPdf(font, '附件 Annex', 1) }],
        signers: [
          { kind: 'person', name: '张伟', userId: 'u_dave', fields: [{ page: 1, rect: { x: 72, y: 100, w: 150, h: 50 } }, { page: 2, rect: { x: 72, y: 100, w: 150, h: 50 } }, { file: 1, page: 1, rect: { x: 72, y: 100, w: 150, h: 50 } }] },
          { kind: 'person', name: '李强', userId: 'u_bob', fields: [{ file: 1, page: 1, rect: { x: 300, y: 100, w: 150, h: 50 } }] },
        ],
      });
      const sent = await kit.wf.contracts.send(alice, c.id);
      assert.deepEqual(sent.links.map((l) => l.signerId), ['s1', 's2'], 'every parallel signer is invited at once');
      await kit.wf.contracts.sign(bob, c.id, { proofId: kit.proof('u_bob', [c.id]) });
      const done = (await kit.wf.contracts.sign(dave, c.id, { proofId: kit.proof('u_dave', [c.id]) })).contract;
      assert.equal(done.state, 'completed');
      const main = kit.verify((await kit.wf.contracts.download(alice, c.id, 'd1')).pdf);
      const annex = kit.verify((await kit.wf.contracts.download(dave, c.id, 'd2')).pdf);
      assert.ok(main.valid && annex.valid, main.summary + annex.summary);
      assert.equal(main.certified?.p, 2, 'the first signature of each document certifies it (DocMDP P=2)');
      assert.equal(annex.certified?.by, '李强');
      assert.deepEqual(main.signatures.filter((s) => s.type === 'signature').map((s) => [s.signer?.commonName, s.page]), [['张伟', 1], ['张伟', 2]]);
      assert.deepEqual(annex.signatures.filter((s) => s.type === 'signature').map((s) => s.signer?.commonName), ['李强', '张伟']);
      assert.ok((await kit.chain(c.id)).ok);
    });

    it('keeps a contract with autoFinish off open until the sender locks and finishes it', async () => {
      const kit = makeKit({ font });
      const { alice, dave, bob } = kit.actors;
      const { contract: c } = await kit.wf.contracts.create(alice, {
        title: '待封存合同', autoFinish: false, send: true,
        files: [{ name: 'a.pdf', pdf: contractPdf(font) }],
        signers: [{ kind: 'person', name: '张伟', userId: 'u_dave', fields: [{ page: 1, rect: { x: 72, y: 100, w: 150, h: 50 } }] }],
      });
      await rejectsCode(kit.wf.contracts.finish(alice, c.id), 'CONTRACT_STATE', /张伟/);
      const signed = (await kit.wf.contracts.sign(dave, c.id, { proofId: kit.proof('u_dave', [c.id]) })).contract;
      assert.equal(signed.state, 'signing');
      await rejectsCode(kit.wf.contracts.download(dave, c.id), 'NOT_COMPLETED');
      await rejectsCode(kit.wf.contracts.finish(bob, c.id), 'FORBIDDEN');
      const done = await kit.wf.contracts.finish(alice, c.id);
      assert.equal(done.state, 'completed');
      const r = kit.verify((await kit.wf.contracts.download(dave, c.id)).pdf);
      assert.ok(r.valid);
      assert.equal(r.signatures.at(-1)!.type, 'doc-timestamp');
      assert.equal(r.signatures[0].padesLevel, 'B-LTA');
      assert.ok((await kit.chain(c.id)).ok);
    });
  });

  describe('ending early', () => {
    it('rejects with a reason: the contract ends rejected, and other links stop working', async () => {
      const kit = makeKit({ font });
      const { alice, bob } = kit.actors;
      const { contract: c, links } = await kit.wf.contracts.create(alice, {
        title: '拒签示例', order: 'parallel', send: true,
        files: [{ name: 'a.pdf', pdf: contractPdf(font) }],
        signers: [{ kind: 'person', name: '张伟', userId: 'u_dave' }, { kind: 'person', name: '李强', userId: 'u_bob' }],
      });
      await rejectsCode(kit.wf.contracts.reject(bob, c.id, { reason: '' }), 'INVALID_ARGUMENT');
      const r = await kit.wf.contracts.reject(bob, c.id, { reason: '价格条款有误' });
      assert.equal(r.state, 'rejected');
      assert.equal(r.signers[1].rejectReason, '价格条款有误');
      await rejectsCode(kit.wf.contracts.resolveLink(links[0].token), 'LINK_REVOKED');
      await rejectsCode(kit.wf.contracts.sign(kit.actors.dave, c.id, { proofId: kit.proof('u_dave', [c.id]) }), 'CONTRACT_STATE', /rejected/);
      assert.equal(kit.gate.consumed, 0, 'no willingness proof is spent on a refused signature');
      const chain = await kit.chain(c.id);
      assert.ok(chain.ok && chain.headMatches);
    });

    it('revokes before completion (sender only); signers can no longer sign or use links', async () => {
      const kit = makeKit({ font });
      const { alice, bob, dave } = kit.actors;
      const { contract: c, links } = await kit.wf.contracts.create(alice, {
        title: '撤销示例', send: true,
        files: [{ name: 'a.pdf', pdf: contractPdf(font) }],
        signers: [{ kind: 'person', name: '张伟', userId: 'u_dave' }],
      });
      await rejectsCode(kit.wf.contracts.revoke(dave, c.id, { reason: 'x' }), 'FORBIDDEN');
      await rejectsCode(kit.wf.contracts.revoke(bob, c.id, { reason: 'x' }), 'FORBIDDEN');
      const r = await kit.wf.contracts.revoke(alice, c.id, { reason: '合同条款需修改' });
      assert.equal(r.state, 'revoked');
      await rejectsCode(kit.wf.contracts.resolveLink(links[0].token), 'LINK_REVOKED');
      await rejectsCode(kit.wf.contracts.sign(dave, c.id, { proofId: kit.proof('u_dave', [c.id]) }), 'CONTRACT_STATE');
      await rejectsCode(kit.wf.contracts.revoke(alice, c.id, { reason: 'again' }), 'CONTRACT_STATE', /draft or signing/);
      assert.ok((await kit.chain(c.id)).ok);
    });

    it('expires past the deadline through the job; an extended deadline keeps the contract signable', async () => {
      const kit = makeKit({ font });
      const { alice, dave } = kit.actors;
      const mk = async (title: string) => (await kit.wf.contracts.create(alice, {
        title, send: true, deadline: new Date(kit.clock.now().getTime() + 2 * HOUR),
        files: [{ name: 'a.pdf', pdf: contractPdf(font) }],
        signers: [{ kind: 'person', name: '张伟', userId: 'u_dave', fields: [{ page: 1, rect: { x: 72, y: 100, w: 150, h: 50 } }] }],
      })).contract;
      const a = await mk('到期示例');
      const b = await mk('延期示例');
      const links = await kit.wf.collections.links.find('contract', b.id);
      assert.equal(links[0].expiresAt, b.deadline, 'links live until the deadline');
      kit.clock.advance(HOUR);
      assert.deepEqual(await kit.wf.contracts.runDueJobs(), { expired: [], settled: [] });
      const extended = await kit.wf.contracts.extend(alice, b.id, { deadline: new Date(kit.clock.now().getTime() + 48 * HOUR) });
      assert.equal((await kit.wf.collections.links.find('contract', b.id))[0].expiresAt, extended.deadline, 'active links follow the new deadline');
      kit.clock.advance(2 * HOUR);
      const due = await kit.wf.contracts.runDueJobs();
      assert.deepEqual(due.expired, [a.id]);
      assert.equal((await kit.wf.collections.contracts.get(a.id))!.state, 'expired');
      await rejectsCode(kit.wf.contracts.sign(dave, a.id, { proofId: kit.proof('u_dave', [a.id]) }), 'CONTRACT_STATE', /expired/);
      await rejectsCode(kit.wf.contracts.extend(alice, a.id, { deadline: new Date(kit.clock.now().getTime() + 48 * HOUR) }), 'CONTRACT_STATE');
      const signed = await kit.wf.contracts.sign(dave, b.id, { proofId: kit.proof('u_dave', [b.id]) });
      assert.equal(signed.contract.state, 'completed');
      assert.ok(kit.verify((await kit.wf.contracts.download(dave, b.id)).pdf).valid);
      assert.ok((await kit.chain(a.id)).ok && (await kit.chain(b.id)).ok);
    });
  });

  describe('invalidation (作废)', () => {
    it('invalidates a completed contract once every party signed the invalidation agreement; the original PDF is untouched', async () => {
      const kit = makeKit({ font });
      const { alice, dave, stamper } = kit.actors;
      const seal = await contractSeal(kit);
      const { contract: c } = await kit.wf.contracts.create(alice, {
        title: '采购合同', order: 'parallel', send: true,
        files: [{ name: '采购合同.pdf', pdf: contractPdf(font, '采购合同') }],
        signers: [
          { kind: 'person', name: '张伟', userId: 'u_dave', fields: [{ page: 1, rect: { x: 72, y: 100, w: 150, h: 50 } }] },
          { kind: 'organization', name: '上海示例科技有限公司', enterpriseId: ENT_A, seal: seal.id, fields: [{ page: 1, rect: { x: 300, y: 100, w: 120, h: 120 } }] },
        ],
      });
      await rejectsCode(kit.wf.contracts.invalidate(dave, c.id, { reason: '业务取消' }), 'CONTRACT_STATE', /completed/);
      await kit.wf.contracts.sign(dave, c.id, { proofId: kit.proof('u_dave', [c.id]) });
      const done = (await kit.wf.contracts.sign(stamper, c.id, { proofId: kit.proof('u_stamper', [c.id]) })).contract;
      const finalPdf = done.documents[0].current;

      const { contract: agreement, links } = await kit.wf.contracts.invalidate(dave, c.id, { reason: '业务取消 Order cancelled' });
      assert.equal(agreement.kind, 'invalidation');
      assert.equal(agreement.invalidates, c.id);
      assert.equal(agreement.state, 'signing');
      assert.deepEqual(links.map((l) => l.signerId), ['s1', 's2']);
      assert.equal((await kit.wf.collections.contracts.get(c.id))!.invalidation?.agreementId, agreement.id);
      await rejectsCode(kit.wf.contracts.invalidate(alice, c.id, { reason: 'again' }), 'CONTRACT_STATE', /already being signed/);

      await kit.wf.contracts.sign(stamper, agreement.id, { proofId: kit.proof('u_stamper', [agreement.id]) });
      assert.equal((await kit.wf.collections.contracts.get(c.id))!.state, 'completed', 'not yet: one party has not signed');
      const r = await kit.wf.contracts.sign(dave, agreement.id, { proofId: kit.proof('u_dave', [agreement.id]) });
      assert.equal(r.contract.state, 'completed');
      const original = (await kit.wf.collections.contracts.get(c.id))!;
      assert.equal(original.state, 'invalidated');
      assert.equal(original.endReason, '业务取消 Order cancelled');
      assert.equal(original.documents[0].current, finalPdf, 'the signed original is never rewritten');
      assert.equal((await kit.wf.collections.contracts.get(agreement.id))!.settledAt !== undefined, true);
      const report = kit.verify((await kit.wf.contracts.download(alice, agreement.id)).pdf);
      assert.ok(report.valid, report.summary);
      assert.deepEqual(report.signatures.filter((s) => s.type === 'signature').map((s) => s.signer?.commonName), ['上海示例科技有限公司', '张伟']);
      assert.ok(kit.verify((await kit.wf.contracts.download(alice, c.id)).pdf).valid, 'an invalidated contract can still be downloaded and verified');
      assert.ok((await kit.chain(c.id)).ok && (await kit.chain(agreement.id)).ok);
      const types = (await kit.wf.contracts.history(alice, c.id)).map((e) => e.type).filter((t) => t.includes('invalid'));
      assert.deepEqual(types, ['contract.invalidation_requested', 'contract.invalidated']);
    });

    it('keeps the contract completed when a party rejects the invalidation agreement', async () => {
      const kit = makeKit({ font });
      const { alice, dave, bob } = kit.actors;
      const { contract: c } = await kit.wf.contracts.create(alice, {
        title: '服务合同', order: 'parallel', send: true,
        files: [{ name: 'a.pdf', pdf: contractPdf(font) }],
        signers: [{ kind: 'person', name: '张伟', userId: 'u_dave' }, { kind: 'person', name: '李强', userId: 'u_bob' }],
      });
      await kit.wf.contracts.sign(dave, c.id, { proofId: kit.proof('u_dave', [c.id]) });
      await kit.wf.contracts.sign(bob, c.id, { proofId: kit.proof('u_bob', [c.id]) });
      const { contract: agreement } = await kit.wf.contracts.invalidate(alice, c.id, { reason: '重新谈判' });
      await kit.wf.contracts.reject(bob, agreement.id, { reason: '不同意作废' });
      const original = (await kit.wf.collections.contracts.get(c.id))!;
      assert.equal(original.state, 'completed');
      assert.equal(original.invalidation, undefined);
      assert.deepEqual(await kit.wf.contracts.runDueJobs(), { expired: [], settled: [] }, 'nothing left to settle');
      const again = await kit.wf.contracts.invalidate(dave, c.id, { reason: '再次申请' });
      assert.equal(again.contract.state, 'signing', 'a new agreement may start after the first one failed');
    });
  });

  describe('templates and bundles', () => {
    it('creates a contract from a bundle with the stand-in filler: each template becomes a document, positions go to the signer of their role', async () => {
      const calls: string[] = [];
      const filler: TemplateFiller = {
        fillTemplate(template, basePdf, vars) {
          const t = template as { name: string };
          calls.push(`${t.name}:${String(vars.name)}`);
          return {
            pdf: basePdf,
            positions: [
              { role: 'employee', kind: 'signature', page: 1, rect: { x: 72, y: 100, w: 150, h: 50 }, fractions: { x: 0.121, y: 0.822 } },
              { role: 'company', kind: 'seal', page: 1, rect: { x: 330, y: 90, w: 120, h: 120 }, fractions: { x: 0.554, y: 0.75 } },
            ],
          };
        },
      };
      const kit = makeKit({ font, deps: { filler } });
      const { alice, dave, appA } = kit.actors;
      const seal = await contractSeal(kit);
      await kit.wf.seals.authorizeAutoStamp(kit.actors.sealAdmin, { seal: seal.id, expiresAt: new Date(kit.clock.now().getTime() + 365 * 24 * HOUR), scope: { appIds: ['app_a'] }, purpose: 'HR onboarding' });
      const labour = await kit.wf.templates.create(alice, { name: '劳动合同', definition: { name: 'labour', fields: [{ role: 'employee' }, { role: 'company' }] }, basePdf: contractPdf(font, '劳动合同', 1) });
      const nda = await kit.wf.templates.create(alice, { name: '保密协议', definition: { name: 'nda', fields: [{ role: 'employee' }, { role: 'company' }] }, basePdf: contractPdf(font, '保密协议', 1) });
      assert.deepEqual(labour.roles, ['employee', 'company']);
      const bundle = await kit.wf.templates.createBundle(alice, { name: '入职合同组合', templateIds: [labour.id, nda.id] });

      const input = {
        bundleId: bundle.id, vars: { name: '张伟' }, title: '张伟 入职合同', bizNo: 'HR-E001-2026', send: true,
        signers: [
          { kind: 'organization' as const, name: '上海示例科技有限公司', enterpriseId: ENT_A, seal: seal.id, role: 'company' },
          { kind: 'person' as const, name: '张伟', userId: 'u_dave', role: 'employee' },
        ],
      };
      const { contract: c } = await kit.wf.contracts.createFromTemplate(appA, input);
      assert.deepEqual(calls, ['labour:张伟', 'nda:张伟']);
      assert.deepEqual(c.documents.map((d) => d.name), ['劳动合同.pdf', '保密协议.pdf']);
      assert.deepEqual(c.template, { templateIds: [labour.id, nda.id], bundleId: bundle.id });
      assert.deepEqual(c.signers[0].fields.map((f) => [f.doc, f.kind]), [['d1', 'seal'], ['d2', 'seal']]);
      assert.deepEqual(c.signers[1].fields[0].at, { x: 0.121, y: 0.822 });
      const again = await kit.wf.contracts.createFromTemplate(appA, input);
      assert.equal(again.created, false);
      assert.equal(calls.length, 2, 'an idempotent repeat fills nothing');

      await kit.wf.contracts.signSilently(appA, c.id, {});
      const proof = kit.proof('u_dave', [c.id]);
      const done = (await kit.wf.contracts.sign(dave, c.id, { proofId: proof })).contract;
      assert.equal(done.state, 'completed');
      for (const d of done.documents) {
        const r = kit.verify((await kit.wf.contracts.download(dave, c.id, d.id)).pdf);
        assert.ok(r.valid, r.summary);
        assert.deepEqual(r.signatures.filter((s) => s.type === 'signature').map((s) => s.signer?.commonName), ['上海示例科技有限公司', '张伟']);
      }
      await rejectsCode(kit.wf.contracts.createFromTemplate(appA, { ...input, bizNo: 'HR-E002', signers: [input.signers[1]] }), 'INVALID_ARGUMENT', /company/);
      await rejectsCode(kit.wf.contracts.createFromTemplate(kit.actors.appB, { ...input, bizNo: 'X' }), 'NOT_FOUND');
    });
  });

  describe('seals', () => {
    it('stamps silently under a standing authorization with the OA approval as authority, recorded in the audit log and the seal ledger', async () => {
      const kit = makeKit({ font });
      const { alice, appA, sealAdmin } = kit.actors;
      const seal = await contractSeal(kit);
      const { contract: c } = await kit.wf.contracts.create(alice, {
        title: '用印申请：采购合同', send: true,
        files: [{ name: 'a.pdf', pdf: contractPdf(font) }],
        signers: [{ kind: 'organization', name: '上海示例科技有限公司', enterpriseId: ENT_A, seal: seal.id, fields: [{ page: 1, rect: { x: 300, y: 100, w: 120, h: 120 } }] }],
      });
      const authority = { kind: 'approval' as const, system: 'lark', instanceCode: 'A1B2-C3D4', approvers: [{ name: '陈经理', at: '2026-03-01T09:00:00+08:00' }] };
      await rejectsCode(kit.wf.contracts.signSilently(appA, c.id, { authority }), 'SEAL_NOT_GRANTED', /standing authorization/);
      const refused = await kit.wf.seals.ledger(sealAdmin, { contractId: c.id });
      assert.deepEqual(refused.map((e) => [e.outcome, e.reason]), [['refused', 'SEAL_NOT_GRANTED']], 'the refused attempt is in the ledger');
      assert.equal((await kit.wf.collections.contracts.get(c.id))!.signers[0].state, 'unread');

      const auth = await kit.wf.seals.authorizeAutoStamp(sealAdmin, { seal: seal.id, expiresAt: new Date(kit.clock.now().getTime() + 30 * 24 * HOUR), scope: { senders: ['self'] } });
      await rejectsCode(kit.wf.contracts.signSilently(alice, c.id, { authority }), 'FORBIDDEN');
      const r = await kit.wf.contracts.signSilently(appA, c.id, { authority }, { ip: '10.1.1.1' });
      assert.equal(r.contract.state, 'completed');
      assert.equal(r.contract.signers[0].signature!.method, 'auto_stamp');
      const entries = await kit.wf.seals.ledger(sealAdmin, { contractId: c.id });
      const stamped = entries.find((e) => e.outcome === 'stamped')!;
      assert.deepEqual(stamped.authority, { ...authority, approvers: [{ name: '陈经理', at: '2026-03-01T01:00:00.000Z' }], authorizationId: auth.id });
      assert.deepEqual(stamped.operator, { kind: 'integrator', id: 'app_a' });
      assert.equal(r.contract.signers[0].signature!.ledger, stamped.id);
      assert.notEqual(stamped.documents[0].sha256, r.contract.documents[0].original);
      const signedEvent = (await kit.wf.contracts.history(alice, c.id)).find((e) => e.type === 'signer.signed')!;
      assert.equal(signedEvent.data.method, 'auto_stamp');
      assert.deepEqual((signedEvent.data.authority as { instanceCode: string }).instanceCode, 'A1B2-C3D4');
      assert.equal(signedEvent.actor.kind, 'integrator');
      const rep = kit.verify((await kit.wf.contracts.download(alice, c.id)).pdf);
      assert.ok(rep.valid);
      assert.equal(rep.signatures[0].signer?.organization, '上海示例科技有限公司');
      assert.ok((await kit.chain(c.id)).ok);
    });

    it('refuses a seal the member holds no grant for, and a disabled seal, changing nothing on the contract', async () => {
      const kit = makeKit({ font });
      const { alice, bob, stamper, sealAdmin } = kit.actors;
      const seal = await contractSeal(kit);
      const other = await kit.wf.seals.create(sealAdmin, { name: '财务专用章', category: 'finance', spec: { shape: 'oval' } });
      const { contract: c } = await kit.wf.contracts.create(alice, {
        title: '无授权示例', send: true,
        files: [{ name: 'a.pdf', pdf: contractPdf(font) }],
        signers: [{ kind: 'organization', name: '上海示例科技有限公司', enterpriseId: ENT_A, fields: [{ page: 1, rect: { x: 300, y: 100, w: 120, h: 120 } }] }],
      });
      const before = await snapshot(kit, c.id);
      await rejectsCode(kit.wf.contracts.sign(bob, c.id, { seal: seal.id, proofId: kit.proof('u_bob', [c.id]) }), 'SEAL_NOT_GRANTED', /seal admin/);
      await rejectsCode(kit.wf.contracts.sign(stamper, c.id, { seal: other.id, proofId: kit.proof('u_stamper', [c.id]) }), 'SEAL_NOT_GRANTED');
      await kit.wf.seals.setEnabled(sealAdmin, seal.id, false);
      await rejectsCode(kit.wf.contracts.sign(stamper, c.id, { seal: seal.id, proofId: kit.proof('u_stamper', [c.id]) }), 'SEAL_DISABLED', /enable/);
      const after = await snapshot(kit, c.id);
      assert.deepEqual(after.c, before.c, 'the contract is unchanged');
      assert.equal(after.audit, before.audit, 'no audit event');
      assert.equal(kit.gate.consumed, 0, 'no willingness proof was consumed');
      assert.deepEqual((await kit.wf.seals.ledger(sealAdmin, { contractId: c.id })).map((e) => e.reason).sort(), ['SEAL_DISABLED', 'SEAL_NOT_GRANTED', 'SEAL_NOT_GRANTED']);

      await kit.wf.seals.setEnabled(sealAdmin, seal.id, true);
      const ok = await kit.wf.contracts.sign(stamper, c.id, { seal: seal.id, proofId: kit.proof('u_stamper', [c.id]) });
      assert.equal(ok.contract.state, 'completed');
    });
  });

  describe('tenancy and rights', () => {
    it('answers NOT_FOUND for another tenant\'s contract id on every operation, and changes nothing', async () => {
      const kit = makeKit({ font });
      const { alice, carol, appB } = kit.actors;
      const { contract: c } = await kit.wf.contracts.create(alice, {
        title: '内部合同', send: true, expiresAt: new Date(kit.clock.now().getTime() + 90 * 24 * HOUR),
        files: [{ name: 'a.pdf', pdf: contractPdf(font) }],
        signers: [{ kind: 'person', name: '张伟', userId: 'u_dave' }],
      });
      const before = await snapshot(kit, c.id);
      for (const actor of [carol, appB, { kind: 'person', userId: 'u_stranger' } as Actor]) {
        const w = kit.wf.contracts;
        await rejectsCode(w.view(actor, c.id), 'NOT_FOUND');
        await rejectsCode(w.preview(actor, c.id), 'NOT_FOUND');
        await rejectsCode(w.download(actor, c.id), 'NOT_FOUND');
        await rejectsCode(w.history(actor, c.id), 'NOT_FOUND');
        await rejectsCode(w.evidence(actor, c.id), 'NOT_FOUND');
        await rejectsCode(w.sign(actor, c.id, { proofId: 'x' }), 'NOT_FOUND');
        await rejectsCode(w.reject(actor, c.id, { reason: 'x' }), 'NOT_FOUND');
        await rejectsCode(w.revoke(actor, c.id, { reason: 'x' }), 'NOT_FOUND');
        await rejectsCode(w.extend(actor, c.id, { deadline: new Date(kit.clock.now().getTime() + HOUR) }), 'NOT_FOUND');
        await rejectsCode(w.finish(actor, c.id), 'NOT_FOUND');
        await rejectsCode(w.setLabels(actor, c.id, ['x']), 'NOT_FOUND');
        await rejectsCode(w.remind(actor, c.id), 'NOT_FOUND');
        await rejectsCode(w.invalidate(actor, c.id, { reason: 'x' }), 'NOT_FOUND');
        if (actor.kind === 'app') await rejectsCode(w.signSilently(actor, c.id, {}), 'NOT_FOUND');
      }
      await rejectsCode(kit.wf.contracts.view(alice, 'ct_does_not_exist'), 'NOT_FOUND');
      const after = await snapshot(kit, c.id);
      assert.deepEqual(after.c, before.c);
      assert.equal(after.audit, before.audit);
      const m1 = (await kit.wf.contracts.view(kit.actors.bob, c.id).catch((e) => e)) as Error;
      assert.ok(isSignetError(m1, 'FORBIDDEN'), 'an own-tenant member who is no party gets FORBIDDEN');
      assert.equal((await kit.wf.inbox.list(carol, { box: 'inbox' })).total, 0);
    });

    it('keeps a draft hidden from its signers until it is sent', async () => {
      const kit = makeKit({ font });
      const { alice, dave } = kit.actors;
      const { contract: c } = await kit.wf.contracts.create(alice, { title: '草稿', files: [{ name: 'a.pdf', pdf: contractPdf(font) }], signers: [{ kind: 'person', name: '张伟', userId: 'u_dave' }] });
      await rejectsCode(kit.wf.contracts.view(dave, c.id), 'NOT_FOUND');
      await kit.wf.contracts.send(alice, c.id);
      assert.equal((await kit.wf.contracts.view(dave, c.id)).signers[0].state, 'read');
    });

    it('requires a willingness proof bound to the signer and this contract, of a method the policy allows, used once', async () => {
      const kit = makeKit({ font });
      const { alice, bob } = kit.actors;
      const { contract: c } = await kit.wf.contracts.create(alice, {
        title: '意愿示例', order: 'parallel', send: true,
        files: [{ name: 'a.pdf', pdf: contractPdf(font) }],
        signers: [
          { kind: 'person', name: '李强', userId: 'u_bob', willingness: { methods: ['face', 'sms_otp'], handwriting: 'required' }, fields: [{ page: 1, rect: { x: 72, y: 100, w: 150, h: 50 } }] },
          { kind: 'person', name: '张伟', userId: 'u_dave' },
        ],
      });
      const hand = { strokes: [[{ x: 0, y: 0 }, { x: 10, y: 5 }, { x: 20, y: 0 }]] };
      await rejectsCode(kit.wf.contracts.sign(bob, c.id, { proofId: kit.proof('u_bob', [c.id]) }), 'INVALID_ARGUMENT', /handwritten/);
      await rejectsCode(kit.wf.contracts.sign(bob, c.id, { handwriting: hand }), 'WILLINGNESS_REQUIRED', /face or sms_otp/);
      await rejectsCode(kit.wf.contracts.sign(bob, c.id, { handwriting: hand, proofId: kit.proof('u_dave', [c.id]) }), 'WILLINGNESS_REQUIRED', /someone else/);
      await rejectsCode(kit.wf.contracts.sign(bob, c.id, { handwriting: hand, proofId: kit.proof('u_bob', ['ct_other']) }), 'WILLINGNESS_REQUIRED', /does not cover/);
      await rejectsCode(kit.wf.contracts.sign(bob, c.id, { handwriting: hand, proofId: kit.proof('u_bob', [c.id], 'password') }), 'WILLINGNESS_REQUIRED', /face or sms_otp/);
      const proof = kit.proof('u_bob', [c.id], 'face');
      const r = await kit.wf.contracts.sign(bob, c.id, { handwriting: hand, proofId: proof });
      assert.equal(r.contract.signers[0].signature!.method, 'face');
      assert.ok(await kit.blobs.has(r.contract.signers[0].signature!.handwriting!), 'the handwriting is kept as a blob for evidence');
      await rejectsCode(kit.wf.contracts.sign(bob, c.id, { handwriting: hand, proofId: proof }), 'CONTRACT_STATE', /already signed/);
    });

    it('refuses an expired signing link with LINK_EXPIRED', async () => {
      const kit = makeKit({ font, deps: { linkTtlMs: HOUR } });
      const { contract: c, links } = await kit.wf.contracts.create(kit.actors.alice, { title: 'L', send: true, files: [{ name: 'a.pdf', pdf: contractPdf(font) }], signers: [{ kind: 'person', name: '张伟', userId: 'u_dave' }] });
      const actor = await kit.wf.contracts.resolveLink(links[0].token);
      kit.clock.advance(HOUR + 1);
      await rejectsCode(kit.wf.contracts.resolveLink(links[0].token), 'LINK_EXPIRED');
      await rejectsCode(kit.wf.contracts.view(actor, c.id), 'LINK_EXPIRED');
      await rejectsCode(kit.wf.contracts.resolveLink('not-a-token'), 'NOT_FOUND');
      const fresh = await kit.wf.contracts.remind(kit.actors.alice, c.id);
      assert.equal((await kit.wf.contracts.view(await kit.wf.contracts.resolveLink(fresh.links[0].token), c.id)).signers[0].state, 'read');
    });
  });

  describe('idempotency and concurrency', () => {
    it('returns the same contract for the same (appId, bizNo), also for concurrent duplicates, and a different one for another app', async () => {
      const kit = makeKit({ font });
      const { appA, appB, alice } = kit.actors;
      const input = (): CreateContractInput => ({ title: '幂等', bizNo: 'BIZ-42', files: [{ name: 'a.pdf', pdf: contractPdf(font) }], signers: [{ kind: 'person', name: '张伟', userId: 'u_dave' }] });
      const results = await Promise.all(Array.from({ length: 8 }, () => kit.wf.contracts.create(appA, input())));
      assert.equal(new Set(results.map((r) => r.contract.id)).size, 1);
      assert.equal(results.filter((r) => r.created).length, 1);
      const again = await kit.wf.contracts.create(appA, input());
      assert.deepEqual([again.created, again.contract.id], [false, results[0].contract.id]);
      assert.equal((await kit.wf.collections.contracts.find('tenant', ENT_A)).length, 1);
      const b = await kit.wf.contracts.create(appB, input());
      assert.notEqual(b.contract.id, results[0].contract.id);
      const console = await kit.wf.contracts.create(alice, input());
      assert.notEqual(console.contract.id, results[0].contract.id, 'the console has its own key space');
      assert.equal((await kit.chain(results[0].contract.id)).length, 1);
    });

    it('lets two signers sign at the same moment: both end up in the PDF, one revision each', async () => {
      const kit = makeKit({ font });
      const { alice, dave, bob, stamper } = kit.actors;
      const seal = await contractSeal(kit);
      const { contract: c } = await kit.wf.contracts.create(alice, {
        title: '并发签署', order: 'parallel', send: true,
        files: [{ name: 'a.pdf', pdf: contractPdf(font) }],
        signers: [
          { kind: 'person', name: '张伟', userId: 'u_dave', fields: [{ page: 1, rect: { x: 72, y: 100, w: 150, h: 50 } }] },
          { kind: 'person', name: '李强', userId: 'u_bob', fields: [{ page: 1, rect: { x: 250, y: 100, w: 150, h: 50 } }] },
          { kind: 'organization', name: '上海示例科技有限公司', enterpriseId: ENT_A, seal: seal.id, fields: [{ page: 2, rect: { x: 72, y: 100, w: 120, h: 120 } }] },
        ],
      });
      let conflicts = 0;
      const update = kit.wf.collections.store.transact.bind(kit.wf.collections.store);
      kit.wf.collections.store.transact = async (ops) => update(ops).catch((e) => {
        if (isSignetError(e, 'VERSION_CONFLICT')) conflicts++;
        throw e;
      });
      const results = await Promise.all([
        kit.wf.contracts.sign(dave, c.id, { proofId: kit.proof('u_dave', [c.id]) }),
        kit.wf.contracts.sign(bob, c.id, { proofId: kit.proof('u_bob', [c.id]) }),
        kit.wf.contracts.sign(stamper, c.id, { proofId: kit.proof('u_stamper', [c.id]) }),
      ]);
      assert.ok(conflicts >= 1, 'the signers really raced');
      const done = (await kit.wf.collections.contracts.get(c.id))!;
      assert.equal(done.state, 'completed');
      assert.equal(results.filter((r) => r.contract.state === 'completed').length, 1);
      const report = kit.verify((await kit.wf.contracts.download(alice, c.id)).pdf);
      assert.ok(report.valid, report.summary);
      const sigs = report.signatures.filter((s) => s.type === 'signature');
      assert.deepEqual(sigs.map((s) => s.signer?.commonName).sort(), ['上海示例科技有限公司', '张伟', '李强'].sort());
      assert.equal(new Set(sigs.map((s) => s.revision)).size, 3);
      const chain = await kit.chain(c.id);
      assert.ok(chain.ok && chain.headMatches);
      assert.equal((await kit.wf.contracts.history(alice, c.id)).filter((e) => e.type === 'signer.signed').length, 3);
    });
  });

  describe('lists', () => {
    it('lists and counts inbox, outbox, drafts, needs my signature, needs others\', deadline near, expiry near and company to-do, with filters', async () => {
      const kit = makeKit({ font });
      const { alice, dave, bob, stamper, carol, appA } = kit.actors;
      const seal = await contractSeal(kit);
      const pdf = contractPdf(font);
      const now = kit.clock.now().getTime();
      const mk = (title: string, extra: Partial<CreateContractInput>) => kit.wf.contracts.create(alice, { title, files: [{ name: 'a.pdf', pdf }], signers: [{ kind: 'person', name: '张伟', userId: 'u_dave' }], ...extra });
      await mk('草稿一', {});
      const seq = (await mk('采购合同 A', { send: true, labels: ['采购'], deadline: new Date(now + 2 * 24 * HOUR), signers: [{ kind: 'person', name: '张伟', userId: 'u_dave' }, { kind: 'person', name: '李强', userId: 'u_bob' }] })).contract;
      await mk('销售合同 B', { send: true, labels: ['销售'], deadline: new Date(now + 30 * 24 * HOUR), signers: [{ kind: 'organization', name: '上海示例科技有限公司', enterpriseId: ENT_A, seal: seal.id }] });
      const exp = (await mk('租赁合同 C', { send: true, expiresAt: new Date(now + 3 * 24 * HOUR) })).contract;
      await kit.wf.contracts.sign(dave, exp.id, { proofId: kit.proof('u_dave', [exp.id]) });

      const a = await kit.wf.inbox.counts(alice);
      assert.deepEqual(a, { inbox: 0, outbox: 3, drafts: 1, todo: 0, waiting: 2, deadline: 1, expiry: 1, company_todo: 1 });
      assert.deepEqual(await kit.wf.inbox.counts(dave), { inbox: 2, outbox: 0, drafts: 0, todo: 1, waiting: 0, deadline: 1, expiry: 1, company_todo: 0 });
      assert.deepEqual(await kit.wf.inbox.counts(bob), { inbox: 1, outbox: 0, drafts: 0, todo: 0, waiting: 1, deadline: 1, expiry: 0, company_todo: 0 });
      assert.equal((await kit.wf.inbox.counts(stamper)).company_todo, 1, 'the member holding the seal grant');
      assert.equal((await kit.wf.inbox.counts(kit.actors.bob)).company_todo, 0, 'a member without a grant');
      assert.deepEqual((await kit.wf.inbox.list(dave, { box: 'todo' })).items.map((i) => i.title), ['采购合同 A']);
      assert.deepEqual((await kit.wf.inbox.list(alice, { box: 'outbox', label: '销售' })).items.map((i) => i.title), ['销售合同 B']);
      assert.deepEqual((await kit.wf.inbox.list(alice, { box: 'outbox', title: '合同 a' })).items.map((i) => i.id), [seq.id]);
      assert.deepEqual((await kit.wf.inbox.list(alice, { box: 'outbox', status: 'completed' })).items.map((i) => i.id), [exp.id]);
      assert.deepEqual((await kit.wf.inbox.list(alice, { box: 'outbox', signer: '李强' })).items.map((i) => i.id), [seq.id]);
      assert.equal((await kit.wf.inbox.list(alice, { box: 'outbox', limit: 2 })).items.length, 2);
      assert.equal((await kit.wf.inbox.list(alice, { box: 'outbox', limit: 2 })).total, 3);
      assert.equal((await kit.wf.inbox.list(appA, { box: 'all' })).total, 4);
      await rejectsCode(kit.wf.inbox.list(bob, { box: 'all' }), 'FORBIDDEN');
      assert.equal((await kit.wf.inbox.list(carol, { box: 'outbox' })).total, 0);
      assert.deepEqual(await kit.wf.inbox.labels(alice), [{ label: '采购', count: 1 }, { label: '销售', count: 1 }]);
      await kit.wf.contracts.setLabels(alice, seq.id, ['采购', '重要']);
      assert.deepEqual((await kit.wf.inbox.list(dave, { box: 'inbox', label: '重要' })).items.map((i) => i.id), [seq.id]);
    });
  });

  describe('checked by pdfsig and qpdf', () => {
    before(function () {
      requireTool(this, 'pdfsig', 'poppler-utils');
      requireTool(this, 'qpdf', 'qpdf');
      requireTool(this, 'certutil', 'libnss3-tools');
    });

    it('a completed three-party contract: pdfsig finds every signature valid and trusted, qpdf finds no problem', async () => {
      const kit = makeKit({ font });
      const seal = await contractSeal(kit);
      const { contract: c } = await kit.wf.contracts.create(kit.actors.alice, { ...threeParty(kit, seal), order: 'parallel', send: true });
      await kit.wf.contracts.sign(kit.actors.dave, c.id, { proofId: kit.proof('u_dave', [c.id]) });
      await kit.wf.contracts.sign(kit.actors.stamper, c.id, { proofId: kit.proof('u_stamper', [c.id]) });
      await kit.wf.contracts.sign(kit.actors.bob, c.id, { proofId: kit.proof('u_bob', [c.id]) });
      const { pdf } = await kit.wf.contracts.download(kit.actors.alice, c.id);
      const { dir, cleanup } = tempDir('workflow-interop-');
      const nss = makeNssDb([derToPem(kit.pki.root.certificate, 'CERTIFICATE')]);
      try {
        const file = join(dir, 'contract.pdf');
        writeFileSync(file, pdf);
        const q = qpdfCheck(file);
        assert.ok(q.clean, q.output);
        const r = pdfsig(file, nss.nssDir);
        const sigs = r.signatures.filter((s) => s.subFilter === 'ETSI.CAdES.detached');
        assert.deepEqual(sigs.map((s) => s.signerName), ['张伟', '上海示例科技有限公司', '李强']);
        // poppler 22.12 lists the document time-stamp but does not verify ETSI.RFC3161 ("Signature Type: unknown").
        const docTs = r.signatures.filter((s) => /DocTimeStamp/.test(s.raw));
        assert.equal(docTs.length, 1, r.stdout);
        assert.equal(docTs[0].totalDocumentSigned, true);
        for (const s of sigs) {
          assert.equal(s.validation, 'Signature is Valid.', s.raw);
          assert.equal(s.certificate, 'Certificate is Trusted.', s.raw);
        }
      } finally {
        nss.cleanup();
        cleanup();
      }
    });
  });

  describe('bad input', () => {
    it('refuses a file that is not a PDF, a field off the page and an unknown signer kind, storing nothing', async () => {
      const kit = makeKit({ font });
      const { alice } = kit.actors;
      const base = { title: 'x', signers: [{ kind: 'person' as const, name: '张伟', userId: 'u_dave' }] };
      await rejectsCode(kit.wf.contracts.create(alice, { ...base, files: [{ name: 'a.pdf', pdf: new TextEncoder().encode('hello') }] }), 'PDF_NOT_PDF');
      await rejectsCode(kit.wf.contracts.create(alice, { ...base, files: [{ name: 'a.pdf', pdf: contractPdf(font) }], signers: [{ ...base.signers[0], fields: [{ page: 1, rect: { x: 500, y: 800, w: 200, h: 100 } }] }] }), 'PDF_RECT_OFF_PAGE');
      await rejectsCode(kit.wf.contracts.create(alice, { ...base, files: [{ name: 'a.pdf', pdf: contractPdf(font) }], signers: [{ ...base.signers[0], fields: [{ page: 9, rect: { x: 1, y: 1, w: 2, h: 2 } }] }] }), 'PDF_PAGE_OUT_OF_RANGE');
      await rejectsCode(kit.wf.contracts.create(alice, { ...base, files: [{ name: 'a.pdf', pdf: contractPdf(font) }], signers: [{ kind: 'robot' as 'person', name: 'r' }] }), 'INVALID_ARGUMENT', /kind/);
      await rejectsCode(kit.wf.contracts.create(kit.actors.dave, { ...base, files: [{ name: 'a.pdf', pdf: contractPdf(font) }] }), 'FORBIDDEN');
      assert.equal((await kit.wf.collections.contracts.scan()).length, 0);
      void ENT_B;
    });
  });
});

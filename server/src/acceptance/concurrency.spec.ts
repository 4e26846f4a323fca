/**
 * Acceptance: two signers of a parallel contract sign over HTTP at the same moment. Optimistic
 * versioning with retry puts both signatures into the PDF, one revision each, and the contract
 * completes once.
 */
import assert from 'node:assert/strict';
import { verifyPdf } from '@signet/core';
import { contractPdf, expectBytes, expectJson, startAcceptanceKit, type AcceptanceKit, type KitPerson } from './acceptance-kit.js';

describe('acceptance: concurrent signers over HTTP', function () {
  this.timeout(180_000);
  let kit: AcceptanceKit;
  let a: KitPerson;
  let b: KitPerson;
  before(async () => {
    kit = await startAcceptanceKit();
    [a, b] = [await kit.person(), await kit.person()];
  });
  after(async () => kit?.close());

  for (const docs of [1, 2]) {
    it(`two signers signing the same ${docs === 1 ? 'document' : 'two documents'} at the same moment both land, one revision each`, async () => {
      for (let round = 0; round < 3; round++) {
        const documents: { fileId: string }[] = [];
        for (let i = 0; i < docs; i++) documents.push({ fileId: await kit.upload(kit.admin.call, contractPdf(kit.font, { title: `并发签署 ${round}-${i}` })) });
        const c = await expectJson<{ id: string }>(kit.admin.call('POST', '/api/v1/contracts', {
          documents, send: true, order: 'parallel',
          signers: [a, b].map((p, i) => ({ kind: 'person', name: p.name, userId: p.userId, fields: documents.map((_, file) => ({ file, page: 1, rect: { x: 60 + 260 * i, y: 200, w: 150, h: 60 } })) })),
        }), 201);
        const proofs = [await kit.proofByPassword(a.call, [c.id]), await kit.proofByPassword(b.call, [c.id])];
        const answers = await Promise.all([a, b].map((p, i) => p.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: proofs[i] })));
        const bodies = await Promise.all(answers.map(async (r) => ({ status: r.status, body: (await r.json()) as { state: string } })));
        assert.deepEqual(bodies.map((x) => x.status), [200, 200], JSON.stringify(bodies));
        assert.ok(bodies.some((x) => x.body.state === 'completed'), 'one of the two completed it');
        for (let d = 1; d <= docs; d++) {
          const pdf = await expectBytes(a.call('GET', `/api/v1/contracts/${c.id}/documents/d${d}/download`), 200, 'application/pdf');
          const report = verifyPdf(pdf, { trustAnchors: [kit.srv.installation.pki.rootCertificate] });
          assert.ok(report.valid, report.summary);
          const sigs = report.signatures.filter((s) => s.type === 'signature');
          assert.equal(sigs.length, 2, 'both signatures are in the file');
          assert.equal(new Set(sigs.map((s) => s.revision)).size, 2, 'one revision each');
          assert.deepEqual(sigs.map((s) => s.signer?.commonName).sort(), [a.name, b.name].sort());
        }
        const history = await expectJson<{ items: { type: string }[] }>(kit.admin.call('GET', `/api/v1/contracts/${c.id}/history`), 200);
        assert.equal(history.items.filter((e) => e.type === 'signer.signed').length, 2);
        assert.equal(history.items.filter((e) => e.type === 'contract.completed').length, 1);
      }
    });
  }
});

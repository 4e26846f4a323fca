import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cjkFontBytes, makeNssDb, pdfsig, qpdfCheck, tempDir } from '@signet/test-support';
import { derToPem } from '../pki/pem.js';
import { isSignetError } from '../errors.js';
import { findTextFields } from '../pdf/acroform.js';
import { PdfReader } from '../pdf/reader.js';
import { verifyPdf } from '../verify/verify-pdf.js';
import type { CreateContractInput } from './contract-service.js';
import { contractPdf, makeKit, type Kit } from './test-fixtures.js';

const font = cjkFontBytes();

/** Two people: each signs on page 1 and fills a date; dave also types his ID number, bob an optional note. */
function withFields(kit: Kit, extra: Partial<CreateContractInput> = {}): CreateContractInput {
  return {
    title: '借款合同 Loan agreement',
    files: [{ name: '借款合同.pdf', pdf: contractPdf(kit.font, '借款合同 Loan agreement') }],
    signers: [
      { kind: 'person', name: '张伟', userId: 'u_dave', fields: [
        { page: 1, rect: { x: 72, y: 100, w: 160, h: 60 } },
        { page: 1, rect: { x: 72, y: 70, w: 120, h: 18 }, kind: 'date' },
        { page: 1, rect: { x: 72, y: 40, w: 200, h: 18 }, kind: 'text', label: '身份证号 ID number' },
      ] },
      { kind: 'person', name: '李强', userId: 'u_bob', fields: [
        { page: 1, rect: { x: 330, y: 100, w: 160, h: 60 } },
        { page: 1, rect: { x: 330, y: 70, w: 120, h: 18 }, kind: 'date' },
        { page: 2, rect: { x: 330, y: 40, w: 200, h: 18 }, kind: 'text', label: '备注 Note', required: false },
      ] },
    ],
    send: true,
    ...extra,
  };
}

describe('workflow: date and text fields the signers fill', function () {
  this.timeout(120_000);

  it('creates the fields empty before any signature, fills each signer\'s in their own revision, and every signature stays valid', async () => {
    const kit = makeKit({ font });
    const { contract: c } = await kit.wf.contracts.create(kit.actors.alice, withFields(kit));
    const dave = c.signers[0];
    assert.deepEqual(dave.fields.map((f) => [f.kind, f.name, f.label, f.required]), [
      ['signature', undefined, undefined, undefined],
      ['date', 'Signet-s1-date1', undefined, undefined],
      ['text', 'Signet-s1-text1', '身份证号 ID number', true],
    ]);
    // The stored original is the upload; the current file has the empty fields in one unsigned revision.
    assert.notEqual(c.documents[0].current, c.documents[0].original);
    const prepared = PdfReader.load(await kit.blobs.get(c.documents[0].current));
    assert.equal(prepared.revisions.length, 2);
    assert.deepEqual([...findTextFields(prepared).keys()].sort(), ['Signet-s1-date1', 'Signet-s1-text1', 'Signet-s2-date1', 'Signet-s2-text1']);

    // A required text left empty, or a field that is not the signer's, is refused before the proof is spent.
    const proof = kit.proof('u_dave', [c.id]);
    await assert.rejects(kit.wf.contracts.sign(kit.actors.dave, c.id, { proofId: proof }), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /身份证号/.test((e as Error).message));
    await assert.rejects(kit.wf.contracts.sign(kit.actors.dave, c.id, { proofId: proof, values: { 'Signet-s2-text1': 'x', 'Signet-s1-text1': '1' } }), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /Signet-s2-text1/.test((e as Error).message));
    const r1 = await kit.wf.contracts.sign(kit.actors.dave, c.id, { proofId: proof, values: { 'Signet-s1-text1': '110101199003077777' } });
    const date = r1.contract.signers[0].signature!.values!['Signet-s1-date1'];
    assert.match(date, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(r1.contract.signers[0].signature!.values!['Signet-s1-text1'], '110101199003077777');

    await kit.wf.contracts.sign(kit.actors.bob, c.id, { proofId: kit.proof('u_bob', [c.id]) });
    const { pdf } = await kit.wf.contracts.download(kit.actors.alice, c.id);
    const reader = PdfReader.load(pdf);
    const values = new Map([...findTextFields(reader)].map(([k, v]) => [k, reader.resolve(v.dict.get('V'))]));
    assert.equal((values.get('Signet-s1-text1') as { toText(): string }).toText(), '110101199003077777');
    assert.equal((values.get('Signet-s2-date1') as { toText(): string }).toText(), date);
    assert.equal(values.get('Signet-s2-text1'), undefined, 'the optional note stayed empty');

    const report = verifyPdf(pdf, { trustAnchors: [kit.pki.root.certificate] });
    assert.equal(report.valid, true, report.summary);
    const cades = report.signatures.filter((s) => s.modifications);
    assert.ok(cades.length >= 2);
    // dave's signature is followed by bob's revision, which filled bob's fields: a form fill, allowed.
    assert.equal(report.signatures[0].modifications.allowed, true);
    assert.equal(report.signatures[0].modifications.level, 'form-filling');

    const { dir, cleanup } = tempDir('fields-interop-');
    const nss = makeNssDb([derToPem(kit.pki.root.certificate, 'CERTIFICATE')]);
    try {
      const file = join(dir, 'fields.pdf');
      writeFileSync(file, pdf);
      const q = qpdfCheck(file);
      assert.ok(q.clean, q.output);
      const sigs = pdfsig(file, nss.nssDir).signatures.filter((s) => s.subFilter === 'ETSI.CAdES.detached');
      assert.deepEqual(sigs.map((s) => s.signerName), ['张伟', '李强']);
      for (const s of sigs) assert.equal(s.validation, 'Signature is Valid.', s.raw);
    } finally {
      nss.cleanup();
      cleanup();
    }
  });

  it('refuses a date or text field without a position, and an unknown kind', async () => {
    const kit = makeKit({ font });
    const base = withFields(kit);
    await assert.rejects(kit.wf.contracts.create(kit.actors.alice, { ...base, signers: [{ ...base.signers[0], fields: [{ invisible: true, kind: 'text' as 'seal' }] }] }), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /page and a rect/.test((e as Error).message));
    await assert.rejects(kit.wf.contracts.create(kit.actors.alice, { ...base, signers: [{ ...base.signers[0], fields: [{ page: 1, rect: { x: 1, y: 1, w: 50, h: 10 }, kind: 'stamp' as 'text' }] }] }), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /kind/.test((e as Error).message));
    assert.equal((await kit.wf.collections.contracts.scan()).length, 0);
  });
});

import assert from 'node:assert/strict';
import { isAddinError } from '../addin-error.js';
import { draftedAgreement, twoSigners } from '../testing/app-fixture.js';
import { rememberContract } from './contract-ids.js';
import { DEFAULT_POLICIES, sendForSignature } from './send-for-signature.js';
import { finishSelfSign, startSelfSign } from './sign-myself.js';
import { downloadEvidencePackage, downloadSignedPdf, remindSigner, remindable, trackContracts } from './track-contracts.js';

describe('tracking', () => {
  it('lists this document\'s contracts apart from my other recent ones, skipping ids the server does not know', async () => {
    const f = await draftedAgreement();
    const sent = await sendForSignature(f, { title: 'Mine', signers: twoSigners(), policies: DEFAULT_POLICIES });
    const other = await draftedAgreement();
    const elsewhere = await sendForSignature({ gateway: other.gateway, api: f.api }, { title: 'Other', signers: twoSigners(), policies: DEFAULT_POLICIES });
    await rememberContract(f.gateway, 'c-gone');
    const t = await trackContracts(f);
    assert.deepEqual(t.thisDocument.map((c) => c.id), [sent.contract.id]);
    assert.deepEqual(t.recent.map((c) => c.id), [elsewhere.contract.id]);
  });

  it('reminds only signers who still have to sign', async () => {
    const f = await draftedAgreement();
    const { contract } = await sendForSignature(f, { title: 'T', signers: twoSigners(), policies: DEFAULT_POLICIES });
    assert.deepEqual(remindable(contract).map((s) => s.id), ['s1', 's2']);
    await remindSigner(f, contract.id, 's2');
    assert.deepEqual(f.api.reminders, [{ contractId: contract.id, signerId: 's2' }]);
    assert.deepEqual(remindable({ ...contract, state: 'completed' }), []);
  });

  it('downloads the signed PDF and the evidence package of a completed contract, and refuses before completion', async () => {
    const f = await draftedAgreement();
    const { contract } = await sendForSignature(f, { title: 'T', signers: twoSigners(), policies: DEFAULT_POLICIES });
    await assert.rejects(downloadSignedPdf(f, contract), (e: unknown) => isAddinError(e, 'NOT_COMPLETED'));
    const start = await startSelfSign(f, { role: 'partyA', session: (await f.api.session())!, mobile: '' });
    const done = await finishSelfSign(f, start, { code: '123456', optionId: 'sig-personal' });
    const pdf = await downloadSignedPdf(f, done.contract);
    assert.equal(pdf.mediaType, 'application/pdf');
    assert.deepEqual(pdf.bytes, done.pdf);
    const zip = await downloadEvidencePackage(f, done.contract);
    assert.equal(Buffer.from(zip.bytes.subarray(0, 2)).toString(), 'PK');
    assert.match(zip.fileName, /\.zip$/);
  });
});

import assert from 'node:assert/strict';
import { isAddinError } from '../addin-error.js';
import { draftedAgreement, twoSigners } from '../testing/app-fixture.js';
import { rememberContract } from './contract-ids.js';
import { DEFAULT_POLICIES, sendForSignature } from './send-for-signature.js';
import { finishSigning, signDocumentNow, startWillingnessCheck } from './sign-myself.js';
import { downloadEvidencePackage, downloadSignedPdfs, remindSigner, remindable, trackContracts } from './track-contracts.js';

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

  it('reminds only signers whose turn it is', async () => {
    const f = await draftedAgreement();
    const { contract } = await sendForSignature(f, { title: 'T', signers: twoSigners(), policies: DEFAULT_POLICIES });
    assert.deepEqual(remindable(contract).map((s) => s.id), ['s1'], 'party B signs after party A');
    await remindSigner(f, contract.id, 's1');
    assert.deepEqual(f.api.reminders, [{ contractId: contract.id, signerId: 's1' }]);
    await assert.rejects(remindSigner(f, contract.id, 's2'), (e: unknown) => isAddinError(e, 'SIGNER_OUT_OF_TURN'));
    assert.deepEqual(remindable({ ...contract, state: 'completed' }), []);
  });

  it('downloads the signed PDF and the evidence package of a completed contract, and refuses before completion', async () => {
    const f = await draftedAgreement();
    const { contract } = await sendForSignature(f, { title: 'T', signers: twoSigners(), policies: DEFAULT_POLICIES });
    await assert.rejects(downloadSignedPdfs(f, contract), (e: unknown) => isAddinError(e, 'NOT_COMPLETED'));
    const plan = await signDocumentNow(f, (await f.api.session())!, { role: 'partyA', as: 'person' });
    const done = await finishSigning(f, plan, { challenge: await startWillingnessCheck(f, plan, 'sms_otp'), secret: '123456', choiceId: 'default' });
    const summary = (await trackContracts(f)).thisDocument.find((c) => c.id === done.contract.id)!;
    const [pdf] = await downloadSignedPdfs(f, summary);
    assert.equal(pdf.mediaType, 'application/pdf');
    assert.deepEqual(pdf.bytes, done.files[0].bytes);
    assert.equal(pdf.fileName, 'Service Agreement.pdf');
    const zip = await downloadEvidencePackage(f, done.contract);
    assert.equal(Buffer.from(zip.bytes.subarray(0, 2)).toString(), 'PK');
    assert.match(zip.fileName, /\.zip$/);
  });
});

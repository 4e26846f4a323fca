import assert from 'node:assert/strict';
import { isAddinError } from '../addin-error.js';
import { FAKE_ACCOUNT } from '../api/fake-signet-api.js';
import type { SessionInfo } from '../api/signet-api.js';
import { draftedAgreement, twoSigners, type AppFixture } from '../testing/app-fixture.js';
import { readContractIds } from './contract-ids.js';
import { DEFAULT_POLICIES, sendForSignature } from './send-for-signature.js';
import { contractsToSign, finishSigning, markImage, planSigning, signDocumentNow, startWillingnessCheck } from './sign-myself.js';

/** Sends the drafted agreement with my enterprise (partyB) signing at `bStep` and Zhang San (partyA) at `aStep`. */
async function sent(f: AppFixture, aStep: number, bStep: number) {
  const [a, b] = twoSigners();
  return (await sendForSignature(f, { title: 'Service Agreement', signers: [{ ...a, order: aStep }, { ...b, order: bStep }], policies: DEFAULT_POLICIES })).contract;
}

describe('signing it myself', () => {
  let f: AppFixture;
  let session: SessionInfo;
  beforeEach(async () => {
    f = await draftedAgreement();
    session = (await f.api.session())!;
  });

  it('signs my enterprise\'s part of a sent contract with a granted seal after the SMS check, and gets the PDF signed so far', async () => {
    const c = await sent(f, 2, 1);
    assert.deepEqual((await contractsToSign(f, session)).map((x) => x.id), [c.id]);
    const plan = await planSigning(f, session, c.id);
    assert.equal(plan.signer.role, 'partyB');
    assert.deepEqual(plan.choices.map((x) => [x.kind, x.sealId]), [['seal', 'seal-contract'], ['seal', 'seal-official']]);
    assert.deepEqual(plan.methods, ['sms_otp', 'password']);
    const challenge = await startWillingnessCheck(f, plan, 'sms_otp');
    assert.equal(challenge.maskedMobile, '138****8000');
    const sms = f.api.smsSent.at(-1)!;
    assert.equal(sms.purpose, 'willingness');
    const done = await finishSigning(f, plan, { challenge, secret: ` ${sms.code} `, choiceId: 'seal:seal-contract' });
    assert.equal(done.completed, false);
    assert.equal(done.contract.state, 'signing');
    assert.deepEqual(f.api.signatures, [{ contractId: c.id, signerId: 's2', seal: 'seal-contract', handwriting: false }]);
    assert.equal(done.files.length, 1);
    assert.match(done.files[0].fileName, /签署中 partly signed/);
    assert.match(Buffer.from(done.files[0].bytes).toString('latin1'), /signed by s2 with seal-contract/);
    assert.deepEqual(await contractsToSign(f, session), [], 'nothing is left for me');
  });

  it('signs this document by myself now, with a saved signature, by signing password, and gets the completed PDF', async () => {
    const plan = await signDocumentNow(f, session, { role: 'partyA', as: 'person' });
    assert.deepEqual(f.api.contracts.get(plan.contract.id)!.input.signers.map((s) => [s.kind, s.role, s.userId]), [['person', 'partyA', FAKE_ACCOUNT.userId]]);
    assert.deepEqual(await readContractIds(f.gateway), [plan.contract.id]);
    assert.deepEqual(plan.choices.map((x) => x.id), ['default', 'mark:mark-1']);
    const challenge = await startWillingnessCheck(f, plan, 'password');
    assert.equal(f.api.smsSent.length, 0, 'a password check sends no SMS');
    await assert.rejects(finishSigning(f, plan, { challenge, secret: 'wrong', choiceId: 'mark:mark-1' }), (e: unknown) => isAddinError(e, 'PASSWORD_INVALID'));
    const done = await finishSigning(f, plan, { challenge, secret: FAKE_ACCOUNT.signingPassword, choiceId: 'mark:mark-1' });
    assert.equal(done.completed, true);
    assert.match(done.files[0].fileName, /已签署 signed/);
    assert.equal(f.api.signatures[0].handwriting, true);
  });

  it('signs as my enterprise now, with the seal I choose', async () => {
    const plan = await signDocumentNow(f, session, { role: 'partyB', as: 'organization' });
    assert.deepEqual(f.api.contracts.get(plan.contract.id)!.input.signers.map((s) => [s.kind, s.enterpriseId]), [['organization', FAKE_ACCOUNT.enterprise.id]]);
    const challenge = await startWillingnessCheck(f, plan, 'sms_otp');
    const done = await finishSigning(f, plan, { challenge, secret: '123456', choiceId: 'seal:seal-official' });
    assert.equal(done.completed, true);
    assert.equal(f.api.signatures[0].seal, 'seal-official');
  });

  it('says when it is not my turn yet, and when nothing in the contract is mine', async () => {
    const c = await sent(f, 1, 2);
    await assert.rejects(planSigning(f, session, c.id), (e: unknown) => isAddinError(e, 'SIGNER_OUT_OF_TURN'));
    const [a] = twoSigners();
    const other = (await sendForSignature(f, { title: 'Theirs', signers: [a, { ...a, name: 'Li Si', mobile: '13700137000', role: 'partyB' }], policies: DEFAULT_POLICIES })).contract;
    await assert.rejects(planSigning(f, session, other.id), (e: unknown) => isAddinError(e, 'FORBIDDEN'));
  });

  it('keeps the challenge usable after a wrong or malformed code, and signs with the right one', async () => {
    const plan = await planSigning(f, session, (await sent(f, 2, 1)).id);
    const challenge = await startWillingnessCheck(f, plan, 'sms_otp');
    await assert.rejects(finishSigning(f, plan, { challenge, secret: '000000', choiceId: 'seal:seal-contract' }), (e: unknown) => isAddinError(e, 'OTP_INVALID'));
    await assert.rejects(finishSigning(f, plan, { challenge, secret: 'abc', choiceId: 'seal:seal-contract' }), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
    assert.equal((await finishSigning(f, plan, { challenge, secret: '123456', choiceId: 'seal:seal-contract' })).contract.signers[1].state, 'signed');
  });

  it('refuses a role without a marker before exporting, and a Word that exports only DOCX before uploading', async () => {
    await assert.rejects(signDocumentNow(f, session, { role: 'witness', as: 'person' }), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT') && /witness/.test(e.message));
    assert.equal(f.gateway.exportCount, 0);
    const docx = await draftedAgreement({ pdfExport: false });
    await assert.rejects(signDocumentNow(docx, session, { role: 'partyA', as: 'person' }), (e: unknown) => isAddinError(e, 'OFFICE_UNSUPPORTED') && /signs PDFs only/.test(e.message));
    assert.equal(docx.api.files.size, 0);
  });
});

describe('markImage', () => {
  it('sends the PNG inside a raster mark\'s SVG, and a vector mark\'s SVG itself', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]).toString('base64');
    assert.equal(markImage(`<svg xmlns="http://www.w3.org/2000/svg"><image width="9" height="9" href="data:image/png;base64,${png}" style="x"/></svg>`), png);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L9 9"/><!-- 签名 --></svg>';
    assert.equal(Buffer.from(markImage(svg), 'base64').toString('utf8'), svg);
  });
});

import assert from 'node:assert/strict';
import { isAddinError } from '../addin-error.js';
import { draftedAgreement } from '../testing/app-fixture.js';
import { readContractIds } from './contract-ids.js';
import { finishSelfSign, signingOptions, startSelfSign } from './sign-myself.js';

describe('signing it myself', () => {
  it('creates a one-signer contract for my role, passes the SMS check, signs with my seal and returns the signed PDF', async () => {
    const f = await draftedAgreement();
    const session = (await f.api.session())!;
    const [, seal] = await signingOptions(f);
    const start = await startSelfSign(f, { role: 'partyB', session, mobile: '' });
    assert.equal(start.challenge.maskedMobile, '138****8000');
    const input = f.api.contracts.get(start.contract.id)!.input;
    assert.deepEqual(input.signers.map((s) => [s.role, s.userId]), [['partyB', session.user.id]]);
    assert.deepEqual(input.fields, [{ kind: 'seal', role: 'partyB', anchorText: 'signet:seal:partyB' }]);
    assert.deepEqual(await readContractIds(f.gateway), [start.contract.id]);
    const sms = f.api.smsSent.at(-1)!;
    assert.equal(sms.purpose, 'willingness');
    const done = await finishSelfSign(f, start, { code: sms.code, optionId: seal.id });
    assert.equal(done.contract.state, 'completed');
    assert.equal(Buffer.from(done.pdf.subarray(0, 5)).toString(), '%PDF-');
    assert.match(Buffer.from(done.pdf).toString('latin1'), /signed by s1 with seal-contract/);
  });

  it('keeps the challenge usable after a wrong code, and signs with the right one', async () => {
    const f = await draftedAgreement();
    const start = await startSelfSign(f, { role: 'partyA', session: (await f.api.session())!, mobile: '' });
    await assert.rejects(finishSelfSign(f, start, { code: '000000', optionId: 'sig-personal' }), (e: unknown) => isAddinError(e, 'OTP_INVALID'));
    await assert.rejects(finishSelfSign(f, start, { code: 'abc', optionId: 'sig-personal' }), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
    const done = await finishSelfSign(f, start, { code: '123456', optionId: 'sig-personal' });
    assert.equal(done.contract.state, 'completed');
  });

  it('refuses when the document has no marker for my role, before exporting', async () => {
    const f = await draftedAgreement();
    await assert.rejects(startSelfSign(f, { role: 'witness', session: (await f.api.session())!, mobile: '' }), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT') && /witness/.test(e.message));
    assert.equal(f.gateway.exportCount, 0);
  });

  it('refuses to sign a DOCX export, saying that only a PDF can be signed', async () => {
    const f = await draftedAgreement({ pdfExport: false });
    await assert.rejects(startSelfSign(f, { role: 'partyA', session: (await f.api.session())!, mobile: '' }), (e: unknown) => isAddinError(e, 'OFFICE_UNSUPPORTED') && /only a PDF can be signed/.test(e.message));
    assert.equal(f.api.files.size, 0);
  });
});

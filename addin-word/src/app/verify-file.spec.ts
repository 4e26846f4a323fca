import assert from 'node:assert/strict';
import { isAddinError } from '../addin-error.js';
import { FakeSignetApi } from '../api/fake-signet-api.js';
import type { SignetApi } from '../api/signet-api.js';
import { draftedAgreement } from '../testing/app-fixture.js';
import { finishSigning, signDocumentNow, startWillingnessCheck } from './sign-myself.js';
import { verifyFile } from './verify-file.js';

describe('verifyFile', () => {
  it('sends a PDF to the verifier and returns its report', async () => {
    const f = await draftedAgreement();
    const plan = await signDocumentNow(f, (await f.api.session())!, { role: 'partyA', as: 'person' });
    const { files } = await finishSigning(f, plan, { challenge: await startWillingnessCheck(f, plan, 'sms_otp'), secret: '123456', choiceId: 'default' });
    const report = await verifyFile(f.api, files[0].bytes, 'signed.pdf');
    assert.equal(report.valid, true);
    assert.equal(report.signatureCount, 1);
  });

  it('refuses an empty file, a non-PDF and an oversized file without uploading them', async () => {
    let calls = 0;
    const api = { verify: async () => { calls++; return new FakeSignetApi().verify(new TextEncoder().encode('%PDF-')); } } as unknown as SignetApi;
    await assert.rejects(verifyFile(api, new Uint8Array(0), 'a.pdf'), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
    await assert.rejects(verifyFile(api, new TextEncoder().encode('PK\x03\x04 a zip'), 'a.docx'), (e: unknown) => isAddinError(e, 'PDF_NOT_PDF') && /a\.docx/.test(e.message));
    await assert.rejects(verifyFile(api, new Uint8Array(50 * 1024 * 1024 + 1), 'big.pdf'), (e: unknown) => isAddinError(e, 'PAYLOAD_TOO_LARGE'));
    assert.equal(calls, 0);
    await verifyFile(api, new TextEncoder().encode('\n%PDF-1.7 junk before the header is allowed'), 'ok.pdf');
    assert.equal(calls, 1);
  });
});

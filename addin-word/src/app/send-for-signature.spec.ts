import assert from 'node:assert/strict';
import { isAddinError } from '../addin-error.js';
import { FAKE_ACCOUNT } from '../api/fake-signet-api.js';
import { draftedAgreement, twoSigners } from '../testing/app-fixture.js';
import { readContractIds } from './contract-ids.js';
import { readOutline } from './document-outline.js';
import { DOCX_MEDIA_TYPE, exportDocxFallback, isDocxOnly } from './export-pdf.js';
import { DEFAULT_POLICIES, checkSendRequest, sendForSignature, type FormProblem } from './send-for-signature.js';

const future = () => new Date(Date.now() + 86400_000).toISOString();
const keys = (ps: FormProblem[]) => ps.map((p) => `${p.severity}:${p.key}${p.signer === undefined ? '' : `#${p.signer}`}`).sort();

describe('sendForSignature', () => {
  it('uploads the exported PDF, creates and sends the contract with a signer per role, and remembers its id in the document', async () => {
    const f = await draftedAgreement();
    const out = await sendForSignature(f, { title: ' Service Agreement ', signers: twoSigners(), deadline: future(), policies: DEFAULT_POLICIES });
    const stored = f.api.contracts.get(out.contract.id)!;
    assert.equal(stored.view.state, 'signing');
    assert.equal(Buffer.from(stored.file.bytes.subarray(0, 5)).toString(), '%PDF-');
    assert.equal(stored.file.name, 'Service Agreement.pdf');
    assert.deepEqual(stored.input.signers.map((s) => [s.kind, s.role, s.order, s.enterpriseId]), [
      ['person', 'partyA', 1, undefined], ['organization', 'partyB', 2, FAKE_ACCOUNT.enterprise.id],
    ]);
    assert.equal(stored.input.order, 'sequential');
    assert.deepEqual(await readContractIds(f.gateway), [out.contract.id]);
    assert.deepEqual(out.rememberedIds, [out.contract.id]);
  });

  it('sends signers with equal order numbers in parallel', async () => {
    const f = await draftedAgreement();
    const signers = twoSigners().map((s) => ({ ...s, order: 1 }));
    const out = await sendForSignature(f, { title: 'T', signers, policies: DEFAULT_POLICIES });
    assert.equal(f.api.contracts.get(out.contract.id)!.input.order, 'parallel');
  });

  it('refuses, before exporting or uploading, where Word can export only DOCX, and says what to do instead', async () => {
    const f = await draftedAgreement({ pdfExport: false });
    await assert.rejects(sendForSignature(f, { title: 'T', signers: twoSigners(), policies: DEFAULT_POLICIES }), (e: unknown) =>
      isAddinError(e, 'OFFICE_UNSUPPORTED') && e.details?.format === 'docx' && /nothing was uploaded/.test(e.message) && /Word on Windows, Mac or the web/.test(e.message));
    assert.equal(f.gateway.exportCount, 0);
    assert.equal(f.api.files.size, 0);
    assert.equal(f.api.contracts.size, 0);
  });

  it('offers the DOCX fallback after that refusal: the document exported as DOCX to save, saying why, with nothing uploaded', async () => {
    const f = await draftedAgreement({ pdfExport: false });
    const refusal = await sendForSignature(f, { title: 'T', signers: twoSigners(), policies: DEFAULT_POLICIES }).then(() => undefined, (e: unknown) => e);
    assert.ok(isDocxOnly(refusal));
    const file = await exportDocxFallback(f.gateway);
    assert.equal(file.format, 'docx');
    assert.equal(file.mediaType, DOCX_MEDIA_TYPE);
    assert.equal(file.fileName, `${await f.gateway.documentTitle()}.docx`);
    assert.equal(Buffer.from(file.bytes.subarray(0, 2)).toString(), 'PK', 'a DOCX is a zip');
    assert.match(file.fallbackReason ?? '', /cannot export PDF/);
    assert.equal(f.gateway.exportCount, 1);
    assert.equal(f.api.files.size, 0);
    assert.equal(isDocxOnly(new Error('other')), false);
  });

  it('refuses a form with errors before exporting or uploading anything, naming each problem', async () => {
    const f = await draftedAgreement();
    const bad = [{ kind: 'person' as const, name: ' ', mobile: '12345', role: 'partyA', order: 0 }];
    await assert.rejects(sendForSignature(f, { title: '', signers: bad, deadline: '2000-01-01T00:00:00Z', policies: { ...DEFAULT_POLICIES, willingness: [] } }), (e: unknown) => {
      assert.ok(isAddinError(e, 'INVALID_ARGUMENT'));
      assert.deepEqual(keys(e.details!.problems as FormProblem[]), [
        'error:problem.deadlinePast', 'error:problem.markerWithoutSigner', 'error:problem.mobileInvalid#0', 'error:problem.nameRequired#0',
        'error:problem.orderInvalid#0', 'error:problem.titleRequired', 'error:problem.willingnessRequired',
      ]);
      return true;
    });
    assert.equal(f.gateway.exportCount, 0);
    assert.equal(f.api.files.size, 0);
  });
});

describe('checkSendRequest', () => {
  it('warns, without blocking, about a signer whose role has no marker; and refuses two signers with one role', async () => {
    const f = await draftedAgreement();
    const outline = await readOutline(f.gateway);
    const signers = [...twoSigners(), { kind: 'person' as const, name: 'Wang Wu', mobile: '13700137000', role: 'witness', order: 3 }];
    assert.deepEqual(keys(checkSendRequest({ title: 'T', signers, policies: DEFAULT_POLICIES }, outline)), ['warning:problem.roleUnmarked#2']);
    signers[2].role = 'partyA';
    assert.deepEqual(keys(checkSendRequest({ title: 'T', signers, policies: DEFAULT_POLICIES }, outline)), ['error:problem.roleTaken#2']);
  });

  it('wants an enterprise for an organization, whose mobile (the operator\'s) is optional but must be valid when given', async () => {
    const f = await draftedAgreement();
    const outline = await readOutline(f.gateway);
    const [a, b] = twoSigners();
    assert.deepEqual(keys(checkSendRequest({ title: 'T', signers: [a, { ...b, mobile: '' }], policies: DEFAULT_POLICIES }, outline)), []);
    assert.deepEqual(keys(checkSendRequest({ title: 'T', signers: [a, { ...b, enterpriseId: ' ', mobile: '1390013' }], policies: DEFAULT_POLICIES }, outline)), [
      'error:problem.enterpriseRequired#1', 'error:problem.mobileInvalid#1',
    ]);
  });

  it('accepts the drafted agreement with its two signers', async () => {
    const f = await draftedAgreement();
    assert.deepEqual(checkSendRequest({ title: 'T', signers: twoSigners(), deadline: future(), policies: DEFAULT_POLICIES }, await readOutline(f.gateway)), []);
  });
});

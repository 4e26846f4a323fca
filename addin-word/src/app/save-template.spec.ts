import assert from 'node:assert/strict';
import { isAddinError } from '../addin-error.js';
import { FakeSignetApi } from '../api/fake-signet-api.js';
import { FakeOfficeGateway } from '../office/fake-gateway.js';
import { draftedAgreement } from '../testing/app-fixture.js';
import { sampleAgreement } from '../testing/sample-document.js';
import { saveAsTemplate } from './save-template.js';

describe('saveAsTemplate', () => {
  it('uploads the PDF and publishes it with a signature or seal field at each marker', async () => {
    const f = await draftedAgreement();
    f.gateway.placeCursorAfter('Date: ');
    await f.gateway.insertPartyMarker('date', 'partyA');
    const tpl = await saveAsTemplate(f, { name: ' Service agreement ' });
    assert.equal(tpl.name, 'Service agreement');
    const sent = f.api.createdTemplates[0];
    assert.deepEqual(sent.fields, [
      { kind: 'signature', role: 'partyA', anchorText: 'signet:sign:partyA' },
      { kind: 'seal', role: 'partyB', anchorText: 'signet:seal:partyB' },
    ], 'date markers are not template fields');
    const file = f.api.files.get(sent.fileId)!;
    assert.equal(file.name, 'Service agreement.pdf');
    assert.equal(Buffer.from(file.bytes.subarray(0, 5)).toString(), '%PDF-');
    assert.deepEqual((await f.api.listTemplates('service')).map((t) => [t.id, t.roles]), [[tpl.id, ['partyA', 'partyB']]]);
  });

  it('refuses a document without markers, a blank name, and a Word that exports only DOCX, uploading nothing', async () => {
    const api = new FakeSignetApi({ loggedIn: true });
    await api.session();
    await assert.rejects(saveAsTemplate({ gateway: new FakeOfficeGateway(sampleAgreement()), api }, { name: 'X' }), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
    const f = await draftedAgreement({ pdfExport: false });
    await assert.rejects(saveAsTemplate(f, { name: 'X' }), (e: unknown) => isAddinError(e, 'OFFICE_UNSUPPORTED') && /signs PDFs only/.test(e.message));
    await assert.rejects(saveAsTemplate(f, { name: '  ' }), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
    assert.equal(f.api.files.size + api.files.size, 0);
    assert.equal(f.gateway.exportCount, 0);
  });
});

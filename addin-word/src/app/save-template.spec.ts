import assert from 'node:assert/strict';
import { isAddinError } from '../addin-error.js';
import { FakeSignetApi } from '../api/fake-signet-api.js';
import { FakeOfficeGateway } from '../office/fake-gateway.js';
import { draftedAgreement } from '../testing/app-fixture.js';
import { sampleAgreement } from '../testing/sample-document.js';
import { saveAsTemplate } from './save-template.js';

describe('saveAsTemplate', () => {
  it('publishes the PDF with the document\'s variables and anchors', async () => {
    const f = await draftedAgreement();
    const tpl = await saveAsTemplate(f, { name: ' Service agreement ', description: ' Standard ' });
    assert.equal(tpl.name, 'Service agreement');
    const sent = f.api.createdTemplates[0];
    assert.deepEqual(sent.variables, ['partyAName']);
    assert.deepEqual(sent.fields.map((x) => x.anchorText), ['signet:sign:partyA', 'signet:seal:partyB']);
    assert.equal(sent.description, 'Standard');
    assert.equal(f.api.files.get(sent.fileId)!.format, 'pdf');
    assert.ok((await f.api.listTemplates('service')).some((t) => t.id === tpl.id));
  });

  it('refuses a document without markers, and a Word that cannot export PDF', async () => {
    const api = new FakeSignetApi({ loggedIn: true });
    await api.session();
    await assert.rejects(saveAsTemplate({ gateway: new FakeOfficeGateway(sampleAgreement()), api }, { name: 'X' }), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
    const f = await draftedAgreement({ pdfExport: false });
    await assert.rejects(saveAsTemplate(f, { name: 'X' }), (e: unknown) => isAddinError(e, 'OFFICE_UNSUPPORTED'));
    await assert.rejects(saveAsTemplate(f, { name: '  ' }), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
    assert.equal(f.api.files.size, 0);
  });
});

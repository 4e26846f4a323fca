import assert from 'node:assert/strict';
import { FakeOfficeGateway } from '../office/fake-gateway.js';
import { sampleAgreement } from '../testing/sample-document.js';
import { CONTRACT_IDS_PROPERTY, readContractIds, rememberContract } from './contract-ids.js';

describe('contract ids in the document', () => {
  it('keeps the newest first, without duplicates, in the SignetContractIds property', async () => {
    const g = new FakeOfficeGateway(sampleAgreement());
    await rememberContract(g, 'c1');
    await rememberContract(g, 'c2');
    await rememberContract(g, 'c1');
    assert.deepEqual(await readContractIds(g), ['c1', 'c2']);
    assert.equal(g.properties.get(CONTRACT_IDS_PROPERTY), 'c1,c2');
  });

  it('drops the oldest ids so the value fits Word\'s 255 characters', async () => {
    const g = new FakeOfficeGateway(sampleAgreement());
    for (let i = 0; i < 40; i++) await rememberContract(g, `contract-${String(i).padStart(3, '0')}`);
    const value = g.properties.get(CONTRACT_IDS_PROPERTY)!;
    assert.ok(value.length <= 255);
    const ids = await readContractIds(g);
    assert.equal(ids[0], 'contract-039');
    assert.equal(ids.length, Math.floor((255 + 1) / 13));
  });
});

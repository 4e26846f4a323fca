import assert from 'node:assert/strict';
import { isAddinError } from '../addin-error.js';
import { draftedAgreement } from '../testing/app-fixture.js';
import { fillAll, variableForm } from './fill-variables.js';

describe('filling variables', () => {
  it('lists each variable once with its controls, and fills them all', async () => {
    const f = await draftedAgreement();
    f.gateway.placeCursorAfter('pays a monthly fee of 10000 CNY.');
    await f.gateway.insertVariable('partyAName', 'Acme Trading Ltd');
    const rows = await variableForm(f);
    assert.deepEqual(rows.map((r) => [r.name, r.controlIds.length, r.value]), [['partyAName', 2, 'Acme Trading Ltd']]);
    const out = await fillAll(f, { partyAName: ' Shanghai Example Tech Co ' });
    assert.equal(out.filledControls, 2);
    assert.equal(f.gateway.text().split('Shanghai Example Tech Co').length - 1, 2);
  });

  it('refuses a form where every value is empty', async () => {
    const f = await draftedAgreement();
    await assert.rejects(fillAll(f, { partyAName: '  ' }), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
  });
});

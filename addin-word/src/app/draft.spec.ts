import assert from 'node:assert/strict';
import { paymentClause } from '../testing/sample-document.js';
import { draftedAgreement } from '../testing/app-fixture.js';
import { readOutline } from './document-outline.js';
import { insertClause, insertVariableAtCursor, loadLibrary, makeVariable, markParty } from './draft.js';
import { fillAll } from './fill-variables.js';

describe('drafting', () => {
  it('loads templates and clauses, filtered by the query', async () => {
    const f = await draftedAgreement();
    const all = await loadLibrary(f);
    assert.ok(all.templates.length >= 2 && all.clauses.length >= 2);
    const nda = await loadLibrary(f, 'nda');
    assert.deepEqual(nda.templates.map((t) => t.id), ['tpl-nda']);
  });

  it('inserts a clause and reports the variable it brought into the outline', async () => {
    const f = await draftedAgreement();
    f.gateway.placeCursorAfter('10000 CNY.');
    const outline = await insertClause(f, paymentClause());
    assert.deepEqual(outline.variables.map((v) => v.name), ['partyAName', 'paymentDays']);
  });

  it('makes a variable and marks parties, trimming the names', async () => {
    const f = await draftedAgreement();
    f.gateway.select('Beta Consulting LLC');
    await makeVariable(f, ' partyBName ');
    f.gateway.placeCursorAfter('Date: ');
    await markParty(f, 'date', ' partyA ');
    const o = await readOutline(f.gateway);
    assert.deepEqual(o.variables.map((v) => v.name), ['partyAName', 'partyBName']);
    assert.deepEqual(o.markers.map((m) => m.anchorText), ['signet:sign:partyA', 'signet:seal:partyB', 'signet:date:partyA']);
    assert.deepEqual(o.roles, ['partyA', 'partyB']);
  });
});

describe('inserting a template\'s variable', () => {
  it('puts a [name] placeholder control at the cursor, which filling then replaces', async () => {
    const f = await draftedAgreement();
    f.gateway.placeCursorAfter('for twelve months from ');
    await insertVariableAtCursor(f, 'startDate');
    assert.match(f.gateway.text(), /for twelve months from \[startDate\]the start date/);
    await fillAll(f, { startDate: '2026-01-01 ' });
    assert.match(f.gateway.text(), /from 2026-01-01the start date/);
  });
});

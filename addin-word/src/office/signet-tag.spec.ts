import assert from 'node:assert/strict';
import { isAddinError } from '../addin-error.js';
import { formatTag, parseTag } from './signet-tag.js';

describe('Signet tags', () => {
  it('formats and parses variables (any script) and party markers (ASCII roles)', () => {
    for (const tag of [{ kind: 'var', name: '甲方名称' }, { kind: 'var', name: 'fee.monthly' }, { kind: 'sign', role: 'partyA' }, { kind: 'seal', role: 'employer_1' }, { kind: 'date', role: 'b-2' }] as const) {
      assert.deepEqual(parseTag(formatTag(tag)), tag);
    }
    assert.equal(formatTag({ kind: 'sign', role: 'partyA' }), 'signet:sign:partyA');
  });

  it('ignores tags that are not Signet\'s or are malformed', () => {
    for (const t of ['', 'signet:', 'signet:var:', 'signet:sign:1abc', 'signet:stamp:partyA', 'other:var:x', 'signet:var:a b', 'signet:sign:甲方']) {
      assert.equal(parseTag(t), undefined, t);
    }
  });

  it('refuses a role that is not ASCII, since it becomes anchor text in the PDF', () => {
    assert.throws(() => formatTag({ kind: 'sign', role: '甲方' }), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT') && e.details?.field === 'role');
    assert.throws(() => formatTag({ kind: 'var', name: 'x'.repeat(41) }), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT') && e.details?.field === 'name');
  });
});

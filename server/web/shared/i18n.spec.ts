import assert from 'node:assert/strict';
import { signStrings } from '../sign/sign-strings.js';
import { verifyStrings } from '../verify/verify-strings.js';
import { fill, mergeStrings, translator, type Strings } from './i18n.js';
import { sharedStrings } from './strings.js';

const AREAS: Record<string, Strings<string>> = { shared: sharedStrings, sign: signStrings, verify: verifyStrings };
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the pages\' strings (zh-CN first, English alongside)', () => {
  for (const [area, strings] of Object.entries(AREAS)) {
    it(`${area}: every key has a non-empty Chinese and English text with the same placeholders`, () => {
      assert.deepEqual(Object.keys(strings.en).sort(), Object.keys(strings['zh-CN']).sort());
      for (const [k, zh] of Object.entries(strings['zh-CN'])) {
        const en = strings.en[k];
        assert.ok(zh.trim() && en.trim(), `${area} ${k} is translated`);
        assert.deepEqual(placeholders(en), placeholders(zh), `${area} ${k} fills the same placeholders`);
      }
    });
  }

  it('the areas do not reuse each other\'s keys', () => {
    const seen = new Map<string, string>();
    for (const [area, strings] of Object.entries(AREAS)) {
      for (const k of Object.keys(strings['zh-CN'])) {
        assert.ok(!seen.has(k), `${k} is in ${seen.get(k)} and ${area}`);
        seen.set(k, area);
      }
    }
  });

  it('fills placeholders and leaves unknown ones as written', () => {
    assert.equal(fill('第 {page} / {pages} 页', { page: 2, pages: 9 }), '第 2 / 9 页');
    assert.equal(fill('{a} {b}', { a: 'x' }), 'x {b}');
    const t = translator(mergeStrings(sharedStrings, signStrings), 'en');
    assert.equal(t('sign.will.resendIn', { seconds: 42 }), 'Send again in 42 s');
  });
});

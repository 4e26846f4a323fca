import assert from 'node:assert/strict';
import { DICTIONARIES, LANGS, initialLang, translate } from './i18n.js';
import { zhCN } from './zh-cn.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n', () => {
  it('translates every key into every language, with the same placeholders as zh-CN', () => {
    for (const lang of LANGS) {
      const d = DICTIONARIES[lang];
      assert.deepEqual(Object.keys(d).sort(), Object.keys(zhCN).sort(), lang);
      for (const [key, zh] of Object.entries(zhCN)) {
        const text = d[key as keyof typeof zhCN];
        assert.ok(text.trim().length > 0, `${lang} ${key} is empty`);
        assert.deepEqual(placeholders(text), placeholders(zh), `${lang} ${key}`);
      }
    }
  });

  it('keeps the zh-CN dictionary in Chinese where the English one is in English', () => {
    assert.match(translate('zh-CN', 'send.button'), /[\u4e00-\u9fff]/);
    assert.doesNotMatch(translate('en', 'send.button'), /[\u4e00-\u9fff]/);
  });

  it('fills placeholders and leaves unknown ones as written', () => {
    assert.equal(translate('en', 'send.sent', { id: 'c7' }), 'Sent: contract c7');
    assert.equal(translate('zh-CN', 'send.sent'), '已发送，合同编号 {id}');
  });

  it('starts in a saved language, else English for an English Office, else zh-CN', () => {
    assert.equal(initialLang('en', 'zh-CN'), 'en');
    assert.equal(initialLang(undefined, 'en-US'), 'en');
    assert.equal(initialLang(undefined, 'zh-TW'), 'zh-CN');
    assert.equal(initialLang('fr', undefined), 'zh-CN');
  });
});

import assert from 'node:assert/strict';
import { validateOrganizationName, validatePersonName } from './names.js';

describe('identity/names', () => {
  it('accepts Chinese, minority and Latin person names and collapses spaces', () => {
    for (const n of ['张三', '阿沛·阿旺晋美', 'Bob  Li', "O'Neil-Smith"]) assert.equal(validatePersonName(n).ok, true, n);
    assert.equal(validatePersonName('  Bob   Li ').name, 'Bob Li');
  });

  it('rejects one-character, digit-bearing and overlong person names', () => {
    for (const n of ['张', '张3', '<script>', 'x'.repeat(51), '']) assert.equal(validatePersonName(n).ok, false, n);
  });

  it('accepts organization names with either width of parentheses and rejects control characters', () => {
    assert.equal(validateOrganizationName('示例（上海）科技有限公司').ok, true);
    assert.equal(validateOrganizationName('Example (Shanghai) Co., Ltd.').ok, true);
    assert.equal(validateOrganizationName('坏\u0000名').ok, false);
    assert.equal(validateOrganizationName('X').ok, false);
  });
});

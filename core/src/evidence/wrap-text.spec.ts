import assert from 'node:assert/strict';
import { wrapText } from './wrap-text.js';

// Every character is 1 unit wide, a CJK character 2: enough to state the rules.
const measure = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);

describe('evidence/wrapText', () => {
  it('breaks Latin text at spaces and keeps words whole', () => {
    assert.deepEqual(wrapText('the quick brown fox', 10, measure), ['the quick', 'brown fox']);
  });

  it('breaks Chinese text between any two characters', () => {
    assert.deepEqual(wrapText('上海示例科技有限公司', 8, measure), ['上海示例', '科技有限', '公司']);
  });

  it('breaks a token longer than the line (a hash) character by character', () => {
    assert.deepEqual(wrapText('abcdefghij', 4, measure), ['abcd', 'efgh', 'ij']);
  });

  it('never starts a line with closing punctuation: it hangs on the previous line', () => {
    assert.deepEqual(wrapText('合同已签署，请查收', 10, measure), ['合同已签署，', '请查收']);
  });

  it('honours explicit line breaks and never returns an empty list', () => {
    assert.deepEqual(wrapText('a\nb', 10, measure), ['a', 'b']);
    assert.deepEqual(wrapText('', 10, measure), ['']);
  });
});

import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { parseTemplate, validateTemplate, type TemplateDefinition } from './template-definition.js';

const rect = { x: 100, y: 700, w: 200, h: 20 };
const template: TemplateDefinition = {
  id: 'nda', name: '保密协议 NDA', basePdf: 'nda.pdf',
  fields: [
    { name: 'employee', type: 'text', page: 1, rect, maxLength: 20 },
    { name: 'employeeAgain', type: 'text', variable: 'employee', page: 2, rect },
    { name: 'startDate', type: 'date', page: 1, rect: { ...rect, y: 650 } },
    { name: 'salary', type: 'number', page: 1, rect: { ...rect, y: 600 }, min: 0, max: 1_000_000 },
    { name: 'bonus', type: 'number', page: 1, rect: { ...rect, y: 550 }, required: false },
    { name: 'agree', type: 'checkbox', page: 1, rect: { x: 100, y: 500, w: 12, h: 12 } },
    { name: 'remarks', type: 'text', page: 1, rect: { ...rect, y: 450 }, required: false },
    { name: 'employeeSign', type: 'signature', role: 'employee', anchor: { text: '乙方（签字）：' } },
  ],
};

describe('template/validateTemplate()', () => {
  it('accepts a well-formed definition', () => {
    assert.deepEqual(validateTemplate(template), []);
    assert.equal(parseTemplate(JSON.parse(JSON.stringify(template))).id, 'nda');
  });

  it('reports every problem of a broken definition with its JSON pointer and field name', () => {
    const broken = {
      id: 'x', name: '', basePdf: 'x.pdf',
      fields: [
        { name: 'a', type: 'text', page: 0, rect: { x: 0, y: 0, w: -1, h: 10 } },
        { name: 'a', type: 'date', page: 1, rect, format: 'nothing' },
        { name: 'b', type: 'photo', page: 1, rect },
        { name: 'c', type: 'signature', page: 1, rect },
        { name: 'd', type: 'text', page: 1, rect, anchor: { text: 'x', width: 1, height: 1 } },
        { name: 'e', type: 'text', anchor: { text: 'x' } },
        { name: 'f', type: 'number', variable: 'a', page: 1, rect, format: { decimals: 12, style: 'roman' } },
        { name: 'g', type: 'text', page: 1, rect, fontSize: 8, minFontSize: 10, align: 'justify', color: 'red' },
      ],
    };
    const problems = validateTemplate(broken);
    const at = (path: string) => problems.filter((p) => p.path === path);
    assert.equal(at('/name').length, 1);
    assert.equal(at('/fields/0/page')[0].field, 'a');
    assert.equal(at('/fields/0/rect')[0].field, 'a');
    assert.equal(at('/fields/1/name')[0].code, 'duplicate-field');
    assert.equal(at('/fields/1/format').length, 1);
    assert.match(at('/fields/2/type')[0].message, /unknown type "photo"/);
    assert.match(at('/fields/3/role')[0].message, /role/);
    assert.match(at('/fields/4')[0].message, /both page\/rect and anchor/);
    assert.deepEqual(at('/fields/5/anchor/width').map((p) => p.field), ['e']);
    assert.equal(at('/fields/6/variable')[0].code, 'conflicting-variable');
    assert.equal(at('/fields/6/format/decimals').length, 1);
    assert.equal(at('/fields/6/format/style').length, 1);
    for (const k of ['minFontSize', 'align', 'color']) assert.equal(at(`/fields/7/${k}`).length, 1, k);
    for (const p of problems) assert.match(p.message, /[\u4e00-\u9fff].* \/ /, 'zh-CN first, English alongside');
  });

  it('parseTemplate() throws one TEMPLATE_INVALID listing the problems in its message and details', () => {
    assert.throws(() => parseTemplate({ id: 'x', fields: 'none' }), (e: unknown) => {
      assert.ok(isSignetError(e, 'TEMPLATE_INVALID'));
      const problems = e.details!.problems as unknown[];
      assert.equal(problems.length, 3);
      assert.match(e.message, /3 problems/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  });
});

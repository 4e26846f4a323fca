import assert from 'node:assert/strict';
import type { TemplateDefinition } from './template-definition.js';
import { describeVariables, displayValue, validateVariables } from './validate-variables.js';

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

describe('template/validateVariables()', () => {
  it('accepts complete, well-typed variables; optional ones may be absent', () => {
    assert.deepEqual(validateVariables(template, { employee: '张三', startDate: '2026-01-05', salary: '12500.00', agree: true }), []);
  });

  it('reports every problem at once, each with its field and variable', () => {
    const problems = validateVariables(template, {
      employee: 42, startDate: '2026-02-30', salary: '12,500', agree: 'yes', bonus: -1, extra: 'x', employeeSign: 'me',
    });
    const byVar = new Map(problems.map((p) => [p.variable, p]));
    assert.equal(byVar.get('employee')!.code, 'wrong-type');
    assert.equal(byVar.get('employee')!.field, 'employee', 'reported once, on the first field reading it');
    assert.equal(problems.filter((p) => p.variable === 'employee').length, 1);
    assert.equal(byVar.get('startDate')!.code, 'invalid-date');
    assert.equal(byVar.get('salary')!.code, 'invalid-number');
    assert.equal(byVar.get('agree')!.code, 'wrong-type');
    assert.equal(byVar.get('bonus'), undefined, 'a negative bonus is allowed: it has no min');
    assert.equal(byVar.get('extra')!.code, 'unknown-variable');
    assert.match(byVar.get('employeeSign')!.message, /field that takes no variable/);
    assert.equal(byVar.get('employee')!.path, '/vars/employee');
  });

  it('reports a missing required variable, an empty required text, a value out of range and one too long', () => {
    const problems = validateVariables(template, { employee: '  ', salary: 2_000_000, agree: false });
    assert.deepEqual(problems.map((p) => [p.variable, p.code]).sort(), [['employee', 'missing-variable'], ['salary', 'out-of-range'], ['startDate', 'missing-variable']]);
    const long = validateVariables(template, { employee: '很'.repeat(21), startDate: '2026-01-05', salary: 1, agree: true });
    assert.deepEqual(long.map((p) => p.code), ['too-long']);
  });

  it('accepts variables used by other templates of a bundle when told they are known', () => {
    const vars = { employee: '张三', startDate: '2026-01-05', salary: 1, agree: true, ndaYears: 2 };
    assert.equal(validateVariables(template, vars).length, 1);
    assert.deepEqual(validateVariables(template, vars, { knownVariables: new Set(['ndaYears']) }), []);
  });

  it('describes the variables a template reads, for forms and the HR mapping', () => {
    const vars = describeVariables(template);
    assert.deepEqual(vars.map((v) => [v.name, v.type, v.required]), [
      ['employee', 'text', true], ['startDate', 'date', true], ['salary', 'number', true], ['bonus', 'number', false], ['agree', 'checkbox', true], ['remarks', 'text', false],
    ]);
    assert.deepEqual(vars[0].fields, ['employee', 'employeeAgain']);
  });

  it('turns values into the text their fields show', () => {
    const f = template.fields;
    assert.equal(displayValue(f[2] as never, '2026-01-05'), '2026年01月05日');
    assert.equal(displayValue(f[3] as never, 12500), '12500');
    assert.equal(displayValue(f[0] as never, 'a\r\nb\u0007'), 'a\nb');
    assert.equal(displayValue(f[4] as never, undefined), undefined);
  });
});

import assert from 'node:assert/strict';
import { describeVariables, type TemplateDefinition } from '@signet/core';
import { cjkFontBytes } from '@signet/test-support';
import { launchBizNo, parseDateCell, parseNumberCell, prepareLaunch, type LaunchPlan } from './employee-launch.js';
import { readEmployeeFile } from './employee-file.js';
import { sampleEmployeeRow, sampleHrMapping, sampleHrTemplates, SAMPLE_CSV_HEADER } from './sample-bundle.js';

describe('prepareLaunch', () => {
  let plan: LaunchPlan;
  before(() => {
    const templates = sampleHrTemplates(cjkFontBytes());
    const definitions = templates.map((t) => t.definition);
    plan = {
      mapping: sampleHrMapping({ bundleId: 'bdl_1', enterpriseId: 'ent_1', enterpriseName: '上海示例科技有限公司', uscc: '91310000MA1FL4CT3X', sealId: 'seal_1' }),
      bundle: { id: 'bdl_1', name: '入职合同组合', templates: templates.map((t, i) => ({ id: `tpl_${i}`, name: t.name, roles: ['company', 'employee'], variables: describeVariables(t.definition as TemplateDefinition) })) },
      definitions,
    };
  });
  const csv = (rows: string[][]) => readEmployeeFile(new TextEncoder().encode([SAMPLE_CSV_HEADER, ...rows].map((r) => r.join(',')).join('\n')));

  it('turns a row into the employee, the entity and variables in the templates\' types, with the bizNo of employee × bundle × period', () => {
    const row = sampleEmployeeRow(0);
    row[SAMPLE_CSV_HEADER.indexOf('月薪')] = '"12,500.00"';
    const r = prepareLaunch(plan, csv([row]).records[0]);
    assert.deepEqual(r.problems, []);
    const l = r.launch!;
    assert.equal(l.key, 'E000001');
    assert.equal(l.mobile, '13900000011');
    assert.equal(l.period, '2026');
    assert.equal(l.bizNo, 'hr:bdl_1:2026:E000001');
    assert.equal(l.title, `${l.name} 入职合同组合 2026`);
    assert.equal(l.expiresAt, '2029-03-01');
    assert.equal(l.entity.code, 'SH');
    assert.deepEqual(
      { startDate: l.vars.startDate, salary: l.vars.salary, standardHours: l.vars.standardHours, employer: l.vars.employer, contractNo: l.vars.contractNo, probationMonths: l.vars.probationMonths },
      { startDate: '2026-03-02', salary: '12500.00', standardHours: true, employer: '上海示例科技有限公司', contractNo: 'HT-2026-E000001', probationMonths: '3' },
    );
  });

  it('reports every problem of a bad row with its line, column and why, echoing no personal data', () => {
    const row = sampleEmployeeRow(1);
    const set = (col: string, v: string) => {
      row[SAMPLE_CSV_HEADER.indexOf(col)] = v;
    };
    set('手机号', '1391234');
    set('身份证号', '110101199003071234');
    set('入职日期', '2026/2/30');
    set('月薪', '八千');
    set('用工主体', 'BJ');
    const file = csv([sampleEmployeeRow(0), row]);
    const r = prepareLaunch(plan, file.records[1]);
    assert.equal(r.launch, undefined);
    const byColumn = Object.fromEntries(r.problems.map((p) => [p.column, p]));
    assert.deepEqual(Object.keys(byColumn).sort(), ['入职日期', '手机号', '月薪', '用工主体', '身份证号'].sort());
    for (const p of r.problems) assert.equal(p.line, 3);
    assert.match(byColumn.手机号.message, /11 digits/);
    assert.match(byColumn.身份证号.message, /ID number is not valid/);
    assert.match(byColumn.入职日期.message, /not a valid date/);
    assert.match(byColumn.用工主体.message, /"BJ" is not in the mapping/);
    for (const p of r.problems) assert.doesNotMatch(p.message, /1391234|110101199003071234/);
  });

  it('reads dates and numbers as HR exports write them', () => {
    assert.deepEqual(['2026-03-02', '2026/3/2', '2026.3.2', '2026年3月2日', '20260302', '2026-03-02T00:00:00+08:00', 46083].map(parseDateCell), Array(7).fill('2026-03-02'));
    assert.equal(parseDateCell('2026/2/29'), undefined);
    assert.deepEqual(['12,500.00', '¥12500', '12500元', ' 12 500 '].map(parseNumberCell), ['12500.00', '12500', '12500', '12500']);
    assert.equal(parseNumberCell('1.2.3'), undefined);
  });

  it('keeps bizNo within 128 characters by hashing long periods and keys', () => {
    const long = launchBizNo('bdl_1', 'p'.repeat(40), 'k'.repeat(100));
    assert.ok(long.length <= 128);
    assert.equal(long, launchBizNo('bdl_1', 'p'.repeat(40), 'k'.repeat(100)));
    assert.notEqual(long, launchBizNo('bdl_1', 'p'.repeat(40), `${'k'.repeat(99)}x`));
  });
});

import assert from 'node:assert/strict';
import { describeVariables, isSignetError, type TemplateDefinition } from '@signet/core';
import { cjkFontBytes } from '@signet/test-support';
import { checkMappingAgainstBundle, missingColumns, parseHrMapping, validateHrMapping, type BundleInfo, type HrMapping } from './hr-mapping.js';
import { sampleHrMapping, sampleHrTemplates, SAMPLE_CSV_HEADER } from './sample-bundle.js';

describe('HR mapping', () => {
  let bundle: BundleInfo;
  let mapping: HrMapping;
  before(() => {
    const templates = sampleHrTemplates(cjkFontBytes());
    bundle = {
      id: 'bdl_1', name: '入职合同组合',
      templates: templates.map((t, i) => ({ id: `tpl_${i}`, name: t.name, roles: ['company', 'employee'], variables: describeVariables(t.definition as TemplateDefinition) })),
    };
    mapping = sampleHrMapping({ bundleId: 'bdl_1', enterpriseId: 'ent_1', enterpriseName: '上海示例科技有限公司', uscc: '91310000MA1FL4CT3X', sealId: 'seal_1' });
  });

  it('accepts the sample mapping against the sample bundle, and the sample CSV header has every column it reads', () => {
    assert.deepEqual(validateHrMapping(mapping), []);
    assert.deepEqual(checkMappingAgainstBundle(mapping, bundle), []);
    assert.deepEqual(missingColumns(mapping, SAMPLE_CSV_HEADER), []);
  });

  it('reports every shape problem at once, each with its JSON pointer', () => {
    const problems = validateHrMapping({
      name: '', bundleId: 'b', period: '2026', employee: { key: 'id', name: 'n' }, company: { entities: { A: { enterpriseId: 'e' }, B: { sealId: 's' } } },
      seal: 'sometimes', vars: { x: { field: 'a', value: 1 }, y: { field: 'b', type: 'money' } }, deadlineDays: 0,
    });
    assert.deepEqual(problems.map((p) => p.path).sort(), [
      '/company/entities/A/sealId', '/company/entities/B/enterpriseId', '/company/field', '/deadlineDays', '/employee/mobile', '/name', '/seal', '/vars/x', '/vars/y/type',
    ]);
    assert.throws(() => parseHrMapping({}), (e: unknown) => isSignetError(e, 'HR_MAPPING_INVALID') && Array.isArray(e.details?.problems));
  });

  it('finds unknown variables (with a spelling hint), missing required ones, type mismatches and uncovered roles in the templates', () => {
    const bad: HrMapping = {
      ...mapping,
      roles: { company: 'employer', employee: 'employee' },
      vars: { ...mapping.vars, Salary: '月薪', startDate: { field: '入职日期', type: 'number' }, standardHours: { value: '是' }, probationMonths: { field: '试用期（月）', default: 'three' } },
    };
    delete (bad.vars as Record<string, unknown>).employeeId;
    const problems = checkMappingAgainstBundle(bad, bundle);
    const by = (code: string) => problems.filter((p) => p.code === code);
    assert.deepEqual(by('unknown-variable').map((p) => p.variable), ['Salary']);
    assert.match(by('unknown-variable')[0].message, /did you mean "salary"/);
    assert.deepEqual(by('missing-variable').map((p) => p.variable), ['employeeId']);
    assert.deepEqual(by('wrong-type').map((p) => p.path).sort(), ['/vars/probationMonths/default', '/vars/standardHours/value', '/vars/startDate/type']);
    assert.ok(by('unknown-role').some((p) => /role "company"/.test(p.message)), 'the templates\' company role has no signer');
  });

  it('names the columns a file lacks, but not those with a default', () => {
    const m: HrMapping = { ...mapping, vars: { ...mapping.vars, workplace: { field: '工作地点', default: '上海' } } };
    assert.deepEqual(missingColumns(m, SAMPLE_CSV_HEADER.filter((c) => c !== '手机号' && c !== '工作地点')), ['手机号']);
  });
});

/**
 * A sample onboarding bundle (入职合同组合) to try the connector with, and to measure it: the
 * 3-page labor contract of `@signet/core/testing`, a one-page NDA (保密协议) and a one-page
 * employee handbook acknowledgement (员工手册确认书), each with the company's seal and the
 * employee's signature; a mapping for them; and an employee CSV in the columns an HRM exports.
 * `signet hr demo`, the connector's specs and `npm run bench -- hr` use it.
 */
import { FontProgram, FontSubset, PdfDict, PdfDocumentBuilder, sampleIdCardNumber, type TemplateDefinition, type TemplateField } from '@signet/core';
import { sampleLaborContract } from '@signet/core/testing';
import type { HrMapping } from './hr-mapping.js';

/** One template of the sample bundle: its name, definition and base PDF. */
export interface SampleTemplateFile {
  name: string;
  definition: TemplateDefinition;
  basePdf: Uint8Array;
}

function onePager(font: FontProgram, id: string, title: string, body: string[], fields: TemplateField[]): SampleTemplateFile {
  const b = new PdfDocumentBuilder();
  const subset = new FontSubset(font, b);
  const resources = new PdfDict({ Font: new PdfDict({ F1: subset.ref }) });
  const text = (x: number, y: number, size: number, s: string, gray = 0) => `BT /F1 ${size} Tf ${gray} g ${x} ${y} Td ${subset.encode(s)} Tj ET\n`;
  let content = text(200, 780, 20, title);
  body.forEach((line, i) => {
    content += text(72, 730 - i * 22, 11, line);
  });
  content += text(72, 300, 12, '甲方（盖章）：') + text(320, 300, 12, '乙方（签字）：') + text(72, 200, 12, '日期：');
  content += text(410, 260, 1, 'signet:sign:employee', 1);
  b.addPage({ width: 595, height: 842, resources, content });
  subset.finish();
  b.setInfo({ Title: title, Producer: 'Signet' });
  return {
    name: title,
    definition: { schema: 'signet.template.v1', id, name: title, basePdf: `${id}.pdf`, defaults: { fontSize: 12, minFontSize: 6 }, fields },
    basePdf: b.build(),
  };
}

/** The three templates of the sample bundle. */
export function sampleHrTemplates(fontBytes: Uint8Array): SampleTemplateFile[] {
  const font = FontProgram.load(fontBytes);
  const labor = sampleLaborContract(font);
  const seal = (role: string): TemplateField => ({ name: 'companySeal', type: 'seal', role, anchor: { text: '甲方（盖章）：', placement: 'right', offsetY: -30 } });
  const sign: TemplateField = { name: 'employeeSignature', type: 'signature', role: 'employee', anchor: { text: 'signet:sign:employee', placement: 'center', width: 150, height: 50 } };
  const nda = onePager(font, 'nda', '保密协议', [
    '甲方：', '乙方：', '身份证号码：', '乙方承诺对在职期间知悉的甲方商业秘密承担保密义务，', '保密期限自本协议签订之日起至离职后两年止。',
  ], [
    { name: 'employer', type: 'text', page: 1, rect: { x: 120, y: 724, w: 400, h: 20 } },
    { name: 'employee', type: 'text', page: 1, rect: { x: 120, y: 702, w: 400, h: 20 } },
    { name: 'employeeId', type: 'text', page: 1, rect: { x: 160, y: 680, w: 360, h: 20 } },
    { name: 'signDate', type: 'date', page: 1, rect: { x: 120, y: 196, w: 200, h: 20 } },
    seal('company'), sign,
  ]);
  const handbook = onePager(font, 'handbook', '员工手册确认书', [
    '本人：', '所在部门：', '本人已收到并阅读《员工手册》，理解并同意遵守其中的各项规定。',
  ], [
    { name: 'employee', type: 'text', page: 1, rect: { x: 120, y: 724, w: 400, h: 20 } },
    { name: 'department', type: 'text', page: 1, rect: { x: 140, y: 702, w: 380, h: 20 } },
    { name: 'signDate', type: 'date', page: 1, rect: { x: 120, y: 196, w: 200, h: 20 } },
    seal('company'), sign,
  ]);
  return [{ name: '劳动合同', definition: labor.template, basePdf: labor.basePdf }, nda, handbook];
}

/** The sample mapping for the sample bundle and {@link sampleEmployeesCsv}'s columns. */
export function sampleHrMapping(p: { bundleId: string; enterpriseId: string; enterpriseName: string; uscc: string; sealId: string; period?: string }): HrMapping {
  return {
    schema: 'signet.hr-mapping.v1',
    name: '入职合同组合',
    bundleId: p.bundleId,
    period: p.period ?? '{startDate:YYYY}',
    title: '{employee.name} 入职合同组合 {period}',
    employee: { key: '工号', name: '姓名', mobile: '手机号', idNumber: '身份证号' },
    company: { field: '用工主体', default: 'SH', entities: { SH: { enterpriseId: p.enterpriseId, name: p.enterpriseName, sealId: p.sealId, uscc: p.uscc } } },
    seal: 'before',
    vars: {
      contractNo: { template: 'HT-{period}-{工号}' },
      employer: { company: 'name' },
      employerUscc: { company: 'uscc' },
      employee: '姓名',
      employeeId: '身份证号',
      employeePhone: '手机号',
      position: '岗位',
      department: '部门',
      workplace: '工作地点',
      startDate: '入职日期',
      endDate: '合同到期日',
      probationMonths: '试用期（月）',
      salary: '月薪',
      standardHours: { value: true },
      flexibleHours: { value: false },
      socialInsurance: { value: true },
      signDate: '入职日期',
    },
    expiresAt: '合同到期日',
    deadlineDays: 14,
    reminders: { daysBefore: [60, 30] },
  };
}

/** The CSV header of {@link sampleEmployeesCsv}. */
export const SAMPLE_CSV_HEADER = ['工号', '姓名', '手机号', '身份证号', '部门', '岗位', '工作地点', '入职日期', '合同到期日', '试用期（月）', '月薪', '用工主体'];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '华', '慧'];
const DEPTS = ['研发部', '财务部', '市场部', '门店运营部', '人力资源部'];
const POSITIONS = ['店员', '收银员', '软件工程师', '会计', '区域经理'];

/**
 * One sample employee row (deterministic in `i`, from 0). Mobiles are `139` + 7 digits of the row
 * + `1`: unique, and never ending in 4 (the sandbox identity provider refuses those).
 */
export function sampleEmployeeRow(i: number, opts: { startDate?: string; endDate?: string } = {}): string[] {
  const n = i + 1;
  return [
    `E${String(n).padStart(6, '0')}`,
    `${SURNAMES[i % SURNAMES.length]}${GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]}`,
    `139${String(n % 10_000_000).padStart(7, '0')}1`,
    sampleIdCardNumber(n, { sequenceLastDigit: (n % 9) + (n % 9 >= 4 ? 1 : 0) }),
    DEPTS[i % DEPTS.length],
    POSITIONS[i % POSITIONS.length],
    '上海市浦东新区',
    opts.startDate ?? '2026/3/2',
    opts.endDate ?? '2029/3/1',
    '3',
    (8000 + (i % 50) * 100).toFixed(2),
    'SH',
  ];
}

/** A CSV of `rows` sample employees (UTF-8 with BOM and CRLF, as Excel saves "CSV UTF-8"). */
export function sampleEmployeesCsv(rows: number, opts: { startDate?: string; endDate?: string } = {}): string {
  const lines = [SAMPLE_CSV_HEADER.join(',')];
  for (let i = 0; i < rows; i++) lines.push(sampleEmployeeRow(i, opts).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

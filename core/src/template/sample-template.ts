/**
 * A sample three-page labor contract template (劳动合同) with 20 fields, built at run time: its base
 * PDF, its definition and a matching set of variables. Used by the template specs and by
 * `npm run bench`; exported from `@signet/core/testing`.
 */
import { FontProgram } from '../font/font-program.js';
import { FontSubset } from '../font/font-subset.js';
import { PdfDict } from '../pdf/objects.js';
import { PdfDocumentBuilder } from '../pdf/document-builder.js';
import type { TemplateDefinition, TemplateField } from './template-definition.js';
import type { TemplateVariables } from './validate-variables.js';

/** What {@link sampleLaborContract} returns. */
export interface SampleTemplate {
  template: TemplateDefinition;
  basePdf: Uint8Array;
  vars: TemplateVariables;
}

const W = 595;
const H = 842;

/**
 * Builds the sample: page 1 the parties and terms (13 fields), page 2 working hours and insurance
 * (4 fields), page 3 the signing block with a seal anchored at `甲方（盖章）：`, an employee
 * signature anchored at the tiny white tag `signet:sign:employee` (as the Word add-in exports it)
 * and a date (3 fields). `font` draws the labels; pass the CJK font the fill uses.
 */
export function sampleLaborContract(font: Uint8Array | FontProgram): SampleTemplate {
  const program = font instanceof FontProgram ? font : FontProgram.load(font);
  const b = new PdfDocumentBuilder();
  const subset = new FontSubset(program, b);
  const resources = new PdfDict({ Font: new PdfDict({ F1: subset.ref }) });
  const text = (x: number, y: number, size: number, s: string, gray = 0) => `BT /F1 ${size} Tf ${gray} g ${x} ${y} Td ${subset.encode(s)} Tj ET\n`;
  const line = (x: number, y: number, w: number) => `0.6 G 0.5 w ${x} ${y} m ${x + w} ${y} l S\n`;
  const box = (x: number, y: number, s: number) => `0 G 0.8 w ${x} ${y} ${s} ${s} re S\n`;

  const fields: TemplateField[] = [];
  const rows: [string, string, Partial<TemplateField>][] = [
    ['contractNo', '合同编号 No.', { type: 'text' }],
    ['employer', '甲方（用人单位）', { type: 'text' }],
    ['employerUscc', '统一社会信用代码', { type: 'text' }],
    ['employee', '乙方（劳动者）', { type: 'text' }],
    ['employeeId', '身份证号码', { type: 'text' }],
    ['employeePhone', '联系电话', { type: 'text' }],
    ['position', '工作岗位', { type: 'text' }],
    ['workplace', '工作地点', { type: 'text' }],
    ['startDate', '合同起始日期', { type: 'date' }],
    ['endDate', '合同终止日期', { type: 'date', format: 'YYYY-MM-DD' }],
    ['probationMonths', '试用期（月）', { type: 'number', format: { decimals: 0 } }],
    ['salary', '月工资（元）', { type: 'number', format: { decimals: 2, thousands: true, prefix: '¥' } }],
    ['salaryUpper', '月工资（大写）', { type: 'number', variable: 'salary', format: { style: 'rmb-upper' } } as Partial<TemplateField>],
  ];
  let p1 = text(220, 790, 22, '劳动合同书') + text(72, 760, 10, 'Labor contract (sample template)', 0.3);
  rows.forEach(([name, label, extra], i) => {
    const y = 712 - i * 40;
    p1 += text(72, y + 6, 11, label) + line(200, y, 320);
    fields.push({ name, label, page: 1, rect: { x: 200, y: y + 1, w: 320, h: 22 }, ...extra } as TemplateField);
  });
  b.addPage({ width: W, height: H, resources, content: p1 });

  let p2 = text(72, 780, 14, '第二条 工作时间和休息休假') + text(72, 700, 14, '第三条 社会保险') + text(72, 600, 14, '第四条 其他约定');
  p2 += box(90, 740, 12) + text(110, 742, 11, '标准工时制') + box(250, 740, 12) + text(270, 742, 11, '综合计算工时制');
  p2 += box(90, 660, 12) + text(110, 662, 11, '甲方依法为乙方缴纳社会保险');
  p2 += `0.6 G 0.5 w 72 460 450 120 re S\n`;
  fields.push(
    { name: 'standardHours', type: 'checkbox', page: 2, rect: { x: 90, y: 740, w: 12, h: 12 } },
    { name: 'flexibleHours', type: 'checkbox', page: 2, rect: { x: 250, y: 740, w: 12, h: 12 } },
    { name: 'socialInsurance', type: 'checkbox', page: 2, rect: { x: 90, y: 660, w: 12, h: 12 } },
    { name: 'otherTerms', type: 'text', page: 2, rect: { x: 72, y: 460, w: 450, h: 120 }, multiline: true, fontSize: 11, required: false },
  );
  b.addPage({ width: W, height: H, resources, content: p2 });

  let p3 = text(72, 780, 14, '第五条 签署');
  p3 += text(72, 600, 12, '甲方（盖章）：') + text(320, 600, 12, '乙方（签字）：');
  // The Word add-in's anchor: tiny white text where the employee signs.
  p3 += text(410, 560, 1, 'signet:sign:employee', 1);
  p3 += text(72, 420, 12, '签订日期：') + line(140, 418, 160);
  fields.push(
    { name: 'companySeal', type: 'seal', role: 'company', anchor: { text: '甲方（盖章）：', placement: 'right', offsetY: -30 } },
    { name: 'employeeSignature', type: 'signature', role: 'employee', anchor: { text: 'signet:sign:employee', placement: 'center', width: 150, height: 50 } },
    { name: 'signDate', type: 'date', page: 3, rect: { x: 140, y: 419, w: 160, h: 20 } },
  );
  b.addPage({ width: W, height: H, resources, content: p3 });
  subset.finish();
  b.setInfo({ Title: '劳动合同 Labor contract (sample)', Producer: 'Signet' });

  const template: TemplateDefinition = {
    schema: 'signet.template.v1', id: 'labor-contract', name: '劳动合同 Labor contract', basePdf: 'labor-contract.pdf',
    defaults: { fontSize: 12, minFontSize: 6 }, fields,
  };
  const vars: TemplateVariables = {
    contractNo: 'HT-2026-0001', employer: '上海示例科技有限公司', employerUscc: '91310000MA1FL4CT3X',
    employee: '张三', employeeId: '11010519491231002X', employeePhone: '185****5544', position: '高级软件工程师 Senior engineer',
    workplace: '上海市浦东新区张江高科技园区', startDate: '2026-01-05', endDate: '2029-01-04', probationMonths: 3, salary: '12500.00',
    standardHours: true, flexibleHours: false, socialInsurance: true,
    otherTerms: '乙方应遵守甲方依法制定的规章制度。The employee follows the company handbook; 双方另有约定的，从其约定。',
    signDate: '2026-01-05',
  };
  return { template, basePdf: b.build(), vars };
}

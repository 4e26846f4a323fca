/**
 * The demo enterprise's sample templates, drawn at run time with Signet's own PDF builder: a
 * two-page labor contract (劳动合同) and a one-page confidentiality agreement (保密协议), both signed
 * by the roles `company` (seal) and `employee` (signature). The signing places are anchors, as the
 * Word add-in makes them: the visible label 甲方（盖章）： for the seal, and the tiny white tag
 * `signet:sign:employee` for the employee's signature.
 */
import { FontProgram, FontSubset, PdfDict, PdfDocumentBuilder, type TemplateDefinition, type TemplateField } from '@signet/core';

/** A demo template: its name, definition and base PDF. */
export interface DemoTemplate {
  name: string;
  definition: TemplateDefinition;
  basePdf: Uint8Array;
}

const W = 595;
const H = 842;

/** A page writer over one font subset: text, rules and field lines. */
function writer(font: Uint8Array) {
  const b = new PdfDocumentBuilder();
  const subset = new FontSubset(FontProgram.load(font), b);
  const resources = new PdfDict({ Font: new PdfDict({ F1: subset.ref }) });
  return {
    b,
    resources,
    subset,
    text: (x: number, y: number, size: number, s: string, gray = 0) => `BT /F1 ${size} Tf ${gray} g ${x} ${y} Td ${subset.encode(s)} Tj ET\n`,
    line: (x: number, y: number, w: number) => `0.6 G 0.5 w ${x} ${y} m ${x + w} ${y} l S\n`,
  };
}

/** The signing block: seal label, signature label, the white anchor tag and a date line. */
function signingBlock(w: ReturnType<typeof writer>, y: number): string {
  return w.text(72, y, 12, '甲方（盖章）：') + w.text(320, y, 12, '乙方（签字）：')
    + w.text(410, y - 40, 1, 'signet:sign:employee', 1)
    + w.text(72, y - 140, 12, '签订日期：') + w.line(140, y - 142, 160);
}

const SIGNING_FIELDS = (page: number, y: number): TemplateField[] => [
  { name: 'companySeal', type: 'seal', role: 'company', anchor: { text: '甲方（盖章）：', placement: 'right', offsetY: -30 } },
  { name: 'employeeSignature', type: 'signature', role: 'employee', anchor: { text: 'signet:sign:employee', placement: 'center', width: 150, height: 50 } },
  { name: 'signDate', type: 'date', page, rect: { x: 140, y: y - 141, w: 160, h: 20 }, required: false },
];

/** 劳动合同: page 1 the parties and terms (9 fields), page 2 the clauses and the signing block. */
export function demoLaborContract(font: Uint8Array): DemoTemplate {
  const w = writer(font);
  const fields: TemplateField[] = [];
  const rows: [string, string, Partial<TemplateField>][] = [
    ['contractNo', '合同编号 No.', { type: 'text' }],
    ['employer', '甲方（用人单位）', { type: 'text' }],
    ['employee', '乙方（劳动者）', { type: 'text' }],
    ['position', '工作岗位', { type: 'text' }],
    ['workplace', '工作地点', { type: 'text' }],
    ['startDate', '合同起始日期', { type: 'date' }],
    ['endDate', '合同终止日期', { type: 'date' }],
    ['salary', '月工资（元）', { type: 'number', format: { decimals: 2, thousands: true, prefix: '¥' } }],
    ['salaryUpper', '月工资（大写）', { type: 'number', variable: 'salary', format: { style: 'rmb-upper' } } as Partial<TemplateField>],
  ];
  let p1 = w.text(230, 780, 22, '劳动合同书') + w.text(72, 750, 10, 'Labor contract (demo template of Signet)', 0.3);
  rows.forEach(([name, label, extra], i) => {
    const y = 700 - i * 44;
    p1 += w.text(72, y + 6, 11, label) + w.line(200, y, 320);
    fields.push({ name, label, page: 1, rect: { x: 200, y: y + 1, w: 320, h: 22 }, ...extra } as TemplateField);
  });
  w.b.addPage({ width: W, height: H, resources: w.resources, content: p1 });

  const clauses = [
    '第一条 乙方同意根据甲方工作需要，担任上述岗位工作。',
    '第二条 甲方依法为乙方缴纳社会保险，提供必要的劳动条件和劳动保护。',
    '第三条 乙方应遵守甲方依法制定的规章制度，保守甲方的商业秘密。',
    '第四条 本合同一式两份，双方各执一份，经双方签署后生效。',
  ];
  let p2 = w.text(72, 780, 14, '合同条款 Terms');
  clauses.forEach((c, i) => { p2 += w.text(72, 740 - i * 28, 11, c); });
  p2 += signingBlock(w, 560);
  fields.push(...SIGNING_FIELDS(2, 560));
  w.b.addPage({ width: W, height: H, resources: w.resources, content: p2 });
  w.subset.finish();
  w.b.setInfo({ Title: '劳动合同 Labor contract (demo)', Producer: 'Signet' });
  return {
    name: '劳动合同 Labor contract',
    definition: { schema: 'signet.template.v1', id: 'demo-labor-contract', name: '劳动合同 Labor contract', basePdf: 'labor-contract.pdf', defaults: { fontSize: 12, minFontSize: 6 }, fields },
    basePdf: w.b.build(),
  };
}

/** 保密协议: one page with the employee, the effective date and the signing block. */
export function demoConfidentialityAgreement(font: Uint8Array): DemoTemplate {
  const w = writer(font);
  let p = w.text(250, 780, 22, '保密协议') + w.text(72, 750, 10, 'Confidentiality agreement (demo template of Signet)', 0.3);
  p += w.text(72, 706, 11, '甲方（用人单位）') + w.line(200, 700, 320);
  p += w.text(72, 662, 11, '乙方（员工）') + w.line(200, 656, 320);
  p += w.text(72, 618, 11, '生效日期') + w.line(200, 612, 320);
  p += w.text(72, 570, 11, '乙方在职期间及离职后二年内，不得泄露甲方的商业秘密和技术秘密。');
  p += signingBlock(w, 480);
  w.b.addPage({ width: W, height: H, resources: w.resources, content: p });
  w.subset.finish();
  w.b.setInfo({ Title: '保密协议 Confidentiality agreement (demo)', Producer: 'Signet' });
  const fields: TemplateField[] = [
    { name: 'employer', label: '甲方', type: 'text', page: 1, rect: { x: 200, y: 701, w: 320, h: 22 } },
    { name: 'employee', label: '乙方', type: 'text', page: 1, rect: { x: 200, y: 657, w: 320, h: 22 } },
    { name: 'startDate', label: '生效日期', type: 'date', page: 1, rect: { x: 200, y: 613, w: 320, h: 22 } },
    ...SIGNING_FIELDS(1, 480),
  ];
  return {
    name: '保密协议 Confidentiality agreement',
    definition: { schema: 'signet.template.v1', id: 'demo-nda', name: '保密协议 Confidentiality agreement', basePdf: 'nda.pdf', defaults: { fontSize: 12, minFontSize: 6 }, fields },
    basePdf: w.b.build(),
  };
}

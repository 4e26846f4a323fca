import assert from 'node:assert/strict';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { cjkFontBytes, qpdfCheck, requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { PdfReader } from '../pdf/reader.js';
import { sampleLaborContract } from './sample-template.js';
import { fillBundle, validateBundle, type TemplateBundle, type TemplateWithPdf } from './fill-bundle.js';
import type { TemplateDefinition } from './template-definition.js';

const font = cjkFontBytes();

async function onePagePdf(label: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const helv = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText(label, { x: 72, y: 780, size: 16, font: helv });
  page.drawText('Employee signature:', { x: 72, y: 200, size: 11, font: helv });
  return doc.save();
}

describe('template/fillBundle()', function () {
  this.timeout(60_000);
  const labor = sampleLaborContract(font);
  let nda: TemplateWithPdf;
  let handbook: TemplateWithPdf;
  const bundle: TemplateBundle = { id: 'onboarding', name: '入职合同组合 Onboarding', templateIds: ['labor-contract', 'nda', 'handbook'] };

  before(async () => {
    const ndaTemplate: TemplateDefinition = {
      id: 'nda', name: '保密协议 NDA', basePdf: 'nda.pdf',
      fields: [
        { name: 'ndaEmployee', type: 'text', variable: 'employee', page: 1, rect: { x: 72, y: 700, w: 300, h: 24 } },
        { name: 'ndaYears', type: 'number', page: 1, rect: { x: 72, y: 660, w: 100, h: 24 }, min: 1, max: 5 },
        { name: 'ndaSign', type: 'signature', role: 'employee', anchor: { text: 'Employee signature:' } },
      ],
    };
    const handbookTemplate: TemplateDefinition = {
      id: 'handbook', name: '员工手册签收 Handbook acknowledgement', basePdf: 'handbook.pdf',
      fields: [
        { name: 'hbEmployee', type: 'text', variable: 'employee', page: 1, rect: { x: 72, y: 700, w: 300, h: 24 } },
        { name: 'hbDate', type: 'date', variable: 'signDate', page: 1, rect: { x: 72, y: 660, w: 200, h: 24 } },
        { name: 'hbSign', type: 'signature', role: 'employee', anchor: { text: 'Employee signature:', placement: 'below' } },
      ],
    };
    nda = { template: ndaTemplate, basePdf: await onePagePdf('Non-disclosure agreement') };
    handbook = { template: handbookTemplate, basePdf: await onePagePdf('Employee handbook') };
  });

  const all = () => [handbook, labor, nda];

  it('fills every template of the bundle from one set of variables, in bundle order', async () => {
    const docs = await fillBundle(bundle, all(), { ...labor.vars, ndaYears: 2 }, { font });
    assert.deepEqual(docs.map((d) => d.template), ['labor-contract', 'nda', 'handbook']);
    assert.equal(docs[1].name, '保密协议 NDA');
    for (const d of docs) assert.equal(PdfReader.load(d.pdf).revisions.length, 2);
    assert.deepEqual(docs.map((d) => d.positions.map((p) => `${p.role}@${p.page}`)), [['company@3', 'employee@3'], ['employee@1'], ['employee@1']]);
    // `employee` feeds a field in each of the three documents.
    assert.ok(docs.every((d) => d.fields.some((f) => /employee$/i.test(f.field))));
  });

  describe('one font subset for the bundle, copied into each document (poppler, qpdf)', () => {
    before(function () {
      requireTool(this, 'pdftotext', 'poppler-utils');
      requireTool(this, 'qpdf', 'qpdf');
    });
    it('each document carries the font on its own: its values extract as text and qpdf --check is clean', async () => {
      const docs = await fillBundle(bundle, all(), { ...labor.vars, ndaYears: 2 }, { font });
      const { dir, cleanup } = tempDir('signet-bundle-');
      const employee = String(labor.vars.employee);
      try {
        docs.forEach((d, i) => {
          const path = join(dir, `doc${i + 1}.pdf`);
          writeFileSync(path, d.pdf);
          const r = run('pdftotext', [path, '-']);
          assert.equal(r.status, 0, r.stderr);
          assert.ok(r.stdout.includes(employee), `${employee} in ${d.template}:\n${r.stdout}`);
          const q = qpdfCheck(path);
          assert.ok(q.clean, `${d.template}: ${q.output}`);
        });
      } finally {
        cleanup();
      }
    });
  });

  it('fills none when one template has a problem, and tags each problem with its template', async () => {
    await assert.rejects(fillBundle(bundle, all(), { ...labor.vars, ndaYears: 9, signDate: '2026-13-01' }, { font }), (e: unknown) => {
      assert.ok(isSignetError(e, 'TEMPLATE_INVALID'));
      const problems = e.details!.problems as { template: string; variable: string; code: string }[];
      assert.deepEqual(problems.map((p) => [p.template, p.variable, p.code]), [
        ['labor-contract', 'signDate', 'invalid-date'], ['nda', 'ndaYears', 'out-of-range'], ['handbook', 'signDate', 'invalid-date'],
      ]);
      return true;
    });
  });

  it('reports a variable that no template of the bundle reads once, but not one read by another template', async () => {
    await assert.rejects(fillBundle(bundle, all(), { ...labor.vars, ndaYears: 2, badge: 'A-17' }, { font }), (e: unknown) => {
      const problems = (e as { details: { problems: { template: string; variable: string; code: string }[] } }).details.problems;
      assert.deepEqual(problems.map((p) => [p.template, p.variable, p.code]), [['onboarding', 'badge', 'unknown-variable']]);
      return true;
    });
  });

  it('fills none when a value overflows in any template', async () => {
    const small: TemplateWithPdf = {
      ...handbook,
      template: { ...(handbook.template as TemplateDefinition), fields: (handbook.template as TemplateDefinition).fields.map((f) => (f.name === 'hbEmployee' ? { ...f, rect: { x: 72, y: 700, w: 10, h: 8 } } : f)) } as TemplateDefinition,
    };
    await assert.rejects(fillBundle(bundle, [labor, nda, small], { ...labor.vars, ndaYears: 2 }, { font }), (e: unknown) =>
      isSignetError(e, 'TEMPLATE_TEXT_OVERFLOW') && /handbook › hbEmployee/.test((e as Error).message));
  });

  it('names a template the bundle lists but the caller did not give', async () => {
    await assert.rejects(fillBundle(bundle, [labor, nda], labor.vars, { font }), (e: unknown) =>
      isSignetError(e, 'TEMPLATE_INVALID') && (e.details!.problems as { code: string; template: string }[])[0].template === 'handbook');
  });

  it('validates the bundle definition', () => {
    assert.deepEqual(validateBundle(bundle), []);
    assert.deepEqual(validateBundle({ id: 'b', name: 'B', templateIds: ['a', 'a', ''] }).map((p) => p.path), ['/templateIds/1', '/templateIds/2']);
    assert.equal(validateBundle({ id: 'b', name: 'B', templateIds: [] }).length, 1);
  });
});

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampleIdCardNumber } from '@signet/core';
import { sampleLaborContract } from '@signet/core/testing';
import { cjkFontBytes, repoRoot, run, tempDir, type RunResult } from '@signet/test-support';

const bin = join(repoRoot, 'server', 'bin', 'signet.js');

function signet(args: string[]): RunResult {
  return run(process.execPath, [bin, ...args]);
}

/** A user error: exit 1 and exactly one line on stderr, no stack trace. */
function oneLine(r: RunResult, pattern: RegExp): void {
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], /^signet: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.match(lines[0], pattern);
}

describe('signet template fill / sign --anchor', function () {
  this.timeout(180_000);
  let dir: string;
  let cleanup: () => void;
  const sample = sampleLaborContract(cjkFontBytes());
  const file = (name: string) => join(dir, name);

  before(() => {
    ({ dir, cleanup } = tempDir('signet-template-'));
    writeFileSync(file('labor-contract.pdf'), sample.basePdf);
    writeFileSync(file('labor-contract.json'), JSON.stringify(sample.template, null, 2));
    writeFileSync(file('vars.json'), JSON.stringify(sample.vars, null, 2));
  });
  after(() => cleanup?.());

  describe('signet template fill', () => {
    it('fills the template next to its JSON and prints where each role signs and seals', () => {
      const r = signet(['template', 'fill', file('labor-contract.json'), '--vars', file('vars.json'), '-o', file('filled.pdf')]);
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines.length, 2);
      assert.match(lines[0], /^seal\s+company\s+field companySeal\s+page 3\s+rect [\d.]+,[\d.]+,113,113\s+at \(0\.\d+, 0\.\d+\) of the page\s+\(anchor\)$/);
      assert.match(lines[1], /^signature\s+employee\s+field employeeSignature\s+page 3\s+rect [\d.]+,[\d.]+,150,50/);
      assert.match(r.stderr, /Filled labor-contract/);
      const pdf = readFileSync(file('filled.pdf'));
      assert.ok(pdf.subarray(0, sample.basePdf.length).equals(Buffer.from(sample.basePdf)));
    });

    it('prints the positions as JSON with --json', () => {
      const r = signet(['template', 'fill', file('labor-contract.json'), '--vars', file('vars.json'), '-o', file('filled2.pdf'), '--json']);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.template, 'labor-contract');
      assert.deepEqual(out.positions.map((p: { role: string; kind: string; page: number }) => [p.role, p.kind, p.page]), [['company', 'seal', 3], ['employee', 'signature', 3]]);
      assert.equal(typeof out.positions[1].fractions.x, 'number');
      assert.equal(out.fields.length, 17);
    });

    it('lists every variables problem on one line and writes nothing', () => {
      writeFileSync(file('bad-vars.json'), JSON.stringify({ ...sample.vars, employee: undefined, startDate: '2026-02-30', salary: true, nickname: 'x' }));
      const r = signet(['template', 'fill', file('labor-contract.json'), '--vars', file('bad-vars.json'), '-o', file('never.pdf')]);
      oneLine(r, /TEMPLATE_INVALID/);
      for (const v of ['employee', 'startDate', 'salary', 'nickname']) assert.match(r.stderr, new RegExp(`\\b${v}\\b`));
      assert.match(r.stderr, /4 problems/);
      assert.equal(existsSync(file('never.pdf')), false);
    });

    it('answers a broken template JSON, an invalid template and a missing base PDF with one line each', () => {
      writeFileSync(file('syntax.json'), '{ "id": "x", ');
      oneLine(signet(['template', 'fill', file('syntax.json'), '-o', file('never.pdf')]), /syntax\.json is not valid JSON/);
      writeFileSync(file('invalid.json'), JSON.stringify({ ...sample.template, fields: [{ name: 'a', type: 'text' }, { name: 'b', type: 'stamp', page: 1, rect: { x: 1, y: 1, w: 1, h: 1 } }] }));
      oneLine(signet(['template', 'fill', file('invalid.json'), '-o', file('never.pdf')]), /The template definition is invalid \(2 problems\).*a: .*needs a position.*b: .*unknown type "stamp".*\[TEMPLATE_INVALID\]$/);
      writeFileSync(file('nobase.json'), JSON.stringify({ ...sample.template, basePdf: 'missing/base.pdf' }));
      oneLine(signet(['template', 'fill', file('nobase.json'), '-o', file('never.pdf')]), /base PDF .*missing\/base\.pdf of template labor-contract does not exist; "basePdf" in .* is relative to the JSON file \[NOT_FOUND\]/);
      oneLine(signet(['template', 'fill', file('labor-contract.json'), '--vars', file('vars.json')]), /-o OUT\.pdf/);
      oneLine(signet(['template', 'fill', file('absent.json'), '-o', file('never.pdf')]), /absent\.json does not exist/);
      oneLine(signet(['template', 'stamp']), /Unknown template command 'stamp'/);
      assert.equal(existsSync(file('never.pdf')), false);
    });

    it('signet template check validates a template and its variables without drawing', () => {
      const ok = signet(['template', 'check', file('labor-contract.json'), '--vars', file('vars.json')]);
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /template labor-contract is valid \(20 fields\), and so are the variables/);
      oneLine(signet(['template', 'check', file('labor-contract.json'), '--vars', file('bad-vars.json')]), /The variables do not fit the template \(4 problems\)/);
    });
  });

  describe('signet sign --anchor / --keyword', () => {
    let data: string;
    const who = ['--name', '张三', '--id-number', sampleIdCardNumber(1), '--level', 'B-B'];
    before(() => {
      data = file('data');
      const init = signet(['init', '--data', data]);
      assert.equal(init.status, 0, init.stderr);
      if (!existsSync(file('filled.pdf'))) {
        const r = signet(['template', 'fill', file('labor-contract.json'), '--vars', file('vars.json'), '-o', file('filled.pdf')]);
        assert.equal(r.status, 0, r.stderr);
      }
    });

    const verifyJson = (pdf: string) => {
      const v = signet(['verify', pdf, '--data', data, '--json']);
      assert.equal(v.status, 0, v.stdout + v.stderr);
      return JSON.parse(v.stdout) as { valid: boolean; signatures: { page: number; position: { x: number; y: number; w: number; h: number } }[] };
    };

    it('places the widget right of the first occurrence of the anchor text, with an offset and a size', () => {
      const r = signet(['sign', file('filled.pdf'), '-o', file('signed-anchor.pdf'), '--data', data, ...who,
        '--anchor', '乙方（签字）：', '--anchor-offset', '4,-10', '--size', '120,40']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /Found "乙方（签字）：" on page 3/);
      const report = verifyJson(file('signed-anchor.pdf'));
      assert.equal(report.valid, true);
      const s = report.signatures[0];
      assert.equal(s.page, 3);
      // `乙方（签字）：` is 7 em at 12 pt from x = 320: the widget starts 4 pt after it (fractions from the bottom-left in the report).
      assert.ok(Math.abs(s.position.x * 595 - (320 + 84 + 4)) < 1.5, JSON.stringify(s.position));
      assert.ok(Math.abs(s.position.w * 595 - 120) < 0.5 && Math.abs(s.position.h * 842 - 40) < 0.5, JSON.stringify(s.position));
    });

    it('centres the widget on a keyword, here the Word add-in tag', () => {
      const r = signet(['sign', file('filled.pdf'), '-o', file('signed-keyword.pdf'), '--data', data, ...who, '--keyword', 'signet:sign:employee']);
      assert.equal(r.status, 0, r.stderr);
      const s = verifyJson(file('signed-keyword.pdf')).signatures[0];
      assert.equal(s.page, 3);
      const cx = (s.position.x + s.position.w / 2) * 595;
      assert.ok(Math.abs(cx - 415) < 6, `centre ${cx}`);
      assert.ok(Math.abs(s.position.w * 595 - 150) < 0.5, 'default size 150×50');
    });

    it('answers an anchor that is not in the PDF, and conflicting or malformed options, with one line', () => {
      const base = ['sign', file('filled.pdf'), '-o', file('never-signed.pdf'), '--data', data, ...who];
      oneLine(signet([...base, '--anchor', '丙方（签字）']), /The text "丙方（签字）" was not found in the PDF's text layer.*\[ANCHOR_NOT_FOUND\]$/);
      oneLine(signet([...base, '--anchor', 'x', '--page', '1', '--rect', '1,1,10,10']), /either --page\/--rect or --anchor/);
      oneLine(signet([...base, '--anchor', 'x', '--keyword', 'y']), /either --anchor TEXT or --keyword TEXT/);
      oneLine(signet([...base, '--keyword', '乙方', '--anchor-offset', '4']), /--anchor-offset must be dx,dy/);
      oneLine(signet([...base, '--keyword', '乙方', '--size', '0,10']), /--size must be w,h/);
      oneLine(signet([...base, '--size', '10,10']), /need --anchor TEXT or --keyword TEXT/);
      assert.equal(existsSync(file('never-signed.pdf')), false);
    });
  });
});

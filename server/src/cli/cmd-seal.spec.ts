import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { PdfReader, parseSvg, sampleIdCardNumber, sampleUscc } from '@signet/core';
import {
  corpusFile, makeNssDb, pdfsig, qpdfCheck, repoRoot, requireTool, run, tempDir, type RunResult,
} from '@signet/test-support';

const bin = join(repoRoot, 'server', 'bin', 'signet.js');
const signet = (args: string[]): RunResult => run(process.execPath, [bin, ...args]);
const artifacts = join(repoRoot, 'test-artifacts', 'cli-seal');

/** A user error: exit 1, exactly one line on stderr with the code, no stack trace. */
function oneLine(r: RunResult, code: string, re?: RegExp): void {
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], new RegExp(`^signet: .*\\[${code}\\]$`));
  if (re) assert.match(lines[0], re);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

const redCount = (p: PNG) => {
  let n = 0;
  for (let i = 0; i < p.data.length; i += 4) if (p.data[i] > 170 && p.data[i + 1] < 110 && p.data[i + 2] < 110) n++;
  return n;
};

describe('signet seal and signet sign --seal', function () {
  this.timeout(240_000);
  let dir: string;
  let cleanup: () => void;
  let data: string;
  const person = { name: '张三', id: sampleIdCardNumber(21) };
  const org = { name: '上海示例科技有限公司', uscc: sampleUscc(22) };

  before(() => {
    ({ dir, cleanup } = tempDir('signet-seal-cli-'));
    data = join(dir, 'data');
    writeFileSync(join(dir, 'contract.pdf'), corpusFile('unsigned.pdf'));
    mkdirSync(artifacts, { recursive: true });
  });
  after(() => cleanup?.());

  describe('signet seal', () => {
    it('writes a round seal as SVG that Signet imports back, and as a one-page vector PDF', function () {
      const svg = join(dir, 'round.svg'), pdf = join(dir, 'round.pdf');
      const a = signet(['seal', '--type', 'round', '--text', org.name, '--type-text', '合同专用章', '--code', '3101150012345', '-o', svg]);
      assert.equal(a.status, 0, a.stderr);
      assert.match(a.stderr, /Wrote round seal \(42\.0 × 42\.0 mm\)/);
      const d = parseSvg(readFileSync(svg));
      assert.ok(Math.abs(d.width - (42 * 72) / 25.4) < 0.01);
      const b = signet(['seal', '--type', 'round', '--text', org.name, '--size', '40', '--color', '#c8102e', '-o', pdf]);
      assert.equal(b.status, 0, b.stderr);
      const r = PdfReader.load(readFileSync(pdf));
      assert.equal(r.pageCount(), 1);
      assert.ok(readFileSync(pdf).length < 40_000, 'vectors, no raster, no font');
      requireTool(this, 'pdftoppm', 'poppler-utils');
      assert.equal(run('pdftoppm', ['-r', '150', '-png', '-singlefile', pdf, join(dir, 'round')]).status, 0);
      const png = readFileSync(join(dir, 'round.png'));
      writeFileSync(join(artifacts, 'round-40mm.png'), png);
      assert.ok(redCount(PNG.sync.read(png)) > 5000);
    });

    it('writes the other shapes and a handwritten signature from stroke data', () => {
      const cases: [string, string[]][] = [
        ['oval.svg', ['--type', 'oval', '--text', org.name, '--type-text', '发票专用章', '--tax-number', '91310115MA1H7XXX3K']],
        ['square.pdf', ['--type', 'square', '--text', '张三之印', '--style', 'yin', '--inner-border']],
        ['date.svg', ['--type', 'date', '--date', '2026-11-23', '--date-format', 'cjk']],
      ];
      for (const [file, args] of cases) {
        const r = signet(['seal', ...args, '-o', join(dir, file)]);
        assert.equal(r.status, 0, r.stderr);
        assert.ok(existsSync(join(dir, file)));
      }
      const strokes = [Array.from({ length: 50 }, (_, i) => ({ x: i * 6, y: 50 + 20 * Math.sin(i / 4), time: i * 16, pressure: 0.5 + 0.4 * Math.sin(i / 9) }))];
      writeFileSync(join(dir, 'strokes.json'), JSON.stringify(strokes));
      const h = signet(['seal', '--type', 'handwriting', '--strokes', join(dir, 'strokes.json'), '-o', join(dir, 'sig.svg')]);
      assert.equal(h.status, 0, h.stderr);
      assert.equal(parseSvg(readFileSync(join(dir, 'sig.svg'))).paths.length, 1);
    });

    it('answers bad input with one line and writes nothing', () => {
      const out = join(dir, 'never.svg');
      oneLine(signet(['seal', '--type', 'star', '--text', 'x', '-o', out]), 'INVALID_ARGUMENT', /Unknown seal type "star"; use round, oval, square, date, handwriting/);
      oneLine(signet(['seal', '--type', 'round', '--text', '北京'.repeat(20) + '有限公司', '-o', out]), 'SEAL_TEXT_TOO_LONG', /at most \d+ fit/);
      oneLine(signet(['seal', '--type', 'round', '-o', out]), 'INVALID_ARGUMENT', /--text/);
      oneLine(signet(['seal', '--type', 'round', '--text', org.name, '--code', '12ab', '-o', out]), 'INVALID_ARGUMENT', /13-digit/);
      oneLine(signet(['seal', '--type', 'round', '--text', org.name, '-o', join(dir, 'x.png')]), 'INVALID_ARGUMENT', /\.svg or \.pdf/);
      writeFileSync(join(dir, 'broken.json'), '{"strokes": [');
      oneLine(signet(['seal', '--type', 'handwriting', '--strokes', join(dir, 'broken.json'), '-o', out]), 'INVALID_ARGUMENT', /not valid JSON/);
      writeFileSync(join(dir, 'nan.json'), '[[{"x": 1, "y": null}]]');
      oneLine(signet(['seal', '--type', 'handwriting', '--strokes', join(dir, 'nan.json'), '-o', out]), 'INVALID_ARGUMENT', /stroke 1, point 1/);
      assert.ok(!existsSync(out));
    });
  });

  describe('signet sign with seals', () => {
    let nss: { nssDir: string; cleanup: () => void } | undefined;
    before(() => {
      assert.equal(signet(['init', '--data', data]).status, 0);
    });
    after(() => nss?.cleanup());

    const trusted = (file: string, count: number) => {
      nss ??= makeNssDb([signet(['ca', 'export', '--data', data]).stdout]);
      const out = pdfsig(file, nss.nssDir);
      assert.equal(out.signatures.length, count, out.stdout);
      for (const s of out.signatures) {
        assert.equal(s.validation, 'Signature is Valid.', s.raw);
        assert.equal(s.certificate, 'Certificate is Trusted.', s.raw);
      }
      const q = qpdfCheck(file);
      assert.ok(q.clean, q.output);
    };
    const verifyJson = (file: string) => {
      const r = signet(['verify', file, '--data', data, '--json']);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      return JSON.parse(r.stdout);
    };

    it('--seal auto gives the organization a round contract seal and a cross-page seal, the person a square seal', function () {
      requireTool(this, 'pdfsig', 'poppler-utils');
      requireTool(this, 'certutil', 'libnss3-tools');
      requireTool(this, 'qpdf', 'qpdf');
      const s1 = join(dir, 's1.pdf'), s2 = join(dir, 's2.pdf');
      const a = signet(['sign', join(dir, 'contract.pdf'), '-o', s1, '--data', data, '--org', org.name, '--uscc', org.uscc,
        '--seal', 'auto', '--page', '2', '--rect', '400,80,120,120', '--cross-page', '--pages', '1-2']);
      assert.equal(a.status, 0, a.stderr);
      const b = signet(['sign', s1, '-o', s2, '--data', data, '--name', person.name, '--id-number', person.id, '--seal', 'auto', '--page', '2', '--rect', '80,80,220,60']);
      assert.equal(b.status, 0, b.stderr);
      const report = verifyJson(s2);
      assert.equal(report.signatureCount, 2);
      assert.equal(report.valid, true);
      assert.deepEqual(report.signatures[0].widgets.map((w: { page: number }) => w.page), [2, 1, 2]);
      trusted(s2, 2);
      requireTool(this, 'pdftoppm', 'poppler-utils');
      for (const p of [1, 2]) {
        assert.equal(run('pdftoppm', ['-f', String(p), '-l', String(p), '-r', '100', '-png', '-singlefile', s2, join(dir, `s2-p${p}`)]).status, 0);
        writeFileSync(join(artifacts, `signed-auto-seals-p${p}.png`), readFileSync(join(dir, `s2-p${p}.png`)));
      }
    });

    it('--seal FILE takes an SVG (as vectors) and a PNG with --remove-white', function () {
      requireTool(this, 'pdfsig', 'poppler-utils');
      requireTool(this, 'certutil', 'libnss3-tools');
      requireTool(this, 'qpdf', 'qpdf');
      assert.equal(signet(['seal', '--type', 'oval', '--text', org.name, '--tax-number', '91310115MA1H7XXX3K', '-o', join(dir, 'upload.svg')]).status, 0);
      const png = new PNG({ width: 40, height: 40 });
      for (let i = 0; i < 1600; i++) png.data.set(Math.hypot((i % 40) - 19.5, Math.floor(i / 40) - 19.5) < 18 ? [220, 20, 30, 255] : [252, 251, 250, 255], i * 4);
      writeFileSync(join(dir, 'scan.png'), PNG.sync.write(png));
      const v = join(dir, 'v.pdf'), w = join(dir, 'w.pdf');
      const a = signet(['sign', join(dir, 'contract.pdf'), '-o', v, '--data', data, '--org', org.name, '--uscc', org.uscc, '--seal', join(dir, 'upload.svg'), '--page', '1', '--rect', '300,100,160,120']);
      assert.equal(a.status, 0, a.stderr);
      const b = signet(['sign', v, '-o', w, '--data', data, '--name', person.name, '--id-number', person.id, '--seal', join(dir, 'scan.png'), '--remove-white', '--page', '1', '--rect', '60,100,80,80']);
      assert.equal(b.status, 0, b.stderr);
      assert.equal(verifyJson(w).valid, true);
      trusted(w, 2);
      // The SVG went in as vector paths: no image XObject in the first signature's revision.
      const r = PdfReader.load(readFileSync(v));
      const images = [...r.lastRevision.entries.keys()].filter((n) => { const o = r.getObject(n) as { dict?: { getName(k: string): string | undefined } }; return o?.dict?.getName('Subtype') === 'Image'; });
      assert.equal(images.length, 0);
    });

    it('answers bad seal options with one line and writes nothing', () => {
      const out = join(dir, 'never.pdf');
      const base = ['sign', join(dir, 'contract.pdf'), '-o', out, '--data', data, '--name', person.name, '--id-number', person.id];
      writeFileSync(join(dir, 'bad.png'), 'not an image');
      oneLine(signet([...base, '--seal', join(dir, 'bad.png'), '--page', '1', '--rect', '60,100,80,80']), 'IMAGE_INVALID', /PNG, JPEG or SVG/);
      writeFileSync(join(dir, 'text.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="10mm" height="10mm"><text>印</text></svg>');
      oneLine(signet([...base, '--seal', join(dir, 'text.svg'), '--page', '1', '--rect', '60,100,80,80']), 'SVG_UNSUPPORTED', /convert the text to paths/);
      oneLine(signet([...base, '--seal', 'auto']), 'INVALID_ARGUMENT', /--seal needs a place/);
      oneLine(signet([...base, '--cross-page']), 'INVALID_ARGUMENT', /--cross-page needs --seal/);
      oneLine(signet([...base, '--seal', 'auto', '--cross-page', '--pages', '1-9']), 'PDF_PAGE_OUT_OF_RANGE', /1-2/);
      oneLine(signet([...base, '--seal', 'auto', '--cross-page', '--pages', '2-1']), 'INVALID_ARGUMENT', /range of two pages/);
      const missing = signet([...base, '--seal', join(dir, 'missing.png'), '--page', '1', '--rect', '60,100,80,80']);
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /^signet: .*missing\.png: no such file\n$/);
      assert.ok(!existsSync(out));
    });
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { cjkFontBytes, repoRoot, requireTool, run, tempDir } from '@signet/test-support';
import { PathBuilder, mm } from './drawing.js';
import { drawingToSvg, svgPathData } from './drawing-to-svg.js';
import { parseXml, type XmlElement } from './parse-xml.js';
import { parsePathData, parseSvg } from './parse-svg.js';
import { roundSeal } from './round-seal.js';
import { squareSeal } from './square-seal.js';
import { ovalSeal } from './oval-seal.js';
import { handwriting } from './handwriting.js';

const font = cjkFontBytes('bold');
const seal = roundSeal({ font, name: '上海示例科技有限公司', sealType: '合同专用章', code: '3101150012345' });

const elements = (el: XmlElement, name: string): XmlElement[] =>
  [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => (typeof c === 'string' ? [] : elements(c, name)))];

describe('seal/drawingToSvg()', () => {
  it('writes well-formed XML: an <svg> sized in millimetres with a viewBox in points, a title, and paths whose data parse', () => {
    const svg = drawingToSvg(seal);
    const root = parseXml(svg);
    assert.equal(root.name, 'svg');
    assert.equal(root.attributes.get('xmlns'), 'http://www.w3.org/2000/svg');
    assert.equal(root.attributes.get('width'), '42mm');
    assert.equal(root.attributes.get('viewBox'), `0 0 ${Math.round(mm(42) * 100) / 100} ${Math.round(mm(42) * 100) / 100}`);
    assert.equal(elements(root, 'title')[0].children.join(''), '上海示例科技有限公司 合同专用章 3101150012345');
    const paths = elements(root, 'path');
    assert.equal(paths.length, 2);
    for (const p of paths) {
      const b = new PathBuilder();
      parsePathData(p.attributes.get('d')!, b);
      assert.ok(b.ops.length > 8);
      assert.equal(p.attributes.get('fill'), '#e60012');
    }
    assert.ok(!/<text|font-family/.test(svg), 'no text, no fonts: glyphs are outlines');
  });

  it('escapes the title and formats path data compactly', () => {
    const b = new PathBuilder().moveTo(0, 0).lineTo(1.005, -2.5).curveTo(1, 2, 3, 4, 5.123, 6).close();
    assert.equal(svgPathData(b), 'M0 0L1 -2.5C1 2 3 4 5.12 6Z');
    const svg = drawingToSvg({ width: 10, height: 10, paths: [b.toPath({ fill: [0, 0, 0] })], title: 'A & B <C>' });
    assert.match(svg, /<title>A &amp; B &lt;C&gt;<\/title>/);
    parseXml(svg);
  });

  it('imports back what it exports: the same size, paint and coordinates (round trip)', () => {
    for (const d of [seal, squareSeal({ font, text: '张三之印', style: 'yin', innerBorder: true }), ovalSeal({ font, name: '上海示例科技有限公司', taxNumber: '91310115MA1H7XXX3K' }),
      handwriting([[{ x: 0, y: 0, time: 0 }, { x: 50, y: 20, time: 30 }, { x: 100, y: 5, time: 50 }]])]) {
      const back = parseSvg(drawingToSvg(d));
      assert.ok(Math.abs(back.width - d.width) < 0.01 && Math.abs(back.height - d.height) < 0.01);
      assert.equal(back.blend, 'multiply');
      assert.equal(back.paths.length, d.paths.length);
      back.paths.forEach((p, i) => {
        const o = d.paths[i];
        assert.equal(p.ops, o.ops);
        assert.deepEqual(p.paint.fill?.map((v) => Math.round(v * 255)), o.paint.fill?.map((v) => Math.round(v * 255)));
        assert.equal(p.paint.fillRule ?? 'nonzero', o.paint.fillRule ?? 'nonzero');
        const m = p.transform ?? [1, 0, 0, 1, 0, 0];
        let worst = 0;
        for (let j = 0; j < o.coords.length; j += 2) {
          const x = m[0] * p.coords[j] + m[2] * p.coords[j + 1] + m[4], y = m[1] * p.coords[j] + m[3] * p.coords[j + 1] + m[5];
          worst = Math.max(worst, Math.abs(x - o.coords[j]), Math.abs(y - o.coords[j + 1]));
        }
        assert.ok(worst < 0.02, `coordinates moved by up to ${worst} pt`);
      });
    }
  });

  describe('rendered by chromium', () => {
    let dir: string;
    let cleanup: () => void;
    before(function () {
      requireTool(this, 'chromium', 'chromium');
      ({ dir, cleanup } = tempDir('signet-svg-'));
    });
    after(() => cleanup?.());

    it('shows the seal red, at its real size (42 mm is 159 CSS px)', function () {
      this.timeout(60_000);
      const file = join(dir, 'seal.svg');
      writeFileSync(file, drawingToSvg(seal));
      const shot = join(dir, 'shot.png');
      const r = run('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${shot}`, '--window-size=240,240', `file://${file}`]);
      assert.equal(r.status, 0, r.stderr);
      const png = PNG.sync.read(readFileSync(shot));
      mkdirSync(join(repoRoot, 'test-artifacts', 'seal'), { recursive: true });
      writeFileSync(join(repoRoot, 'test-artifacts', 'seal', 'round-seal-in-chromium.png'), readFileSync(shot));
      let x2 = 0, y2 = 0, red = 0;
      for (let y = 0; y < png.height; y++) for (let x = 0; x < png.width; x++) {
        const i = (y * png.width + x) * 4;
        if (png.data[i] > 170 && png.data[i + 1] < 110 && png.data[i + 2] < 110) {
          red++;
          x2 = Math.max(x2, x);
          y2 = Math.max(y2, y);
        }
      }
      assert.ok(red > 3000, `${red} red pixels`);
      assert.ok(Math.abs(x2 + 1 - 158.7) < 2 && Math.abs(y2 + 1 - 158.7) < 2, `the seal ends at ${x2 + 1},${y2 + 1} px`);
    });
  });
});

import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { IDENTITY, PathBuilder, pathBounds, type Drawing, type DrawingPath } from './drawing.js';
import { parsePathData, parseSvg, parseTransform } from './parse-svg.js';
import { parseXml } from './parse-xml.js';
import { sealImage, isSvg } from './seal-image.js';

/** A 100 × 100 pt SVG (viewBox in px × 0.75 = pt … so use pt units directly) around `body`. */
const svg = (body: string, attrs = 'width="100pt" height="100pt" viewBox="0 0 100 100"') =>
  `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" ${attrs}>${body}</svg>`;

/** The points of a path in drawing coordinates (y up). */
function points(p: DrawingPath): [number, number][] {
  const m = p.transform ?? IDENTITY;
  const out: [number, number][] = [];
  for (let i = 0; i < p.coords.length; i += 2) out.push([m[0] * p.coords[i] + m[2] * p.coords[i + 1] + m[4], m[1] * p.coords[i] + m[3] * p.coords[i + 1] + m[5]]);
  return out;
}
const near = (a: number, b: number, tol = 0.01) => Math.abs(a - b) <= tol;
const hasPoint = (p: DrawingPath, x: number, y: number, tol = 0.01) => points(p).some(([px, py]) => near(px, x, tol) && near(py, y, tol));
const bounds = (d: Drawing, i = 0) => pathBounds(d.paths[i]).map((v) => Math.round(v * 100) / 100);
const rejects = (text: string, code: 'SVG_UNSUPPORTED' | 'IMAGE_INVALID', re: RegExp) =>
  assert.throws(() => parseSvg(text), (e) => isSignetError(e, code) && re.test(e.message), `expected ${code} ${re}`);

describe('seal/parseSvg()', () => {
  describe('path data (SVG 1.1 §8.3)', () => {
    const ops = (d: string) => {
      const b = new PathBuilder();
      parsePathData(d, b);
      return b;
    };

    it('reads every command, absolute and relative, with implicit repeats', () => {
      const b = ops('M10 10 L20 10 l0 10 H30 h5 V40 v-5 C40 40 50 40 50 30 c0 -5 5 -5 5 0 S70 40 70 30 s5 -5 10 0 Q90 20 90 10 q5 -5 10 0 T110 10 t10 0 A5 5 0 0 1 130 10 a5 5 0 1 0 10 0 Z m5 5 10 0 z');
      // Quadratics and arcs become cubics (each semicircle two of them); an implicit pair after m is a line.
      assert.equal(b.ops, 'MLLLLLL' + 'C'.repeat(12) + 'ZMLZ');
      assert.deepEqual(b.coords.slice(0, 14), [10, 10, 20, 10, 20, 20, 30, 20, 35, 20, 35, 40, 35, 35]);
      // S reflects the previous second control point about the current point: (55,25) about (55,30).
      assert.deepEqual(b.coords.slice(26, 32), [55, 35, 70, 40, 70, 30]);
      assert.deepEqual(b.coords.slice(32, 38), [70, 20, 75, 25, 80, 30]);
      // Q (80,30)–(90,20)–(90,10) as a cubic: control points two thirds of the way to (90,20).
      assert.deepEqual(b.coords.slice(38, 44).map((v) => Math.round(v * 1000) / 1000), [86.667, 23.333, 90, 16.667, 90, 10]);
      // T reflects q's control (95,5) about (100,10) to (105,15).
      assert.deepEqual(b.coords.slice(50, 52).map((v) => Math.round(v * 1000) / 1000), [103.333, 13.333]);
      const [x, y] = b.current;
      assert.ok(near(x, 15) && near(y, 15), `z returns to the subpath start, not ${x},${y}`);
    });

    it('reads compact numbers and unseparated arc flags', () => {
      const b = ops('M0,0l10-5.5.5-.5e1a5 5 0 1010 0');
      assert.deepEqual(b.coords.slice(0, 6), [0, 0, 10, -5.5, 10.5, -10.5]);
      const [x, y] = b.current;
      assert.ok(near(x, 20.5) && near(y, -10.5));
    });

    it('draws arcs through the right points (large-arc and sweep flags)', () => {
      const d = parseSvg(svg('<path d="M0 50 A50 50 0 0 1 100 50" fill="none" stroke="red"/>'));
      // Sweep 1 goes clockwise on screen: through the top, which is y = 100 once flipped to y up.
      assert.ok(hasPoint(d.paths[0], 50, 100), JSON.stringify(points(d.paths[0])));
      const e = parseSvg(svg('<path d="M0 50 A50 50 0 0 0 100 50" fill="none" stroke="red"/>'));
      assert.ok(hasPoint(e.paths[0], 50, 0));
    });

    it('rejects garbage with a message naming the position', () => {
      assert.throws(() => ops('M10 10 L20'), (e) => isSignetError(e, 'IMAGE_INVALID') && /position/.test(e.message));
      assert.throws(() => ops('M10 10 X5 5'), (e) => isSignetError(e, 'IMAGE_INVALID'));
      assert.throws(() => ops('M0 0 A5 5 0 2 0 10 10'), (e) => isSignetError(e, 'IMAGE_INVALID') && /flag/.test(e.message));
    });
  });

  it('parses transform lists right to left (SVG 1.1 §7.6)', () => {
    const m = parseTransform('translate(10,20) scale(2)');
    assert.deepEqual([...m], [2, 0, 0, 2, 10, 20]);
    const r = parseTransform('rotate(90 10 10)');
    // (20, 10) rotates about (10, 10) to (10, 20).
    assert.ok(near(r[0] * 20 + r[2] * 10 + r[4], 10) && near(r[1] * 20 + r[3] * 10 + r[5], 20));
    assert.deepEqual([...parseTransform('matrix(1 0 0 1 3 4) skewX(0)')].map((v) => Math.round(v)), [1, 0, 0, 1, 3, 4]);
  });

  it('maps the viewBox onto the size and flips y: a rect at the top left lands at the top left', () => {
    const d = parseSvg(svg('<rect x="10" y="10" width="20" height="10" fill="#e60012"/>', 'width="200pt" height="100pt" viewBox="0 0 100 50"'));
    assert.equal(d.width, 200);
    assert.equal(d.height, 100);
    assert.deepEqual(bounds(d), [20, 60, 60, 80]);
    assert.deepEqual(d.paths[0].paint.fill, [0xe6 / 255, 0, 0x12 / 255]);
  });

  it('centres a viewBox of another aspect (xMidYMid meet) and honours preserveAspectRatio="none"', () => {
    const meet = parseSvg(svg('<rect width="10" height="10"/>', 'width="200pt" height="100pt" viewBox="0 0 10 10"'));
    assert.deepEqual(bounds(meet), [50, 0, 150, 100]);
    const none = parseSvg(svg('<rect width="10" height="10"/>', 'width="200pt" height="100pt" viewBox="0 0 10 10" preserveAspectRatio="none"'));
    assert.deepEqual(bounds(none), [0, 0, 200, 100]);
  });

  it('converts px, mm and in sizes to points, and takes the viewBox when there is no size', () => {
    assert.equal(parseSvg(svg('', 'width="96px" height="96px"')).width, 72);
    assert.ok(near(parseSvg(svg('', 'width="25.4mm" height="1in"')).height, 72));
    assert.equal(parseSvg(svg('', 'viewBox="0 0 400 200"')).width, 300);
  });

  it('draws rect (with rounded corners), circle, ellipse, line, polyline and polygon', () => {
    const d = parseSvg(svg(`
      <rect x="0" y="0" width="40" height="20" rx="5"/>
      <circle cx="50" cy="50" r="10"/>
      <ellipse cx="50" cy="50" rx="20" ry="5"/>
      <line x1="0" y1="100" x2="100" y2="0" stroke="black"/>
      <polyline points="0,0 10,10 20,0" fill="none" stroke="black"/>
      <polygon points="60,60 70,80 80,60"/>`));
    assert.equal(d.paths.length, 6);
    assert.deepEqual(bounds(d, 0), [0, 80, 40, 100]);
    assert.ok(d.paths[0].ops.includes('C'), 'rounded corners are curves');
    assert.deepEqual(bounds(d, 1), [40, 40, 60, 60]);
    assert.deepEqual(bounds(d, 2), [30, 45, 70, 55]);
    assert.equal(d.paths[3].paint.fill, undefined, 'a line has no fill');
    assert.deepEqual(d.paths[3].paint.stroke, [0, 0, 0]);
    assert.equal(d.paths[4].ops, 'MLL');
    assert.equal(d.paths[5].ops, 'MLLZ');
  });

  it('inherits paint through groups, applies group transforms, and reads style attributes and <style> rules', () => {
    const d = parseSvg(svg(`
      <style>.seal { fill: #c00; } #big { stroke-width: 3 }</style>
      <g fill="blue" stroke="#00ff00" stroke-width="2" fill-rule="evenodd" transform="translate(10 0)">
        <rect width="10" height="10"/>
        <rect class="seal" width="10" height="10" style="fill-opacity:0.5"/>
        <g transform="scale(2)"><rect id="big" width="10" height="10" stroke="none"/></g>
        <rect width="10" height="10" fill="currentColor" color="rgb(255, 0, 0)"/>
        <rect width="10" height="10" display="none"/>
      </g>`));
    assert.equal(d.paths.length, 4);
    const [a, b, c, e] = d.paths;
    assert.deepEqual(a.paint.fill, [0, 0, 1]);
    assert.equal(a.paint.fillRule, 'evenodd');
    assert.deepEqual(a.paint.stroke, [0, 1, 0]);
    assert.equal(a.paint.strokeWidth, 2);
    assert.deepEqual(bounds(d, 0), [10, 90, 20, 100]);
    assert.deepEqual(b.paint.fill, [0.8, 0, 0]);
    assert.equal(b.paint.fillOpacity, 0.5);
    assert.equal(c.paint.stroke, undefined);
    assert.deepEqual(bounds(d, 2), [10, 80, 30, 100]);
    assert.deepEqual(e.paint.fill, [1, 0, 0]);
  });

  it('expands <use> of an element in the same file, with its x and y', () => {
    const d = parseSvg(svg('<defs><circle id="dot" r="5"/></defs><use href="#dot" x="20" y="20"/><use xlink:href="#dot" x="50" y="50" fill="red"/>'));
    assert.equal(d.paths.length, 2);
    assert.deepEqual(bounds(d, 0), [15, 75, 25, 85]);
    assert.deepEqual(d.paths[1].paint.fill, [1, 0, 0]);
  });

  it('ignores editor metadata and comments', () => {
    const d = parseSvg(svg('<!-- made by hand --><metadata><rdf:RDF/></metadata><sodipodi:namedview pagecolor="#fff"/><title>印</title><rect width="5" height="5"/>'));
    assert.equal(d.paths.length, 1);
    assert.equal(d.title, '印');
  });

  it('refuses what it cannot draw as vectors, saying what to do', () => {
    rejects(svg('<image href="data:image/png;base64,AAAA" width="10" height="10"/>'), 'SVG_UNSUPPORTED', /raster image.*PNG/);
    rejects(svg('<text x="0" y="10">上海示例</text>'), 'SVG_UNSUPPORTED', /text without outlines.*Object to Path/);
    rejects(svg('<script>alert(1)</script>'), 'SVG_UNSUPPORTED', /scripts/);
    rejects(svg('<rect width="5" height="5" onclick="alert(1)"/>'), 'SVG_UNSUPPORTED', /onclick/);
    rejects(svg('<a href="javascript:alert(1)"><rect width="5" height="5"/></a>'), 'SVG_UNSUPPORTED', /javascript/);
    rejects(svg('<defs><linearGradient id="g"/></defs><rect width="5" height="5" fill="url(#g)"/>'), 'SVG_UNSUPPORTED', /gradient/);
    rejects(svg('<rect width="5" height="5" clip-path="url(#c)"/>'), 'SVG_UNSUPPORTED', /clip-path/);
    rejects(svg('<rect width="5" height="5" filter="url(#f)"/>'), 'SVG_UNSUPPORTED', /filter/);
    rejects(svg('<foreignObject/>'), 'SVG_UNSUPPORTED', /embedded HTML/);
    rejects('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', 'SVG_UNSUPPORTED', /entities/);
    rejects('<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', 'IMAGE_INVALID', /not well-formed.*line 1/);
    rejects('<html><body/></html>', 'IMAGE_INVALID', /not SVG/);
    rejects(svg('<rect width="5" height="5" fill="#zzz"/>'), 'IMAGE_INVALID', /not a colour/);
  });
});

describe('seal/parseXml()', () => {
  it('decodes references, keeps CDATA and rejects undefined entities and mismatched tags', () => {
    const root = parseXml('<a x="1 &amp; &#x4E0A;"><![CDATA[<raw>]]>t&lt;</a>');
    assert.equal(root.attributes.get('x'), '1 & 上');
    assert.deepEqual(root.children, ['<raw>', 't<']);
    assert.throws(() => parseXml('<a>&nbsp;</a>'), (e) => isSignetError(e, 'IMAGE_INVALID'));
    assert.throws(() => parseXml('<a><b></a></b>'), (e) => isSignetError(e, 'IMAGE_INVALID') && /does not match/.test(e.message));
    assert.throws(() => parseXml('<a x="1" x="2"/>'), (e) => isSignetError(e, 'IMAGE_INVALID') && /twice/.test(e.message));
  });
});

describe('seal/sealImage()', () => {
  it('tells SVG from the bytes, and can drop a white background rectangle', () => {
    const bytes = Buffer.from(svg('<rect width="100" height="100" fill="#fff"/><circle cx="50" cy="50" r="40" fill="#e60012"/>'));
    assert.ok(isSvg(bytes));
    assert.ok(!isSvg(Buffer.from('<html/>')));
    const kept = sealImage(bytes) as ReturnType<typeof sealImage> & { drawing: Drawing };
    const removed = sealImage(bytes, { removeWhiteBackground: true }) as ReturnType<typeof sealImage> & { drawing: Drawing };
    assert.equal(kept.drawing.paths.length, 2);
    assert.equal(removed.drawing.paths.length, 1);
    assert.equal(removed.width, 100);
  });

  it('refuses an empty file, a file of another kind and an SVG that draws nothing', () => {
    assert.throws(() => sealImage(new Uint8Array()), (e) => isSignetError(e, 'IMAGE_INVALID'));
    assert.throws(() => sealImage(Buffer.from('GIF89a....')), (e) => isSignetError(e, 'IMAGE_INVALID') && /PNG, JPEG or SVG/.test(e.message));
    assert.throws(() => sealImage(Buffer.from(svg(''))), (e) => isSignetError(e, 'IMAGE_INVALID') && /nothing visible/.test(e.message));
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { addinBuildDir } from '../build-path.js';
import { buildAddinOnce, type BuildResult } from './build-addin.js';
import { ICON_SIZES, encodePng, iconPixels } from './make-icons.js';

const OFFICE_JS = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';

/** The `src` of every script tag, and the `href` of every stylesheet and icon, of a page. */
function refs(html: string): { scripts: string[]; links: string[] } {
  return {
    scripts: [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]),
    links: [...html.matchAll(/<link\b[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]),
  };
}

/** Width, height and RGBA pixels of a PNG written by {@link encodePng}. */
function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idatLen = png.readUInt32BE(33);
  const raw = inflateSync(png.subarray(41, 41 + idatLen));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) raw.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  return { width, height, rgba };
}

describe('the add-in build (webpack, production)', function () {
  this.timeout(180_000);
  let build: BuildResult;
  const file = (name: string) => readFileSync(join(build.outDir, name));
  before(async () => { build = await buildAddinOnce(); });

  it('writes addin-word/build/ with the three pages, their bundles, the stylesheet, the help page and the icons', () => {
    assert.equal(build.outDir, addinBuildDir());
    for (const f of ['taskpane.html', 'login.html', 'commands.html', 'help.html', 'taskpane.css', ...ICON_SIZES.map((s) => `assets/icon-${s}.png`)]) {
      assert.ok(build.files.includes(f), `${f} is built`);
    }
    assert.equal(build.files.filter((f) => /^taskpane\.[0-9a-f]{8}\.js$/.test(f)).length, 1, 'one content-hashed task pane bundle');
    assert.deepEqual(build.warnings, [], 'no webpack warnings (size budgets included)');
  });

  it('links each page only to files of the build, plus Office.js from Microsoft\'s CDN as the one external script', () => {
    for (const page of ['taskpane.html', 'login.html', 'commands.html']) {
      const { scripts, links } = refs(file(page).toString());
      assert.equal(scripts[0], OFFICE_JS, `${page} loads Office.js first`);
      const local = [...scripts.slice(1), ...links];
      assert.ok(scripts.length === 2, `${page} has Office.js and its own bundle`);
      for (const r of local) {
        assert.doesNotMatch(r, /^(https?:)?\/\//, `${page}: ${r} is bundled, not from a CDN`);
        assert.ok(build.files.includes(r), `${page} refers to ${r}, which the build has`);
      }
    }
  });

  it('leaves the fakes and pdf-lib out of the production bundles', () => {
    for (const js of build.files.filter((f) => f.endsWith('.js'))) {
      const text = file(js).toString();
      for (const banned of ['FakeOfficeGateway', 'FakeSignetApi', 'PDFDocument', 'node-forge', 'appsforoffice.microsoft.com/lib']) {
        assert.ok(!text.includes(banned), `${js} contains ${banned}`);
      }
    }
  });

  it('keeps the task pane bundle small (Preact, no PDF engine): under 150 kB minified', () => {
    const js = build.files.find((f) => f.startsWith('taskpane.') && f.endsWith('.js'))!;
    assert.ok(file(js).length < 150_000, `${js} is ${file(js).length} bytes`);
  });

  it('emits icons of the sizes their names say, identical to the committed ones and reproducible from make-icons', () => {
    for (const size of ICON_SIZES) {
      const png = file(`assets/icon-${size}.png`);
      const { width, height, rgba } = decodePng(png);
      assert.deepEqual([width, height], [size, size]);
      assert.deepEqual(rgba, Buffer.from(iconPixels(size)), `icon-${size}.png is what make-icons draws`);
      assert.deepEqual(png, encodePng(size, size, iconPixels(size)));
      assert.ok(png.length < 4096, `icon-${size}.png is small (${png.length} bytes)`);
    }
  });
});

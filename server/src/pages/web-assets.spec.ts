import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@signet/test-support';
import { PAGE_CSP, renderPageShell } from './page-shell.js';
import { WEB_MANIFEST, WebAssets, preferredEncoding, type WebManifest } from './web-assets.js';

describe('the web build as the server reads it', () => {
  let tmp: { dir: string; cleanup: () => void };
  const manifest = (scripts: string[]): WebManifest => ({ version: 1, builtAt: '2025-01-15T00:00:00.000Z', mode: 'production', pages: { verify: { scripts, styles: ['/assets/shared.1a2b3c4d.css'] } } });
  const write = (m: WebManifest, mtime: number) => {
    const f = join(tmp.dir, WEB_MANIFEST);
    writeFileSync(f, JSON.stringify(m));
    utimesSync(f, mtime, mtime);
  };
  beforeEach(() => {
    tmp = tempDir('signet-web-assets-');
    mkdirSync(join(tmp.dir, 'assets', 'pdfjs-5.0.0', 'cmaps'), { recursive: true });
    writeFileSync(join(tmp.dir, 'assets', 'verify.0011aabb.js'), 'console.log(1)');
    writeFileSync(join(tmp.dir, 'assets', 'pdfjs-5.0.0', 'cmaps', 'UniGB-UCS2-H.bcmap'), Buffer.from([1, 2, 3]));
    writeFileSync(join(tmp.dir, 'secret.txt'), 'outside assets/');
  });
  afterEach(() => tmp.cleanup());

  it('renders the shell with the page\'s hashed scripts and styles, bilingual, with no external URL', () => {
    write(manifest(['/assets/verify.0011aabb.js']), 1_700_000_000);
    const html = renderPageShell(new WebAssets(tmp.dir), { page: 'verify', title: '验证签名 · Verify signatures — Signet', heading: { zh: '验证 PDF 签名', en: 'Verify PDF signatures' } });
    assert.match(html, /<html lang="zh-CN">/);
    assert.match(html, /name="viewport"/);
    assert.match(html, /<script defer src="\/assets\/verify\.0011aabb\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="\/assets\/shared\.1a2b3c4d\.css">/);
    assert.match(html, /验证 PDF 签名 <span lang="en">Verify PDF signatures<\/span>/);
    assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org)/, 'no external resource');
    assert.doesNotMatch(html, /npm run web:build/);
  });

  it('says how to build the pages when the build is missing, and escapes what it prints', () => {
    const html = renderPageShell(new WebAssets(tmp.dir), { page: 'verify', title: 'a <b> & "c"', heading: { zh: '<验证>', en: 'x' } });
    assert.match(html, /npm run web:build/);
    assert.match(html, /<title>a &lt;b&gt; &amp; &quot;c&quot;<\/title>/);
    assert.match(html, /&lt;验证&gt;/);
    assert.doesNotMatch(html, /<script/);
  });

  it('re-reads the manifest when a rebuild replaces it, and only then', () => {
    const assets = new WebAssets(tmp.dir);
    write(manifest(['/assets/verify.0011aabb.js']), 1_700_000_000);
    const first = assets.manifest();
    assert.equal(assets.manifest(), first, 'the same build is parsed once');
    write(manifest(['/assets/verify.ffee0011.js']), 1_700_000_100);
    assert.deepEqual(assets.manifest()!.pages.verify.scripts, ['/assets/verify.ffee0011.js']);
  });

  it('serves files under assets/ with their content type, and nothing outside it', () => {
    const assets = new WebAssets(tmp.dir);
    assert.equal(assets.asset('verify.0011aabb.js')!.contentType, 'text/javascript; charset=utf-8');
    assert.deepEqual([...assets.asset('pdfjs-5.0.0/cmaps/UniGB-UCS2-H.bcmap')!.body], [1, 2, 3]);
    assert.equal(assets.asset('pdfjs-5.0.0/cmaps/UniGB-UCS2-H.bcmap')!.contentType, 'application/octet-stream');
    assert.equal(assets.asset('../secret.txt'), undefined);
    assert.equal(assets.asset('pdfjs-5.0.0/../../secret.txt'), undefined);
    assert.equal(assets.asset('missing.js'), undefined);
  });

  it('sends the precompressed copy the browser accepts, and the plain file otherwise', () => {
    writeFileSync(join(tmp.dir, 'assets', 'verify.0011aabb.js.br'), Buffer.from([0xb5]));
    const assets = new WebAssets(tmp.dir);
    assert.equal(preferredEncoding('gzip, deflate, br, zstd'), 'br');
    assert.equal(preferredEncoding('gzip;q=1.0, br;q=0'), 'gzip');
    assert.equal(preferredEncoding('identity'), undefined);
    assert.equal(preferredEncoding(undefined), undefined);
    assert.equal(preferredEncoding('*'), 'br');
    const br = assets.asset('verify.0011aabb.js', 'br')!;
    assert.deepEqual([br.encoding, br.contentType, [...br.body]], ['br', 'text/javascript; charset=utf-8', [0xb5]]);
    const gz = assets.asset('verify.0011aabb.js', 'gzip')!;
    assert.equal(gz.encoding, undefined, 'no .gz copy: the plain file');
    assert.equal(gz.body.toString(), 'console.log(1)');
  });

  it('allows scripts, styles, workers and requests from the page\'s own origin only, and no frames', () => {
    for (const d of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) {
      assert.ok(PAGE_CSP.includes(d), d);
    }
    assert.doesNotMatch(PAGE_CSP, /'unsafe-inline'|'unsafe-eval'/);
  });
});

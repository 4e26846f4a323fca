/**
 * `/verify` in Debian's Chromium against the real server: a PDF signed by the installation's CA
 * (B-LT, certifying, visible on page 1) gets the green report with every fact of the signature
 * panel; the same file with one byte flipped gets the red one; a file that is no PDF gets an
 * error in words. Drag and drop works as the file picker does. At 360 px nothing scrolls
 * sideways, every control has a name, and Tab reaches the file picker. Screenshots of each
 * step are kept under `test-artifacts/pages/`.
 */
import assert from 'node:assert/strict';
import { requireTool } from '@signet/test-support';
import { cjkFontBytes, corpusFile } from '@signet/test-support';
import { TextAppearance, sampleIdCardNumber, signPdf } from '@signet/core';
import { startPlatformServer, type PlatformServer } from '../../src/testing/platform-server.js';
import { buildWebOnce } from '../build.js';
import { hasHorizontalScroll, launchChromium, tabOrder, unlabelledControls, type BrowserSession } from '../testing/browser.js';

describe('the verification page /verify in Chromium', function () {
  this.timeout(180_000);
  let srv: PlatformServer;
  let browser: BrowserSession;
  let signed: Buffer;

  before(async function () {
    requireTool(this, 'chromium', 'chromium');
    await buildWebOnce();
    srv = await startPlatformServer({ demo: false });
    const inst = srv.installation;
    const signer = inst.pki.signerFor({ kind: 'person', name: '李四', idNumber: sampleIdCardNumber(7) });
    signed = Buffer.from(await signPdf(corpusFile('unsigned.pdf'), {
      signer, level: 'B-LT', timestamper: inst.timestamper, validationData: inst.validationData, certify: 2,
      page: 1, rect: { x: 60, y: 60, w: 200, h: 60 }, appearance: new TextAppearance({ font: cjkFontBytes() }), reason: '同意 Agreed',
    }));
    browser = await launchChromium({ prefix: 'verify', width: 360, height: 780 });
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  const upload = async (name: string, bytes: Buffer) => {
    await browser.page.locator('#verify-file').setInputFiles({ name, mimeType: 'application/pdf', buffer: bytes });
  };

  it('opens in Chinese with the file picker, labelled controls and no sideways scrolling at 360 px', async () => {
    const { page } = browser;
    await page.goto(`${srv.baseUrl}/verify`);
    await page.getByRole('heading', { name: '验证 PDF 签名' }).first().waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    assert.equal(await page.getByLabel('选择要验证的已签名 PDF 文件').count(), 1);
    assert.equal(await hasHorizontalScroll(page), false, 'no horizontal scrolling at 360 px');
    assert.deepEqual(await unlabelledControls(page), []);
    const order = await tabOrder(page, 6);
    assert.ok(order.includes('选择要验证的已签名 PDF 文件'), `Tab reaches the file picker (got ${order.join(' | ')})`);
    await browser.screenshot('empty');
  });

  it('shows the green report for a valid signed file: who, when, trusted, unmodified, LTV, field and page, certification', async () => {
    const { page } = browser;
    await upload('contract-signed.pdf', signed);
    const verdict = page.locator('.verdict');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-tone'), 'ok');
    assert.match(await verdict.innerText(), /签名有效/);
    assert.match(await verdict.innerText(), /contract-signed\.pdf/);
    assert.match(await verdict.innerText(), /已由 李四 认证（仅允许填写表单和签名）/);
    const card = page.getByRole('article', { name: /版本 \d+ 李四 签署/ });
    assert.equal(await card.getAttribute('data-tone'), 'ok');
    const text = await card.innerText();
    for (const s of ['有效', '自签署后文档未被修改', '签署人身份有效', '含可信时间戳', '已启用长期验证（LTV）', '认证签名（DocMDP P=2）', '第 1 页']) {
      assert.ok(text.includes(s), `the signature card says "${s}"`);
    }
    assert.equal(await hasHorizontalScroll(page), false);
    await browser.screenshot('valid');
    await card.getByText('技术详情').click();
    assert.match(await card.innerText(), /B-LT/);
    assert.match(await card.innerText(), /TOTAL_PASSED/);
    await browser.screenshot('valid-details');
    assert.deepEqual(await unlabelledControls(page), []);
  });

  it('shows the red report for the same file with one byte flipped', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: '验证其他文件' }).click();
    const tampered = Buffer.from(signed);
    tampered[10] ^= 0x01; // inside the binary comment of the first revision: still a PDF, but not the signed bytes
    await upload('contract-tampered.pdf', tampered);
    const verdict = page.locator('.verdict');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-tone'), 'bad');
    assert.match(await verdict.innerText(), /签名无效/);
    const card = page.getByRole('article', { name: /版本 \d+ 李四 签署/ });
    assert.equal(await card.getAttribute('data-tone'), 'bad');
    assert.match(await card.innerText(), /文档已被篡改或签名已损坏/);
    assert.match(await card.innerText(), /无效/);
    const colour = await verdict.evaluate((el) => getComputedStyle(el.querySelector('h2')!).color);
    assert.equal(colour, 'rgb(180, 35, 24)', 'the verdict is written in red');
    await browser.screenshot('tampered');
  });

  it('says in words that a file which is not a PDF cannot be verified', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: '验证其他文件' }).click();
    await upload('notes.pdf', Buffer.from('hello, this is not a PDF'));
    await page.getByRole('alert').filter({ hasText: '无法验证此文件' }).waitFor();
    assert.match(await page.getByRole('alert').filter({ hasText: '无法验证此文件' }).innerText(), /这不是 PDF 文件/);
    await browser.screenshot('not-a-pdf');
  });

  it('verifies a dropped file, and switches to English and remembers it', async () => {
    const { page } = browser;
    await page.goto(`${srv.baseUrl}/verify`);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Verify PDF signatures' }).first().waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.reload();
    await page.getByRole('heading', { name: 'Verify PDF signatures' }).first().waitFor();
    const data = signed.toString('base64');
    await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'dropped.pdf', { type: 'application/pdf' }));
      const zone = document.querySelector('.dropzone')!;
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, data);
    const verdict = page.locator('.verdict');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-tone'), 'ok');
    assert.match(await verdict.innerText(), /Signed and all signatures are valid/);
    assert.match(await verdict.innerText(), /dropped\.pdf/);
    await browser.screenshot('dropped-en');
    await page.getByRole('button', { name: '切换到中文 (Chinese)' }).click();
    await page.getByText('签名有效').first().waitFor();
  });

  it('is served with its Content-Security-Policy, and its hashed assets with a year-long immutable cache', async () => {
    const res = await fetch(`${srv.baseUrl}/verify`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy')!, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script defer src="([^"]+)"/g)].map((m) => m[1]);
    const styles = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(scripts.length >= 1 && styles.length === 2, html);
    for (const u of [...scripts, ...styles]) {
      assert.match(u, /^\/assets\/[a-z-]+\.[0-9a-f]{8}\.(js|css)$/, 'content-hashed names');
      const a = await fetch(`${srv.baseUrl}${u}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      assert.equal(a.status, 200, u);
      assert.equal(a.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(a.headers.get('content-encoding'), 'br', 'sent precompressed');
      assert.ok((await a.text()).length > 100, 'and it decodes');
      assert.match(a.headers.get('content-type')!, u.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
    }
    const cmap = await fetch(`${srv.baseUrl}/assets/pdfjs-${(await import('../build.js')).pdfjsVersion()}/cmaps/UniGB-UCS2-H.bcmap`);
    assert.equal(cmap.status, 200, 'pdf.js CMaps are served locally');
    const missing = await fetch(`${srv.baseUrl}/assets/verify.00000000.js`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, 'NOT_FOUND');
    assert.equal((await fetch(`${srv.baseUrl}/assets/..%2Fmanifest.json`)).status, 400, 'no way out of assets/');
    const sign = await fetch(`${srv.baseUrl}/sign/${'B'.repeat(43)}`);
    assert.equal(sign.status, 200, 'the signing page itself is public; the API judges the link');
    assert.equal(sign.headers.get('cache-control'), 'no-store');
    assert.equal(sign.headers.get('x-robots-tag'), 'noindex, nofollow');
    assert.ok(!(await sign.text()).includes('B'.repeat(43)), 'the token is not echoed into the page');
  });

  it('is laid out for a desktop screen too (1280 × 900)', async () => {
    const desk = await launchChromium({ prefix: 'verify-desktop', width: 1280, height: 900, mobile: false });
    try {
      await desk.page.goto(`${srv.baseUrl}/verify`);
      await desk.page.locator('#verify-file').setInputFiles({ name: 'contract-signed.pdf', mimeType: 'application/pdf', buffer: signed });
      await desk.page.locator('.verdict').waitFor();
      await desk.page.locator('.sig-details summary').first().click();
      assert.equal(await hasHorizontalScroll(desk.page), false);
      await desk.screenshot('valid');
      assert.deepEqual(desk.pageErrors, []);
    } finally {
      await desk.close();
    }
  });

  it('loaded nothing from outside 127.0.0.1 and raised no page error', () => {
    assert.deepEqual(browser.external, []);
    assert.deepEqual(browser.pageErrors, []);
  });
});

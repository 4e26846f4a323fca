/**
 * The enterprise console `/console` in Debian's Chromium against the real server and platform
 * (`startPlatformServer`: lowdb in a temp dir, the embedded CA and TSA, the sandbox identity
 * bureau, the dev message log as the SMS gateway). Screenshots of every step go to
 * `test-artifacts/pages/` (`console-NN-…` on the desktop, `console-phone-NN-…` on the phone).
 *
 * - The demo admin logs in on a 1280 × 900 desktop, uploads a PDF, adds two signers, drags a
 *   signature and a date field onto the page for the first, places a text field with the
 *   keyboard and says what it asks for, drags a signature field for the second, and sends. The
 *   request carries the rectangles where the fields were dropped, in PDF points.
 * - The first signer opens the link from their SMS on a 390 × 844 phone, fills the text field,
 *   draws a signature, enters the SMS code and signs; the console shows their status and the
 *   box counts. The second signer signs too, without handwriting.
 * - The console shows the completed contract in its lists; the PDF downloaded from the detail
 *   page verifies (Signet's verifier and `pdfsig`) with both signatures and the filled date and
 *   text; `/verify` shows it green, and red for a tampered copy.
 * - The console does not scroll sideways at 390 px (lists, detail, the send page with the designer,
 *   where a finger drags a field onto the page), reads in English too, and is laid out with a
 *   sidebar at 1280 px.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { DEMO_SEED, PdfReader, findTextFields, verifyPdf } from '@signet/core';
import { makeNssDb, pdfsig, requireTool, tempDir } from '@signet/test-support';
import { startPlatformServer, type PlatformServer } from '../../src/testing/platform-server.js';
import type { CreateContractBody } from '../../src/http/routes/contract-routes.js';
import { buildWebOnce } from '../build.js';
import { PAGES_ARTIFACTS, hasHorizontalScroll, launchChromium, unlabelledControls, type BrowserSession } from '../testing/browser.js';
import { codeCount, contractPdf, invitationUrl, newCode } from '../testing/sign-fixtures.js';

const TITLE = '软件许可协议';
// Two demo members (verified by the seed, so their links need no real-name step and one SMS code each).
const [SECOND, FIRST] = DEMO_SEED.members;
const TEXT_LABEL = '联系地址 Address';

describe('the enterprise console /console in Chromium', function () {
  this.timeout(300_000);
  let srv: PlatformServer;
  let desk: BrowserSession;
  let phone: BrowserSession;
  let tmp: { dir: string; cleanup: () => void };
  let contractId: string;
  let sent: CreateContractBody;
  let completed: Buffer;

  before(async function () {
    requireTool(this, 'chromium', 'chromium');
    requireTool(this, 'pdfsig', 'poppler-utils');
    requireTool(this, 'certutil', 'libnss3-tools');
    tmp = tempDir('signet-console-page-');
    const [, server, d, p] = await Promise.all([
      buildWebOnce(),
      startPlatformServer(),
      launchChromium({ prefix: 'console', width: 1280, height: 900, mobile: false }),
      launchChromium({ prefix: 'console-phone' }),
    ]);
    srv = server;
    desk = d;
    phone = p;
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    const name = `FAILED-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`;
    await desk?.screenshot(name, desk.page, { viewport: true }).catch(() => undefined);
    await phone?.screenshot(name, phone.page, { viewport: true }).catch(() => undefined);
  });
  after(async () => {
    await desk?.close();
    await phone?.close();
    await srv?.close();
    tmp?.cleanup();
  });

  /** Drags the palette item of `kind` onto page 1 of the designer, dropping it at fractions (fx, fy) of the page. */
  const dragField = async (page: Page, kind: string, fx: number, fy: number) => {
    const target = page.locator('.designer .pdf-page[data-page="1"]');
    // The drop point in the middle of the screen; the palette sticks to the top meanwhile.
    await target.evaluate((el, f) => { const r = el.getBoundingClientRect(); window.scrollBy(0, r.top + f * r.height - innerHeight / 2); }, fy);
    const from = (await page.locator(`.palette-item[data-kind="${kind}"]`).boundingBox())!;
    const to = (await target.boundingBox())!;
    assert.ok(from.y > 0 && from.y + from.height < to.y + fy * to.height, 'the palette is in view above the drop point');
    const before = await page.locator(`.placed-field[data-kind="${kind}"]`).count();
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + fx * to.width, to.y + fy * to.height, { steps: 8 });
    await page.locator('.drag-ghost').waitFor();
    await page.mouse.up();
    await page.waitForFunction(([k, n]) => document.querySelectorAll(`.placed-field[data-kind="${k}"]`).length > Number(n), [kind, before] as const);
  };

  /** The counts the box navigation shows, by box. */
  const boxCounts = async (page: Page) => Object.fromEntries(await page.locator('.box-link .count').evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.box!, Number(e.textContent)])));

  it('the admin logs in, uploads a PDF, adds two signers, drags a signature and a date field onto the page, and sends', async () => {
    const { page } = desk;
    await page.goto(`${srv.baseUrl}/console`);
    await page.getByRole('heading', { name: '登录企业控制台' }).waitFor();
    await page.getByLabel('手机号').fill(srv.demo!.login.mobile);
    await page.getByLabel('登录密码').fill(srv.demo!.login.password);
    await desk.screenshot('login', page, { viewport: true });
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('navigation', { name: '控制台导航' }).waitFor();
    await page.getByRole('link', { name: '发起签署' }).first().click();
    await page.getByRole('heading', { name: '发起签署', level: 1 }).waitFor();

    const pdf = contractPdf({ title: `${TITLE} Software licence agreement`, pages: 1 });
    await page.locator('#send-file').setInputFiles({ name: `${TITLE}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
    await page.locator('.designer .pdf-page[data-page="1"] .pdf-canvas.is-drawn').waitFor();
    assert.equal(await page.locator('#send-title').inputValue(), TITLE, 'the title comes from the file name');

    // Two signers, in order.
    const row = (n: number) => page.locator(`[data-signer-row="${n}"]`);
    await row(1).getByLabel('姓名').fill(FIRST.name);
    await row(1).getByLabel('手机号').fill(FIRST.mobile);
    await page.getByRole('button', { name: '添加签署方' }).click();
    await row(2).getByLabel('姓名').fill(SECOND.name);
    await row(2).getByLabel('手机号').fill(SECOND.mobile);

    // The first signer's fields: a signature and a date dragged, a text placed with the keyboard.
    await page.getByLabel('放置给').selectOption({ label: FIRST.name });
    await dragField(page, 'signature', 0.72, 0.68);
    await dragField(page, 'date', 0.72, 0.76);
    await page.locator('.palette-item[data-kind="text"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('.placed-field[data-kind="text"]').waitFor();
    // A text field must say what it asks for.
    const sendButton = page.locator('.form-actions').getByRole('button', { name: '发起签署' });
    await sendButton.click();
    await page.getByRole('alert').getByText('请填写文本字段 1 的填写项名称。').waitFor();
    await page.getByLabel('文本字段 1 的填写项名称（如 身份证号）').fill(TEXT_LABEL);
    await page.getByRole('alert').filter({ hasText: '请填写文本字段 1 的填写项名称。' }).waitFor({ state: 'detached' });
    assert.ok(await page.getByLabel('文本字段 1 必填').isChecked(), 'a text field is required by default');
    await page.locator('.placed-field[data-kind="text"]').getByText(`${TEXT_LABEL} · ${FIRST.name}`).waitFor();
    // The second signer's signature.
    await page.getByLabel('放置给').selectOption({ label: SECOND.name });
    await dragField(page, 'signature', 0.3, 0.68);
    assert.deepEqual(await page.locator('.placed-field').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind)), ['signature', 'date', 'text', 'signature']);
    await page.getByText('已放置 4 个字段。').waitFor();
    assert.deepEqual(await unlabelledControls(page), [], 'every control of the send page is labelled');
    await desk.screenshot('send-fields');

    const request = page.waitForRequest((r: Request) => r.url().endsWith('/api/v1/contracts') && r.method() === 'POST');
    await sendButton.click();
    sent = (await request).postDataJSON() as CreateContractBody;
    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    contractId = new URL(page.url()).pathname.split('/').pop()!;

    // The fields went where they were dropped: the centre of each, in PDF points (A4, origin bottom-left).
    const [one, two] = sent.signers as { name: string; step?: number; fields: { kind: string; page: number; rect: { x: number; y: number; w: number; h: number }; label?: string; required?: boolean }[] }[];
    assert.deepEqual([one.name, one.step, two.name, two.step], [FIRST.name, 1, SECOND.name, 2]);
    assert.deepEqual(one.fields.map((f) => f.kind), ['signature', 'date', 'text']);
    assert.deepEqual(two.fields.map((f) => f.kind), ['signature']);
    const near = (f: { rect: { x: number; y: number; w: number; h: number } }, fx: number, fy: number) => {
      const cx = f.rect.x + f.rect.w / 2;
      const cy = f.rect.y + f.rect.h / 2;
      assert.ok(Math.abs(cx - fx * 595) < 4 && Math.abs(cy - (1 - fy) * 842) < 4, `field centred at (${cx}, ${cy}), dropped at (${fx * 595}, ${(1 - fy) * 842})`);
    };
    near(one.fields[0], 0.72, 0.68);
    near(one.fields[1], 0.72, 0.76);
    near(two.fields[0], 0.3, 0.68);
    assert.deepEqual([one.fields[0].rect.w, one.fields[0].rect.h, one.fields[1].rect.w, one.fields[1].rect.h], [150, 50, 120, 24], 'default sizes in points');
    assert.equal(one.fields[2].label, TEXT_LABEL);
    assert.equal(one.fields[2].required, true);

    // The detail page: signers and their statuses, the timeline.
    const signers = page.locator('.detail-signers li');
    await signers.first().waitFor();
    assert.match(await signers.nth(0).innerText(), new RegExp(`${FIRST.name}[\\s\\S]*未读`));
    assert.match(await signers.nth(1).innerText(), new RegExp(`${SECOND.name}[\\s\\S]*未读`));
    await page.locator('.timeline li[data-type="contract.sent"]').waitFor();
    await page.locator('.documents .pdf-page[data-page="1"] .pdf-canvas.is-drawn').waitFor();
    assert.equal(await hasHorizontalScroll(page), false);
    await desk.screenshot('sent-detail');
  });

  it('the first signer signs on a phone: fills the text field, draws, enters the SMS code; the console shows it', async () => {
    const { page } = phone;
    await page.goto(await invitationUrl(srv, FIRST.mobile));
    await page.getByRole('heading', { name: TITLE, level: 2 }).waitFor();
    await page.locator('.pdf-page[data-page="1"] .pdf-canvas.is-drawn').waitFor();
    await page.getByRole('textbox', { name: /联系地址/ }).fill('上海市浦东新区世纪大道 100 号');
    await phone.screenshot('signer-1-opened', page, { viewport: true });
    await page.getByRole('button', { name: '立即签署' }).click();
    const sheet = page.getByRole('dialog', { name: '签署合同' });
    await sheet.getByRole('heading', { name: '手写签名' }).waitFor();
    const pad = (await page.locator('#signature-pad').boundingBox())!;
    await page.mouse.move(pad.x + pad.width * 0.2, pad.y + pad.height * 0.6);
    await page.mouse.down();
    for (const [fx, fy] of [[0.3, 0.3], [0.4, 0.65], [0.5, 0.35], [0.62, 0.6], [0.8, 0.4]]) await page.mouse.move(pad.x + pad.width * fx, pad.y + pad.height * fy, { steps: 4 });
    await page.mouse.up();
    await sheet.getByRole('button', { name: '使用此签名' }).click();
    await sheet.getByRole('heading', { name: '意愿认证' }).waitFor();
    // Only the SMS code: the signer has no signing password, so there is no choice to make.
    assert.equal(await sheet.getByRole('radio').count(), 0);
    const codes = await codeCount(srv, FIRST.mobile);
    await sheet.getByRole('button', { name: '获取验证码', exact: true }).click();
    await sheet.getByLabel('短信验证码').fill(await newCode(srv, FIRST.mobile, codes));
    await phone.screenshot('signer-1-otp', page, { viewport: true });
    await sheet.getByRole('button', { name: '确认签署' }).click();
    await page.getByRole('heading', { name: '签署成功' }).waitFor({ timeout: 30_000 });
    await phone.screenshot('signer-1-signed', page, { viewport: true });

    // The console, reloaded: the first signer signed, the second has their turn; the admin waits for others.
    const d = desk.page;
    await d.goto(`${srv.baseUrl}/console/contracts?box=waiting`);
    const item = d.locator(`.contract-row[data-contract="${contractId}"]`);
    await item.waitFor();
    assert.match(await item.locator('.row-meta').innerText(), /签署中/);
    assert.deepEqual((await item.locator('.row-signer').allInnerTexts()).map((x) => x.replace(/\s+/g, ' ')), [`${FIRST.name} 已签署`, `${SECOND.name} 未读`]);
    const counts = await boxCounts(d);
    assert.deepEqual([counts.waiting, counts.outbox, counts.todo, counts.drafts], [1, 1, 0, 0], JSON.stringify(counts));
    assert.equal(await d.getByRole('link', { name: '待他人签署（1）' }).getAttribute('aria-current'), 'page');
    await desk.screenshot('list-waiting');
  });

  it('the second signer signs without handwriting; the console lists the contract as completed', async () => {
    const { page } = phone;
    await page.goto(await invitationUrl(srv, SECOND.mobile));
    await page.getByRole('heading', { name: TITLE, level: 2 }).waitFor();
    await page.locator('.pdf-page[data-page="1"] .pdf-canvas.is-drawn').waitFor();
    await page.getByRole('button', { name: '立即签署' }).click();
    const sheet = page.getByRole('dialog', { name: '签署合同' });
    await sheet.getByRole('button', { name: '不手写，使用电子签名' }).click();
    await sheet.getByRole('heading', { name: '意愿认证' }).waitFor();
    // Only the SMS code: the signer has no signing password, so there is no choice to make.
    assert.equal(await sheet.getByRole('radio').count(), 0);
    const codes = await codeCount(srv, SECOND.mobile);
    await sheet.getByRole('button', { name: '获取验证码', exact: true }).click();
    await sheet.getByLabel('短信验证码').fill(await newCode(srv, SECOND.mobile, codes));
    await sheet.getByRole('button', { name: '确认签署' }).click();
    await page.getByRole('heading', { name: '合同已签署完成' }).waitFor({ timeout: 30_000 });
    await phone.screenshot('signer-2-completed', page, { viewport: true });

    const d = desk.page;
    await d.goto(`${srv.baseUrl}/console/contracts?box=all`);
    const item = d.locator(`.contract-row[data-contract="${contractId}"]`);
    await item.waitFor();
    assert.match(await item.locator('.row-meta').innerText(), /已完成/);
    assert.deepEqual((await item.locator('.row-signer').allInnerTexts()).map((x) => x.replace(/\s+/g, ' ')), [`${FIRST.name} 已签署`, `${SECOND.name} 已签署`]);
    const counts = await boxCounts(d);
    assert.deepEqual([counts.waiting, counts.outbox, counts.todo, counts.drafts], [0, 1, 0, 0], JSON.stringify(counts));
    // The status filter finds it among the completed contracts.
    await d.locator('.filters > summary').click();
    await d.getByLabel('状态').selectOption({ label: '已完成' });
    await d.locator('.filter-grid').getByRole('button', { name: '筛选', exact: true }).click();
    await d.waitForURL(/status=completed/);
    await item.waitFor();
    await desk.screenshot('list-completed');
  });

  it('the PDF downloaded from the console verifies, with both signatures and the filled fields; /verify shows it green, and red when tampered', async () => {
    const d = desk.page;
    await d.locator(`.contract-row[data-contract="${contractId}"] .row-title`).click();
    await d.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    assert.match(await d.locator('.detail-signers').innerText(), new RegExp(`${FIRST.name}[\\s\\S]*已签署[\\s\\S]*${SECOND.name}[\\s\\S]*已签署`));
    await d.locator('.timeline li[data-type="contract.completed"]').waitFor();
    assert.deepEqual(await d.locator('.timeline li[data-type="signer.signed"] > span:not(.hash)').allInnerTexts(), [`${FIRST.name} 已签署`, `${SECOND.name} 已签署`], 'the timeline names the signers');
    const [download] = await Promise.all([d.waitForEvent('download'), d.getByRole('toolbar', { name: '合同操作' }).getByRole('button', { name: '下载' }).click()]);
    assert.equal(download.suggestedFilename(), `${TITLE}.pdf`);
    const file = join(tmp.dir, 'completed.pdf');
    await download.saveAs(file);
    completed = readFileSync(file);
    writeFileSync(join(PAGES_ARTIFACTS, 'console-completed.pdf'), completed);
    await desk.screenshot('completed-detail');

    const report = verifyPdf(completed, { trustAnchors: [srv.installation.pki.rootCertificate] });
    assert.ok(report.valid, report.summary);
    assert.deepEqual(report.signatures.filter((s) => s.type === 'signature').map((s) => s.signer?.commonName), [FIRST.name, SECOND.name]);
    const reader = PdfReader.load(completed);
    const fields = findTextFields(reader);
    const value = (n: string) => (reader.resolve(fields.get(n)!.dict.get('V')) as { toText(): string }).toText();
    assert.match(value('Signet-s1-date1'), /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(value('Signet-s1-text1'), '上海市浦东新区世纪大道 100 号');

    const nss = makeNssDb([await (await fetch(`${srv.baseUrl}/pki/root.pem`)).text()]);
    try {
      const sig = pdfsig(file, nss.nssDir);
      for (const name of [FIRST.name, SECOND.name]) {
        const s = sig.signatures.filter((x) => x.signerName === name);
        assert.equal(s.length, 1, sig.stdout);
        assert.equal(s[0].validation, 'Signature is Valid.', sig.stdout);
        assert.equal(s[0].certificate, 'Certificate is Trusted.', sig.stdout);
      }
    } finally {
      nss.cleanup();
    }

    await d.goto(`${srv.baseUrl}/verify`);
    await d.locator('#verify-file').setInputFiles({ name: `${TITLE}.pdf`, mimeType: 'application/pdf', buffer: completed });
    const verdict = d.locator('.verdict');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-tone'), 'ok');
    await d.getByRole('article', { name: new RegExp(`${FIRST.name} 签署`) }).waitFor();
    await d.getByRole('article', { name: new RegExp(`${SECOND.name} 签署`) }).waitFor();
    await desk.screenshot('verify-valid');

    // One byte flipped inside the header's binary comment: still a PDF, but no longer the bytes that were signed.
    const tampered = Buffer.from(completed);
    tampered[10] ^= 0x01;
    assert.equal(verifyPdf(tampered, { trustAnchors: [srv.installation.pki.rootCertificate] }).valid, false);
    await d.getByRole('button', { name: '验证其他文件' }).click();
    await d.locator('#verify-file').setInputFiles({ name: `${TITLE}-tampered.pdf`, mimeType: 'application/pdf', buffer: tampered });
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-tone'), 'bad');
    assert.match(await verdict.innerText(), /签名无效/);
    await desk.screenshot('verify-tampered');
  });

  it('does not scroll sideways at 390 px and is laid out with a sidebar at 1280 × 900', async () => {
    // The phone gets the admin's session.
    await phone.ctx.addCookies(await desk.ctx.cookies());
    const p = phone.page;
    for (const [name, path, ready] of [
      ['list', '/console/contracts?box=all', `.contract-row[data-contract="${contractId}"]`],
      ['detail', `/console/contracts/${contractId}`, '.documents .pdf-canvas.is-drawn'],
      ['send', '/console/send', '#send-file'],
    ] as const) {
      await p.goto(`${srv.baseUrl}${path}`);
      await p.locator(ready).first().waitFor();
      assert.equal(await hasHorizontalScroll(p), false, `${path} does not scroll sideways at 390 px`);
      await phone.screenshot(`console-${name}`, p);
    }
    // The send page with a PDF in the designer and the field list, on the phone.
    await p.locator('#send-file').setInputFiles({ name: 'phone.pdf', mimeType: 'application/pdf', buffer: Buffer.from(contractPdf({ title: '手机发起 Phone' })) });
    await p.locator('.designer .pdf-page[data-page="1"] .pdf-canvas.is-drawn').waitFor();
    await p.locator('.palette-item[data-kind="text"]').focus();
    await p.keyboard.press('Enter');
    await p.locator('.placed-field[data-kind="text"]').waitFor();
    await p.locator('.send-fields').waitFor();
    // A finger drags a date field onto the page too (touch, through pointer events).
    await p.locator('.palette').evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 110));
    const from = (await p.locator('.palette-item[data-kind="date"]').boundingBox())!;
    const to = (await p.locator('.designer .pdf-page[data-page="1"]').boundingBox())!;
    const cdp = await phone.ctx.newCDPSession(p);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x?: number, y?: number) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: x === undefined ? [] : [{ x, y: y!, id: 1, radiusX: 2, radiusY: 2, force: 0.5 }] });
    await touch('touchStart', from.x + from.width / 2, from.y + from.height / 2);
    for (let i = 1; i <= 6; i++) await touch('touchMove', from.x + from.width / 2 + (to.x + to.width * 0.7 - from.x - from.width / 2) * i / 6, from.y + from.height / 2 + (to.y + to.height * 0.3 - from.y - from.height / 2) * i / 6);
    await touch('touchEnd');
    await p.locator('.placed-field[data-kind="date"]').waitFor();
    const dropped = (await p.locator('.placed-field[data-kind="date"]').boundingBox())!;
    assert.ok(Math.abs(dropped.x + dropped.width / 2 - (to.x + to.width * 0.7)) < 3 && Math.abs(dropped.y + dropped.height / 2 - (to.y + to.height * 0.3)) < 3, 'the date field lands under the finger');
    await p.getByText('已放置 2 个字段。').waitFor();
    assert.equal(await hasHorizontalScroll(p), false, 'the designer and the field list fit 390 px');
    assert.deepEqual(await unlabelledControls(p), []);
    await phone.screenshot('console-send-designer', p);
    // The same in English.
    await p.getByRole('button', { name: 'Switch to English' }).click();
    await p.getByLabel('What text field 1 asks for (e.g. ID number)').waitFor();
    assert.deepEqual(await p.locator('.palette-item').allInnerTexts(), ['Signature', 'Seal', 'Date', 'Text']);
    await p.getByRole('button', { name: '切换到中文' }).click();

    // Desktop: the navigation is a sidebar on the left of the main column, and nothing scrolls sideways.
    const d = desk.page;
    await d.goto(`${srv.baseUrl}/console/contracts?box=outbox`);
    await d.locator(`.contract-row[data-contract="${contractId}"]`).waitFor();
    const nav = (await d.locator('.console-nav').boundingBox())!;
    const main = (await d.locator('.console-main').boundingBox())!;
    assert.ok(nav.x < 1 && nav.width > 150 && nav.width < 260 && nav.height > 600, `the sidebar: ${JSON.stringify(nav)}`);
    assert.ok(main.x >= nav.x + nav.width - 1 && main.width > 800, `the main column: ${JSON.stringify(main)}`);
    assert.equal(await hasHorizontalScroll(d), false);
    assert.deepEqual(await unlabelledControls(d), []);
    await desk.screenshot('desktop-outbox', d, { viewport: true });

    assert.deepEqual(desk.pageErrors, []);
    assert.deepEqual(phone.pageErrors, []);
    assert.deepEqual([...desk.external, ...phone.external], []);
  });
});

/**
 * The signer's page `/sign/<token>` in Debian's Chromium (390 × 844, touch, zh-CN) against the
 * real server and platform (`startPlatformServer`: lowdb in a temp dir, the embedded CA and TSA,
 * the sandbox identity bureau, the dev message log as the SMS gateway). Contracts are sent through
 * the API as the demo admin. Screenshots of every step go to `test-artifacts/pages/`.
 *
 * - An unverified external signer reads all three pages, walks the "next field" button through
 *   both of their fields, verifies their real name in the flow, draws a signature with mouse, pen
 *   (pressure) and touch, enters a wrong and then the right SMS code, signs, and sees "signed".
 * - The second signer of that contract rejects it with a reason, after a confirmation dialog.
 * - A signer of a two-document contract reads each document in its tab, signs once for both,
 *   and downloads the completed PDFs, which `verifyPdf` and `pdfsig` accept.
 * - Expired, revoked, used and unknown links each get their own page.
 * - At 360 px nothing scrolls sideways, every control has a name, and Tab reaches the controls.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Page, Request } from 'playwright-core';
import { PdfReader, findTextFields, sampleIdCardNumber, verifyPdf } from '@signet/core';
import { makeNssDb, pdfsig, requireTool, tempDir } from '@signet/test-support';
import { startPlatformServer, type PlatformServer } from '../../src/testing/platform-server.js';
import type { SessionClient } from '../../src/testing/session-client.js';
import { buildWebOnce } from '../build.js';
import { PAGES_ARTIFACTS, hasHorizontalScroll, launchChromium, tabOrder, unlabelledControls, type BrowserSession } from '../testing/browser.js';
import { codeCount, contractPdf, invitationUrl, newCode, sendContract, tokenOfUrl, type SentContract } from '../testing/sign-fixtures.js';

const SIGNER = { name: '王小明', mobile: '13912345671' };
const SECOND = { name: '李小红', mobile: '13912345672' };
const THIRD = { name: '赵大勇', mobile: '13912345673' };

describe('the signer\'s page /sign/<token> in Chromium', function () {
  this.timeout(300_000);
  let srv: PlatformServer;
  let admin: SessionClient;
  let browser: BrowserSession;
  let page: Page;
  let tmp: { dir: string; cleanup: () => void };
  let first: SentContract;
  const tokens: string[] = [];

  before(async function () {
    requireTool(this, 'chromium', 'chromium');
    requireTool(this, 'pdfsig', 'poppler-utils');
    requireTool(this, 'certutil', 'libnss3-tools');
    tmp = tempDir('signet-sign-page-');
    const [, server] = await Promise.all([buildWebOnce(), startPlatformServer()]);
    srv = server;
    admin = await srv.demoAdmin();
    browser = await launchChromium({ prefix: 'sign' });
    page = browser.page;
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await browser?.screenshot(`FAILED-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`, page, { viewport: true }).catch(() => undefined);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    tmp?.cleanup();
  });

  /** Opens a signing URL and waits for the page to leave its loading state. */
  const open = async (url: string, p: Page = page) => {
    tokens.push(tokenOfUrl(url));
    await p.goto(url);
    await p.locator('main.page.sign').waitFor();
    await p.waitForFunction(() => !document.querySelector('main.page.sign > .boot'));
  };

  /** Draws a stroke on the pad: `points` are fractions of the pad; `via` the input device. */
  const stroke = async (cdp: CDPSession, via: 'mouse' | 'pen' | 'touch', points: [number, number][]) => {
    const box = (await page.locator('#signature-pad').boundingBox())!;
    const at = ([fx, fy]: [number, number]) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height });
    if (via === 'mouse') {
      await page.mouse.move(at(points[0]).x, at(points[0]).y);
      await page.mouse.down();
      for (const p of points.slice(1)) await page.mouse.move(at(p).x, at(p).y, { steps: 4 });
      await page.mouse.up();
    } else if (via === 'pen') {
      const send = (type: string, p: [number, number], force: number) =>
        cdp.send('Input.dispatchMouseEvent', { type: type as 'mouseMoved', ...at(p), button: 'left', buttons: type === 'mouseReleased' ? 0 : 1, clickCount: 1, pointerType: 'pen', force });
      await send('mousePressed', points[0], 0.2);
      for (const [i, p] of points.slice(1).entries()) await send('mouseMoved', p, 0.2 + (0.7 * (i + 1)) / points.length);
      await send('mouseReleased', points[points.length - 1], 0);
    } else {
      const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', p?: [number, number]) =>
        cdp.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ ...at(p), id: 1, radiusX: 2, radiusY: 2, force: 0.5 }] : [] });
      await touch('touchStart', points[0]);
      for (const p of points.slice(1)) await touch('touchMove', p);
      await touch('touchEnd');
    }
  };

  it('an unverified signer reads every page, goes through "next field", verifies their real name, draws, enters the SMS code and signs', async () => {
    first = await sendContract(admin, {
      title: '技术服务合同',
      files: [{ name: '技术服务合同.pdf', pdf: contractPdf({ title: '技术服务合同 Technical service agreement', pages: 3 }) }],
      signers: [
        { kind: 'person', name: SIGNER.name, mobile: SIGNER.mobile, fields: [{ page: 1, rect: { x: 380, y: 90, w: 150, h: 60 } }, { page: 3, rect: { x: 330, y: 230, w: 150, h: 60 } }] },
        { kind: 'person', name: SECOND.name, mobile: SECOND.mobile, fields: [{ page: 3, rect: { x: 90, y: 230, w: 150, h: 60 } }] },
      ],
    });
    const url = await invitationUrl(srv, SIGNER.mobile);
    assert.equal(url, first.links.find((l) => l.signerId === 's1')!.url, 'the SMS carries the link the API gave');
    await open(url);
    await page.getByRole('heading', { name: '技术服务合同', level: 2 }).waitFor();
    assert.match(await page.locator('.intro').innerText(), /上海示例科技|Signet 演示|邀请您签署/);
    assert.match(await page.locator('.intro').innerText(), /共 1 份文件，2 处需要您签署/);
    await page.locator('.pdf-page[data-page="1"] .pdf-canvas.is-drawn').waitFor();
    assert.equal(await page.locator('.pdf-page').count(), 3, 'every page of the document is laid out');
    await browser.screenshot('opened', page, { viewport: true });

    // Reading: each page is drawn when it comes near the screen; the indicator follows.
    for (const n of [2, 3]) {
      await page.locator(`.pdf-page[data-page="${n}"]`).scrollIntoViewIfNeeded();
      await page.locator(`.pdf-page[data-page="${n}"] .pdf-canvas.is-drawn`).waitFor();
    }
    await page.getByText('第 3 / 3 页').waitFor();

    // Next field: page 1, then page 3, focused each time.
    await page.getByRole('button', { name: '下一个签署位置（1/2）' }).click();
    await page.waitForFunction(() => (document.activeElement as HTMLElement | null)?.getAttribute('aria-label')?.includes('签名处 1/2：第 1 页'));
    await browser.screenshot('next-field-1', page, { viewport: true });
    await page.getByRole('button', { name: '下一个签署位置（2/2）' }).click();
    await page.waitForFunction(() => (document.activeElement as HTMLElement | null)?.getAttribute('aria-label')?.includes('签名处 2/2：第 3 页'));

    // Zoom changes the page size and fit-width brings it back.
    const width = async () => (await page.locator('.pdf-page[data-page="1"]').boundingBox())!.width;
    const fitted = await width();
    await page.getByRole('button', { name: '放大' }).click();
    await page.waitForFunction((w) => document.querySelector('.pdf-page[data-page="1"]')!.getBoundingClientRect().width > w + 20, fitted);
    await page.getByRole('button', { name: '适合宽度' }).click();
    await page.waitForFunction((w) => Math.abs(document.querySelector('.pdf-page[data-page="1"]')!.getBoundingClientRect().width - w) < 2, fitted);

    // Sign: the real-name step first.
    await page.getByRole('button', { name: '立即签署' }).click();
    const sheet = page.getByRole('dialog', { name: '签署合同' });
    await sheet.getByRole('heading', { name: '实名认证' }).waitFor();
    assert.equal(await sheet.getByLabel('姓名').inputValue(), SIGNER.name);
    await sheet.getByLabel('身份证号').fill('110105194912310021');
    await sheet.getByRole('button', { name: '核验并获取验证码' }).click();
    await sheet.getByText('请输入正确的 18 位身份证号码').waitFor();
    await browser.screenshot('identity-invalid', page, { viewport: true });
    const before = await codeCount(srv, SIGNER.mobile);
    await sheet.getByLabel('身份证号').fill(sampleIdCardNumber(321, { sequenceLastDigit: 3 }));
    await sheet.getByRole('button', { name: '核验并获取验证码' }).click();
    await sheet.getByText(/验证码已发送至 139\*\*\*\*5671/).waitFor();
    await sheet.getByLabel('短信验证码').fill(await newCode(srv, SIGNER.mobile, before));
    await browser.screenshot('identity-code', page, { viewport: true });
    await sheet.getByRole('button', { name: '完成实名认证' }).click();

    // Handwriting, with a mouse, a pen (with pressure) and a finger.
    await sheet.getByRole('heading', { name: '手写签名' }).waitFor();
    await sheet.getByRole('button', { name: '使用此签名' }).click();
    await sheet.getByText('请先手写签名。').waitFor();
    const cdp = await browser.ctx.newCDPSession(page);
    await stroke(cdp, 'mouse', [[0.15, 0.6], [0.22, 0.35], [0.28, 0.62], [0.33, 0.4], [0.4, 0.58]]);
    await stroke(cdp, 'pen', [[0.45, 0.3], [0.5, 0.7], [0.56, 0.35], [0.62, 0.66], [0.68, 0.42]]);
    await stroke(cdp, 'touch', [[0.72, 0.5], [0.78, 0.45], [0.85, 0.55]]);
    await browser.screenshot('handwriting', page, { viewport: true });
    await sheet.getByRole('button', { name: '使用此签名' }).click();

    // Willingness: the SMS code, with its resend countdown, a wrong code in words, then the right one.
    await sheet.getByRole('heading', { name: '意愿认证' }).waitFor();
    // The identity code went to the same mobile moments ago: one code a minute, so the button counts down first.
    await sheet.getByRole('button', { name: /秒后可获取/ }).waitFor();
    await sheet.getByText('同一手机号每分钟只能接收一条验证码').waitFor();
    await browser.screenshot('otp-cooldown', page, { viewport: true });
    const sent = await codeCount(srv, SIGNER.mobile);
    await sheet.getByRole('button', { name: '获取验证码', exact: true }).click({ timeout: 75_000 });
    await sheet.getByText('验证码已发送至 139****5671').waitFor();
    await sheet.getByRole('button', { name: /秒后可重新发送/ }).waitFor();
    assert.ok(await sheet.getByRole('button', { name: /秒后可重新发送/ }).isDisabled(), 'resend waits for its countdown');
    const code = await newCode(srv, SIGNER.mobile, sent);
    await sheet.getByLabel('短信验证码').fill(code === '000000' ? '111111' : '000000');
    await sheet.getByRole('button', { name: '确认签署' }).click();
    await sheet.getByText(/验证码错误，还可尝试 \d 次/).waitFor();
    await browser.screenshot('otp-wrong', page, { viewport: true });
    await sheet.getByLabel('短信验证码').fill(code);
    const signRequest = page.waitForRequest((r) => r.url().endsWith('/api/v1/link/sign'));
    await sheet.getByRole('button', { name: '确认签署' }).click();
    const req: Request = await signRequest;
    await page.getByRole('heading', { name: '签署成功' }).waitFor({ timeout: 30_000 });
    await browser.screenshot('signed');

    const body = req.postDataJSON() as { proofId: string; handwriting: { strokes: { x: number; y: number; t: number; pressure?: number }[][] } };
    assert.equal(body.handwriting.strokes.length, 3, 'three strokes went to the API');
    assert.ok(body.handwriting.strokes.every((s) => s.length >= 3 && s.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && Number.isFinite(p.t))));
    const pen = body.handwriting.strokes[1].map((p) => p.pressure ?? 0);
    assert.ok(Math.max(...pen) > 0.6 && Math.min(...pen) < 0.5, `the pen's pressure was recorded (${pen.join(', ')})`);
    assert.equal(req.headers().authorization, `Link ${tokens[0]}`, 'the token travels in the Authorization header');
    assert.match(await page.locator('.status-page').innerText(), /等待其他签署方签署/);
    assert.match(await page.locator('.status-page').innerText(), /李小红\s*个人 · 第 2 顺序\s*未读/);

    const contract = await (await admin.fetch(`/api/v1/contracts/${first.id}`)).json() as { signers: { state: string; signature?: { method: string } }[] };
    assert.equal(contract.signers[0].state, 'signed');
    assert.equal(contract.signers[0].signature?.method, 'sms_otp');
  });

  it('the second signer rejects with a reason, after confirming', async () => {
    await open(await invitationUrl(srv, SECOND.mobile));
    await page.getByRole('heading', { name: '技术服务合同', level: 2 }).waitFor();
    await page.locator('.pdf-page[data-page="1"] .pdf-canvas.is-drawn').waitFor();
    // The first signer's signature is on page 1 already.
    await page.locator('.pdf-page[data-page="3"]').scrollIntoViewIfNeeded();
    await page.locator('.pdf-page[data-page="3"] .pdf-canvas.is-drawn').waitFor();
    await browser.screenshot('second-signer', page, { viewport: true });
    await page.getByRole('button', { name: '拒签' }).click();
    const dialog = page.getByRole('dialog', { name: '拒签合同' });
    await dialog.getByText('拒签后合同将终止').waitFor();
    await dialog.getByRole('button', { name: '确认拒签' }).click();
    await dialog.getByText('请填写拒签原因。').waitFor();
    await dialog.getByLabel('拒签原因').fill('服务费用与报价单不一致');
    await browser.screenshot('reject-dialog', page, { viewport: true });
    await dialog.getByRole('button', { name: '确认拒签' }).click();
    await page.getByRole('heading', { name: '您已拒签' }).waitFor();
    assert.match(await page.locator('.status-page').innerText(), /拒签原因：服务费用与报价单不一致/);
    await browser.screenshot('rejected');
    const contract = await (await admin.fetch(`/api/v1/contracts/${first.id}`)).json() as { state: string; signers: { state: string; rejectReason?: string }[] };
    assert.equal(contract.state, 'rejected');
    assert.equal(contract.signers[1].rejectReason, '服务费用与报价单不一致');
  });

  it('a two-document contract: each document in its tab, one signature for both with the signing password, and the completed PDFs download and verify', async () => {
    // The demo member signs with a signing password, set through the API.
    const member = srv.session();
    const me = await member.login('13800138002', 'Signet@2026');
    const pw = await member.fetch('/api/v1/me/signing-password', { method: 'PUT', json: { newPassword: '582946' } });
    assert.equal(pw.status, 204, await pw.text());
    const memberName = ((await (await member.fetch('/api/v1/me')).json()) as { user: { name: string } }).user.name;
    const sent = await sendContract(admin, {
      title: '劳动合同及保密协议',
      order: 'parallel',
      files: [
        { name: '劳动合同.pdf', pdf: contractPdf({ title: '劳动合同 Labor contract', pages: 2 }) },
        { name: '保密协议.pdf', pdf: contractPdf({ title: '保密协议 Non-disclosure agreement', pages: 1 }) },
      ],
      signers: [{ kind: 'person', name: memberName, userId: me.userId, fields: [
        { file: 0, page: 2, rect: { x: 330, y: 230, w: 150, h: 60 } },
        { file: 0, page: 2, rect: { x: 330, y: 205, w: 150, h: 18 }, kind: 'date' },
        { file: 0, page: 2, rect: { x: 330, y: 180, w: 220, h: 18 }, kind: 'text', label: '紧急联系人 Emergency contact' },
        { file: 1, page: 1, rect: { x: 330, y: 230, w: 150, h: 60 } },
      ] }],
    });
    await open(sent.links[0].url);
    const tabs = page.getByRole('tab');
    assert.deepEqual(await tabs.allInnerTexts(), ['劳动合同.pdf（2 页）', '保密协议.pdf（1 页）']);
    assert.equal(await tabs.first().getAttribute('aria-selected'), 'true');
    await page.locator('.pdf-page[data-page="2"] .pdf-canvas.is-drawn').waitFor();
    await page.getByRole('tab', { name: /保密协议/ }).click();
    await page.getByRole('tabpanel', { name: /保密协议/ }).locator('.pdf-canvas.is-drawn').first().waitFor();
    await browser.screenshot('bundle-tab-2', page, { viewport: true });
    // "Next field" crosses documents: field 1 is in the first one.
    await page.getByRole('button', { name: '下一个签署位置（1/4）' }).click();
    await page.getByRole('tabpanel', { name: /劳动合同/ }).waitFor();
    await page.waitForFunction(() => (document.activeElement as HTMLElement | null)?.getAttribute('aria-label')?.includes('签名处 1/4：第 2 页'));

    // A required text field must be filled before the signing sheet opens.
    await page.locator('[data-overlay]').first().click();
    await page.getByRole('alert').filter({ hasText: '请先填写：紧急联系人 Emergency contact' }).waitFor();
    assert.equal(await page.getByRole('dialog', { name: '签署合同' }).count(), 0);
    await page.getByRole('textbox', { name: /紧急联系人/ }).fill('王芳 13800001111');
    await browser.screenshot('bundle-fields-filled', page, { viewport: true });

    // Tapping the field opens the pad; the identity is verified already, so there is no identity step.
    await page.locator('[data-overlay]').first().click();
    const sheet = page.getByRole('dialog', { name: '签署合同' });
    await sheet.getByRole('heading', { name: '手写签名' }).waitFor();
    assert.equal(await sheet.getByText('实名认证').count(), 0, 'no real-name step for a verified person');
    const cdp = await browser.ctx.newCDPSession(page);
    await stroke(cdp, 'mouse', [[0.2, 0.5], [0.3, 0.3], [0.4, 0.6], [0.5, 0.35], [0.6, 0.55], [0.75, 0.4]]);
    await sheet.getByRole('button', { name: '使用此签名' }).click();
    await sheet.getByRole('heading', { name: '意愿认证' }).waitFor();
    await page.locator('[data-overlay] img.ink-preview').first().waitFor({ state: 'attached' });
    await sheet.getByRole('radio', { name: '签署密码' }).check();
    await sheet.getByRole('textbox', { name: '签署密码' }).fill('000000');
    await sheet.getByRole('button', { name: '确认签署' }).click();
    await sheet.getByText(/签署密码错误，还可尝试 \d 次/).waitFor();
    await browser.screenshot('password-wrong', page, { viewport: true });
    await sheet.getByRole('textbox', { name: '签署密码' }).fill('582946');
    await sheet.getByRole('button', { name: '确认签署' }).click();
    await page.getByRole('heading', { name: '合同已签署完成' }).waitFor({ timeout: 30_000 });
    await browser.screenshot('completed');

    const rootPem = await (await fetch(`${srv.baseUrl}/pki/root.pem`)).text();
    const nss = makeNssDb([rootPem]);
    try {
      for (const name of ['劳动合同.pdf', '保密协议.pdf']) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `下载“${name}”` }).click()]);
        assert.equal(download.suggestedFilename(), name);
        const file = join(tmp.dir, name);
        await download.saveAs(file);
        const pdf = readFileSync(file);
        writeFileSync(join(PAGES_ARTIFACTS, `sign-completed-${name}`), pdf);
        const report = verifyPdf(pdf, { trustAnchors: [srv.installation.pki.rootCertificate] });
        assert.ok(report.valid, `${name}: ${report.summary}`);
        assert.equal(report.signatures.filter((s) => s.type === 'signature').length, 1, `${name}: one signature by the one signer`);
        assert.equal(report.signatures[0].signer?.commonName, memberName);
        if (name === '劳动合同.pdf') {
          // The typed text and the signing date are in the signed revision, as form field values.
          const fields = findTextFields(PdfReader.load(pdf));
          const v = (n: string) => (PdfReader.load(pdf).resolve(fields.get(n)!.dict.get('V')) as { toText(): string }).toText();
          assert.equal(v('Signet-s1-text1'), '王芳 13800001111');
          assert.match(v('Signet-s1-date1'), /^\d{4}-\d{2}-\d{2}$/);
        }
        // pdfsig lists the signer's signature and the document time-stamp of the completed file;
        // poppler 22.12 does not verify document time-stamps (verifyPdf did, above).
        const sig = pdfsig(file, nss.nssDir);
        const signer = sig.signatures.filter((x) => x.signerName === memberName);
        assert.equal(signer.length, 1, sig.stdout);
        assert.equal(signer[0].validation, 'Signature is Valid.', sig.stdout);
        assert.equal(signer[0].certificate, 'Certificate is Trusted.', sig.stdout);
      }
      await page.getByText('已下载“保密协议.pdf”').waitFor();
    } finally {
      nss.cleanup();
    }
    // The completed contract, checked on the public verification page: green, the signer and the document time-stamp.
    await page.getByRole('link', { name: '验证签名' }).first().click();
    await page.locator('#verify-file').setInputFiles(join(tmp.dir, '劳动合同.pdf'));
    const verdict = page.locator('.verdict');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-tone'), 'ok');
    await page.getByRole('article', { name: new RegExp(`${memberName} 签署`) }).waitFor();
    await page.getByRole('article', { name: /文档时间戳/ }).waitFor();
    await browser.screenshot('completed-verified');
  });

  it('gives expired, revoked, used and unknown links each their own page', async () => {
    // Revoked: the sender withdrew the contract.
    const revoked = await sendContract(admin, { title: '采购合同', files: [{ name: '采购合同.pdf', pdf: contractPdf({ title: '采购合同' }) }], signers: [{ kind: 'person', name: THIRD.name, mobile: THIRD.mobile }] });
    const r = await admin.fetch(`/api/v1/contracts/${revoked.id}/revoke`, { json: { reason: '条款需修改' } });
    assert.equal(r.status, 200);
    await open(revoked.links[0].url);
    await page.getByRole('heading', { name: '签署链接已失效' }).waitFor();
    assert.match(await page.locator('.status-page').innerText(), /LINK_REVOKED/);
    await browser.screenshot('link-revoked');

    // Expired: the link's time ran out.
    const expiring = await sendContract(admin, { title: '租赁合同', files: [{ name: '租赁合同.pdf', pdf: contractPdf({ title: '租赁合同' }) }], signers: [{ kind: 'person', name: THIRD.name, mobile: THIRD.mobile }] });
    const links = srv.platform.workflow.collections.links;
    const rec = (await links.find('contract', expiring.id))[0];
    await links.update({ ...rec, expiresAt: new Date(Date.now() - 60_000).toISOString() }, rec.version);
    await open(expiring.links[0].url);
    await page.getByRole('heading', { name: '签署链接已过期' }).waitFor();
    await browser.screenshot('link-expired');

    // Used: the first signer's link, after they signed and the second signer rejected, shows the outcome and says it was used.
    await open(first.links.find((l) => l.signerId === 's1')!.url);
    await page.getByRole('heading', { name: '合同已被拒签' }).waitFor();
    await page.getByText(/您已于 .* 签署。/).waitFor();
    await page.getByText('此签署链接已使用，仅可查看合同状态。').waitFor();
    await browser.screenshot('link-used');

    // Unknown and malformed.
    await open(`${srv.baseUrl}/sign/${'A'.repeat(43)}`);
    await page.getByRole('heading', { name: '签署链接无效' }).waitFor();
    await browser.screenshot('link-unknown');
    await open(`${srv.baseUrl}/sign/not-a-token`);
    await page.getByRole('heading', { name: '签署链接无效' }).waitFor();
  });

  it('works at 360 px: no sideways scrolling, every control labelled, Tab reaches the controls; English is one tap away and remembered', async () => {
    // The demo admin (verified) signs: the sheet opens on the handwriting.
    const me = srv.demo!.admin;
    const sent = await sendContract(admin, { title: '销售合同', files: [{ name: '销售合同.pdf', pdf: contractPdf({ title: '销售合同 Sales contract', pages: 2 }) }], signers: [{ kind: 'person', name: me.name, userId: me.id, fields: [{ page: 2, rect: { x: 330, y: 230, w: 150, h: 60 } }] }] });
    const narrow = await browser.ctx.newPage();
    await narrow.setViewportSize({ width: 360, height: 740 });
    await open(sent.links[0].url, narrow);
    await narrow.locator('.pdf-page[data-page="1"] .pdf-canvas.is-drawn').waitFor();
    assert.equal(await hasHorizontalScroll(narrow), false, 'the signing screen does not scroll sideways at 360 px');
    assert.deepEqual(await unlabelledControls(narrow), [], 'every control of the signing screen is labelled');
    const order = await tabOrder(narrow, 30);
    for (const name of ['切换到中文', 'Switch to English', '缩小', '放大', '适合宽度', '拒签', '下一个签署位置（1/1）', '立即签署']) {
      assert.ok(order.some((o) => o.includes(name)), `Tab reaches "${name}" (order: ${order.join(' | ')})`);
    }
    assert.ok(order.some((o) => o.includes('签名处 1/1')), 'Tab reaches the signature field');
    const focusRing = await narrow.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(focusRing, 'none', 'the focused control shows a focus ring');
    await browser.screenshot('narrow-360', narrow, { viewport: true });

    await narrow.getByRole('button', { name: '立即签署' }).click();
    const sheet = narrow.getByRole('dialog', { name: '签署合同' });
    await sheet.getByRole('heading', { name: '手写签名' }).waitFor();
    assert.equal(await hasHorizontalScroll(narrow), false);
    assert.deepEqual(await unlabelledControls(narrow), [], 'every control of the signing sheet is labelled');
    await browser.screenshot('narrow-sheet', narrow, { viewport: true });
    // A drawn signature shows in the field before anything is signed, as the PDF will show it.
    const pad = (await narrow.locator('#signature-pad').boundingBox())!;
    await narrow.mouse.move(pad.x + pad.width * 0.2, pad.y + pad.height * 0.6);
    await narrow.mouse.down();
    for (const [fx, fy] of [[0.3, 0.3], [0.4, 0.65], [0.5, 0.35], [0.62, 0.6], [0.8, 0.4]]) await narrow.mouse.move(pad.x + pad.width * fx, pad.y + pad.height * fy, { steps: 6 });
    await narrow.mouse.up();
    await sheet.getByRole('button', { name: '使用此签名' }).click();
    await sheet.getByRole('heading', { name: '意愿认证' }).waitFor();
    await narrow.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    await narrow.getByRole('button', { name: '下一个签署位置（1/1）' }).click();
    await narrow.locator('[data-overlay] img.ink-preview').waitFor();
    await narrow.waitForFunction(() => (document.activeElement as HTMLElement | null)?.getAttribute('aria-label')?.includes('已签名，点击修改'));
    await browser.screenshot('narrow-field-preview', narrow, { viewport: true });

    await narrow.getByRole('button', { name: 'Switch to English' }).click();
    await narrow.getByRole('button', { name: 'Sign now' }).waitFor();
    await narrow.reload();
    await narrow.getByRole('button', { name: 'Sign now' }).waitFor();
    assert.equal(await narrow.evaluate(() => document.documentElement.lang), 'en');
    await narrow.locator('.pdf-page[data-page="1"] .pdf-canvas.is-drawn').waitFor();
    await browser.screenshot('narrow-english', narrow, { viewport: true });
    await narrow.getByRole('button', { name: '切换到中文' }).click();
    await narrow.close();
  });

  it('is laid out for a desktop screen too (1280 × 900, mouse)', async () => {
    const sent = await sendContract(admin, { title: '年度框架采购协议', files: [{ name: '框架协议.pdf', pdf: contractPdf({ title: '年度框架采购协议 Annual framework agreement', pages: 2 }) }], signers: [{ kind: 'person', name: SIGNER.name, mobile: SIGNER.mobile, fields: [{ page: 2, rect: { x: 330, y: 230, w: 150, h: 60 } }] }] });
    const desk = await launchChromium({ prefix: 'sign-desktop', width: 1280, height: 900, mobile: false });
    try {
      tokens.push(tokenOfUrl(sent.links[0].url));
      await desk.page.goto(sent.links[0].url);
      await desk.page.locator('.pdf-page[data-page="1"] .pdf-canvas.is-drawn').waitFor();
      assert.equal(await hasHorizontalScroll(desk.page), false);
      const pageBox = (await desk.page.locator('.pdf-page[data-page="1"]').boundingBox())!;
      assert.ok(pageBox.width > 600, 'fit-width uses the wider column');
      await desk.screenshot('signing', desk.page, { viewport: true });
      await desk.page.getByRole('button', { name: '立即签署' }).click();
      await desk.page.getByRole('dialog', { name: '签署合同' }).getByRole('heading', { name: '手写签名' }).waitFor();
      await desk.screenshot('sheet', desk.page, { viewport: true });
      assert.deepEqual(desk.pageErrors, []);
    } finally {
      await desk.close();
    }
  });

  it('kept the token out of the logs and of every other URL, loaded nothing from outside, and raised no page error', () => {
    const log = srv.logs.join('\n');
    for (const t of tokens) assert.ok(!log.includes(t), 'no link token in the request log');
    assert.ok(srv.logs.some((l) => / GET \/sign\/:token 200 /.test(l)), 'the page is logged by its route pattern');
    for (const u of browser.requested) {
      const path = new URL(u).pathname;
      for (const t of tokens) if (u.includes(t)) assert.ok(path === `/sign/${t}` || path === `/sign/${encodeURIComponent(t)}`, `only the page URL carries the token (${path})`);
    }
    assert.deepEqual(browser.external, []);
    assert.deepEqual(browser.pageErrors, []);
  });
});

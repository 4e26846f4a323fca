/**
 * Browser smoke test: the production `taskpane.html` from `addin-word/build/`, served over HTTP on
 * 127.0.0.1, in Debian's Chromium at Word's task-pane width (320 × 800), with Word and the server
 * replaced by the fakes bundle (injected before the page's scripts, the way a test seam should be:
 * the production bundle holds no fake). Office.js is stubbed at the CDN URL, and no other request
 * may leave 127.0.0.1. It walks connect → draft → fill → send, keeping screenshots under
 * `test-artifacts/addin/fake-server/`, then reads the PDF that reached the "server" with pdftotext.
 * `taskpane-end-to-end.spec.ts` runs the same task pane against the real server.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, requireTool, run, tempDir } from '@signet/test-support';
import { buildAddinOnce, buildBrowserFakes } from '../build/build-addin.js';
import type { FakeSignetApi } from '../api/fake-signet-api.js';
import type { FakeOfficeGateway } from '../office/fake-gateway.js';
import { launchChromium, serveAddin, type BrowserSession } from '../testing/node/browser-harness.js';

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'addin', 'fake-server');

type Hooks = { gateway: FakeOfficeGateway; api: FakeSignetApi };

describe('the task pane in Chromium (fake Word, fake server)', function () {
  this.timeout(180_000);
  let browser: BrowserSession;
  let page: Page;
  let served: Awaited<ReturnType<typeof serveAddin>>;
  let base: string;
  let tmp: { dir: string; cleanup: () => void };
  let shot = 0;
  const screenshot = async (name: string) => {
    await page.screenshot({ path: join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  /** Runs `fn` in the page with the fakes (acting as the user in Word, or reading what the server got). */
  const inPage = <T>(fn: (h: Hooks) => T | Promise<T>): Promise<T> =>
    page.evaluate(`(${fn.toString()})(globalThis.__signetTestHooks)`) as Promise<T>;

  before(async function () {
    requireTool(this, 'chromium', 'chromium');
    requireTool(this, 'pdftotext', 'poppler-utils');
    tmp = tempDir('signet-addin-browser-');
    const [build, fakes] = await Promise.all([buildAddinOnce(), buildBrowserFakes(join(tmp.dir, 'fakes'))]);
    served = await serveAddin(build.outDir);
    base = served.base;
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium({ initScript: fakes });
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    tmp?.cleanup();
  });

  it('opens on Connect, prefilled with the server it is served from, and logs in through the dialog', async () => {
    await page.goto(`${base}taskpane.html`);
    await page.getByRole('heading', { name: '连接 Signet 服务器' }).waitFor();
    assert.equal(await page.getByLabel('服务器地址').inputValue(), base.replace(/\/addin\/$/, ''));
    await screenshot('connect');
    await page.getByRole('button', { name: '连接并登录' }).click();
    await page.getByText('已登录：王演示').waitFor();
    assert.deepEqual(await inPage((h) => h.gateway.dialogsOpened), [`${base}login.html?server=${encodeURIComponent(base.replace(/\/addin\/$/, ''))}`]);
  });

  it('drafts: inserts a clause at the cursor, makes a variable from the selection, and marks both parties', async () => {
    await page.getByRole('heading', { name: '条款库', exact: true }).waitFor();
    await page.getByText('付款条款 Payment').waitFor();
    await screenshot('draft');
    await inPage((h) => h.gateway.placeCursorAfter('10000 CNY.'));
    await page.getByRole('button', { name: '在光标处插入条款“付款条款 Payment”' }).click();
    await page.getByText('已插入条款“付款条款 Payment”').waitFor();

    await inPage((h) => h.gateway.select('Acme Trading Ltd'));
    await page.getByLabel('变量名').fill('partyAName');
    await page.getByRole('button', { name: '设为变量' }).click();
    await page.getByText('已创建变量 partyAName').waitFor();

    await inPage((h) => h.gateway.placeCursorAfter('Party A (signature): '));
    await page.getByLabel('类型').selectOption('sign');
    await page.getByLabel('角色', { exact: true }).fill('partyA');
    await page.getByRole('button', { name: '插入标记' }).click();
    await page.getByText('已插入 signet:sign:partyA').waitFor();
    await inPage((h) => h.gateway.placeCursorAfter('Party B (signature): '));
    await page.getByLabel('类型').selectOption('seal');
    await page.getByLabel('角色', { exact: true }).fill('partyB');
    await page.getByRole('button', { name: '插入标记' }).click();
    await page.getByText('已插入 signet:seal:partyB').waitFor();
    assert.deepEqual(await page.getByRole('list', { name: '变量', exact: true }).getByRole('listitem').allTextContents(), ['partyAName', 'paymentDays']);
    assert.deepEqual(await page.getByRole('list', { name: '签署位置', exact: true }).getByRole('listitem').allTextContents(), ['签字 · partyA', '盖章 · partyB']);
    await screenshot('draft-marked');
  });

  it('fills every variable from one form', async () => {
    await page.getByRole('button', { name: '填写', exact: true }).click();
    await page.getByLabel('partyAName').fill('Shanghai Example Tech Co');
    await page.getByLabel('paymentDays').fill('45');
    await page.getByRole('button', { name: '全部填入文档' }).click();
    await page.getByText('已填写 2 处').waitFor();
    const text = await inPage((h) => h.gateway.text());
    assert.match(text, /between Shanghai Example Tech Co \(Party A\)/);
    assert.match(text, /within 45 days/);
    await screenshot('fill');
  });

  it('sends: one signer per marked role, in order, with a deadline and policies; the contract id goes into the document', async () => {
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.getByText('文档中的角色：partyA, partyB').waitFor();
    const s1 = page.getByRole('group', { name: '签署方 1' });
    const s2 = page.getByRole('group', { name: '签署方 2' });
    assert.equal(await s1.getByLabel('角色').inputValue(), 'partyA');
    assert.equal(await s2.getByLabel('角色').inputValue(), 'partyB');
    await s1.getByLabel('姓名或企业名称').fill('Zhang San');
    await s1.getByLabel('手机号').fill('13800138000');
    await s2.getByLabel('类型').selectOption('organization');
    assert.equal(await s2.getByLabel('姓名或企业名称').inputValue(), '上海签盟示例科技有限公司', 'my enterprise by default');
    assert.equal(await s2.getByLabel('签署企业').inputValue(), 'mine');
    await s2.getByLabel('使用的印章').selectOption({ label: '合同专用章' });
    await s2.getByLabel('姓名或企业名称').fill('Beta Consulting LLC');
    await s2.getByLabel('手机号').fill('1390013');
    await page.getByLabel('签名级别').selectOption('B-LTA');
    await page.getByRole('button', { name: '导出并发送' }).click();
    await page.getByText('请输入 11 位中国大陆手机号').first().waitFor();
    assert.equal(await s2.getByLabel('手机号').getAttribute('aria-invalid'), 'true');
    assert.equal(await inPage((h) => h.api.contracts.size), 0, 'nothing was sent with an invalid form');
    await screenshot('send-invalid');
    await s2.getByLabel('手机号').fill('13900139000');
    await page.getByRole('button', { name: '导出并发送' }).click();
    await page.getByText(/已发送，合同编号 c\d+/).waitFor();
    await screenshot('sent');

    const sent = await inPage((h) => {
      const [c] = [...h.api.contracts.values()];
      let bin = '';
      for (const b of c.file.bytes) bin += String.fromCharCode(b);
      return { id: c.view.id, state: c.view.state, input: c.input, pdf: btoa(bin), ids: h.gateway.properties.get('SignetContractIds') };
    });
    assert.equal(sent.state, 'signing');
    assert.equal(sent.ids, sent.id);
    assert.equal(sent.input.order, 'sequential');
    assert.equal(sent.input.policies.level, 'B-LTA');
    assert.deepEqual(sent.input.signers.map((s) => [s.kind, s.name, s.mobile, s.role, s.order, s.enterpriseId, s.seal]), [
      ['person', 'Zhang San', '13800138000', 'partyA', 1, undefined, undefined], ['organization', 'Beta Consulting LLC', '13900139000', 'partyB', 2, 'e-demo', 'seal-contract'],
    ]);
    const pdfPath = join(tmp.dir, 'sent.pdf');
    writeFileSync(pdfPath, Buffer.from(sent.pdf, 'base64'));
    writeFileSync(join(ARTIFACTS, 'sent.pdf'), Buffer.from(sent.pdf, 'base64'));
    const text = run('pdftotext', [pdfPath, '-']).stdout;
    for (const s of ['signet:sign:partyA', 'signet:seal:partyB', 'Shanghai Example Tech Co', 'within 45 days']) assert.ok(text.includes(s), `the uploaded PDF contains "${s}"`);
  });

  it('where Word exports only DOCX, sending uploads nothing, says why, and offers the DOCX export instead', async () => {
    const before = await inPage((h) => ({ contracts: h.api.contracts.size, files: h.api.files.size }));
    await inPage((h) => h.gateway.setPdfExport(false));
    try {
      await page.getByRole('button', { name: '导出并发送' }).click();
      await page.getByText(/此版本的 Word 只能导出 DOCX/).waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 DOCX' }).click()]);
      assert.equal(download.suggestedFilename(), 'Service Agreement.docx');
      assert.equal(readFileSync((await download.path())!).subarray(0, 2).toString(), 'PK');
      await page.getByText('已导出 Service Agreement.docx').waitFor();
      assert.deepEqual(await inPage((h) => ({ contracts: h.api.contracts.size, files: h.api.files.size })), before, 'nothing reached the server');
      await screenshot('send-docx-only');
    } finally {
      await inPage((h) => h.gateway.setPdfExport(true));
    }
  });

  it('signs my part myself: the contract waiting for me, my signature, the SMS code, then the PDF signed so far, saying Word cannot hold it', async () => {
    await page.getByRole('button', { name: '我来签', exact: true }).click();
    await page.getByText('Word 无法保存已签名的 PDF').first().waitFor();
    await page.getByRole('button', { name: '签署“Service Agreement”' }).click();
    await page.getByText('签署方：Zhang San · 角色 partyA').waitFor();
    await page.getByLabel('默认个人章（王演示，系统生成）').check();
    await page.getByLabel('短信验证码').check();
    await page.getByRole('button', { name: '获取短信验证码' }).click();
    await page.getByText('验证码已发送至 138****8000').waitFor();
    const code = await inPage((h) => h.api.smsSent.at(-1)!.code);
    await page.getByLabel('短信验证码').fill(code);
    await page.getByRole('button', { name: '确认签署' }).click();
    await page.getByText(/签署完成：/).waitFor();
    await page.getByText('您的部分已签署').waitFor();
    await screenshot('signed');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载已签署 PDF' }).click()]);
    assert.match(download.suggestedFilename(), /（签署中 partly signed）\.pdf$/);
    const saved = readFileSync((await download.path())!);
    assert.equal(saved.subarray(0, 5).toString(), '%PDF-');
    assert.match(saved.toString('latin1'), /FakeSignetApi: signed by s1 with default/);
    writeFileSync(join(tmp.dir, 'signed.pdf'), saved);
  });

  it('tracks this document\'s contracts and reminds the signer whose turn it is', async () => {
    await page.getByRole('button', { name: '跟踪', exact: true }).click();
    const mine = page.getByRole('region', { name: '本文档发起的合同' });
    await mine.getByText('Service Agreement').first().waitFor();
    assert.equal(await mine.getByRole('listitem').filter({ hasText: '签署中' }).count(), 1);
    assert.equal(await mine.getByRole('button', { name: '提醒 Zhang San' }).count(), 0, 'Zhang San has signed');
    await mine.getByRole('button', { name: '提醒 Beta Consulting LLC' }).click();
    await page.getByText('已提醒 Beta Consulting LLC').waitFor();
    assert.deepEqual(await inPage((h) => h.api.reminders.map((r) => r.signerId)), ['s2']);
    await screenshot('track');
  });

  it('verifies a PDF chosen from disk and shows the report', async () => {
    await page.getByRole('button', { name: '验签', exact: true }).click();
    await page.getByLabel('选择 PDF 文件').setInputFiles(join(tmp.dir, 'signed.pdf'));
    await page.getByRole('button', { name: '验证', exact: true }).click();
    await page.getByRole('heading', { name: /有效：已签名/ }).waitFor();
    await page.getByText('共 1 个签名，2 个版本').waitFor();
    await screenshot('verify');
  });

  it('saves the document as an enterprise template with its variables and anchors', async () => {
    await page.getByRole('button', { name: '存为模板', exact: true }).click();
    await page.getByText('将发布 2 个签字或盖章位置。').waitFor();
    await page.getByText('变量（partyAName、paymentDays）的当前文字将成为模板底稿的一部分').waitFor();
    await page.getByLabel('模板名称').fill('服务协议模板');
    await page.getByRole('button', { name: '发布模板' }).click();
    await page.getByText('模板“服务协议模板”已发布').waitFor();
    const t = await inPage((h) => h.api.createdTemplates[0]);
    assert.deepEqual(t.fields.map((x) => x.anchorText), ['signet:sign:partyA', 'signet:seal:partyB']);
  });

  it('inserts a template\'s variable from the library at the cursor', async () => {
    await page.getByRole('button', { name: '起草', exact: true }).click();
    await inPage((h) => h.gateway.placeCursorAfter('for twelve months from '));
    await page.getByRole('button', { name: '在光标处插入变量 employeeName' }).click();
    await page.getByText('已插入变量 employeeName').waitFor();
    assert.match(await inPage((h) => h.gateway.text()), /from \[employeeName\]the start date/);
    assert.deepEqual(await page.getByRole('list', { name: '变量', exact: true }).getByRole('listitem').allTextContents(), ['partyAName', 'employeeName', 'paymentDays']);
  });

  it('switches to English', async () => {
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Send for signature' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await screenshot('send-en');
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '发起签署' }).waitFor();
  });

  it('fits 320 px without sideways scrolling, labels every control, and is reachable from the keyboard', async () => {
    for (const screen of ['起草', '填写', '发送', '我来签', '跟踪', '存为模板', '验签']) {
      await page.getByRole('button', { name: screen, exact: true }).click();
      await page.waitForLoadState('networkidle');
      const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(widths[0] <= widths[1], `${screen}: content ${widths[0]} px wide in a ${widths[1]} px pane`);
      const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
        .filter((el) => {
          const e = el as HTMLInputElement;
          if (e.type === 'hidden') return false;
          const name = e.labels?.length ? [...e.labels].map((l) => l.textContent).join('') : (e.getAttribute('aria-label') ?? (el.tagName === 'BUTTON' ? el.textContent : ''));
          return !name?.trim();
        })
        .map((el) => el.outerHTML.slice(0, 80)));
      assert.deepEqual(unlabelled, [], `${screen}: every control has a label or a name`);
    }
    // From the top of the page, Tab reaches the Send tab; Enter opens it.
    await page.getByLabel('语言').focus();
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.textContent === '发送');
    }
    assert.ok(reached, 'Tab reaches the Send tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '发起签署' }).waitFor();
    await screenshot('keyboard-send');
  });

  it('made no request outside 127.0.0.1 except the stubbed Office.js, and logged no page errors', () => {
    assert.deepEqual(browser.external, []);
    assert.deepEqual(browser.pageErrors, []);
  });
});

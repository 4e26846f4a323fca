/**
 * End to end in Chromium: the production task pane, built and served by the real Signet server at
 * `/addin/` (the whole app and platform on 127.0.0.1, the demo enterprise with its seals), with
 * only Word replaced: a fake gateway whose PDF export is a real PDF carrying the markers as Word
 * exports them (1 pt white `signet:sign:partyA` / `signet:seal:partyB` text). Office.js is a stub
 * whose `messageParent` posts to the dialog's opener, and the dialog is a real popup window.
 *
 * The demo admin logs in through the dialog; then the cookies are cleared, so that everything
 * after the login goes by the session token alone, as in Word on the web (where the task pane is a
 * third-party iframe that never gets the cookie), and a reload restores the session from the
 * stored token. They insert a clause from the enterprise's library (seeded over the API), make a
 * variable and fill it, mark where each party signs, and send a two-party contract (party B: the
 * demo enterprise with its 合同专用章 under the admin's grant, first; party A: a person, second),
 * sign party B's part from the task pane with the SMS code from the dev log, remind party A, who
 * signs through their signing link; then download the completed PDF from Track and verify it on
 * the Verify screen; the document is also published as a template, the evidence package is
 * downloaded, and logging out ends the session on the server. Screenshots go to
 * `test-artifacts/addin/real-server/`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, requireTool, tempDir } from '@signet/test-support';
import { buildAddinOnce, buildBrowserFakes } from '../build/build-addin.js';
import type { FakeOfficeGateway } from '../office/fake-gateway.js';
import { launchChromium, type BrowserSession } from '../testing/node/browser-harness.js';
import { invitationCount, outsiderMobile, signThroughLink, startAddinPlatform, type AddinPlatform } from '../testing/node/platform-fixture.js';
import { DIALOG_MESSAGE_TYPE } from '../testing/popup-dialog.js';

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'addin', 'real-server');

/** The clause the enterprise's library holds (Latin text: the fake's PDF renderer has a standard font only). */
const CLAUSE = { title: '保密条款 Confidentiality', category: '通用 General', html: '<p>Confidentiality. Each party keeps the other party\'s business information <b>confidential</b> for three years.</p>' };

/** The name the document is published under as a template. */
const TEMPLATE_NAME = 'Service Agreement template';

/** Office.js as the task pane and its dialog see it in Word on the web; the dialog's messageParent reaches the opener. */
const OFFICE_STUB = `window.Office = {
  onReady: () => Promise.resolve({ host: 'Word', platform: 'OfficeOnline' }),
  context: { displayLanguage: 'zh-CN', ui: { messageParent: (m) => { if (window.opener) window.opener.postMessage({ type: ${JSON.stringify(DIALOG_MESSAGE_TYPE)}, message: m }, location.origin); } } },
};`;

describe('the task pane against the real Signet server, in Chromium (fake Word only)', function () {
  this.timeout(300_000);
  let p: AddinPlatform;
  let browser: BrowserSession;
  let page: Page;
  let tmp: { dir: string; cleanup: () => void };
  let shot = 0;
  const partyA = { name: '冯外部', mobile: outsiderMobile() };
  let contractId = '';
  const screenshot = async (name: string, on: Page = page) => {
    await on.screenshot({ path: join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const inPage = <T>(fn: (h: { gateway: FakeOfficeGateway }) => T | Promise<T>): Promise<T> =>
    page.evaluate(`(${fn.toString()})(globalThis.__signetTestHooks)`) as Promise<T>;
  const tab = (name: string) => page.getByRole('button', { name, exact: true }).click();

  before(async function () {
    requireTool(this, 'chromium', 'chromium');
    tmp = tempDir('signet-addin-e2e-');
    const [platform, , fakes] = await Promise.all([startAddinPlatform(), buildAddinOnce(), buildBrowserFakes(join(tmp.dir, 'fakes'), 'real-server-fakes')]);
    p = platform;
    const admin = await p.srv.demoAdmin();
    const added = await admin.fetch('/api/v1/clauses', { json: CLAUSE });
    assert.equal(added.status, 201, await added.text());
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium({ officeJs: OFFICE_STUB, initScript: fakes });
    page = browser.page;
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close();
    await p?.close();
    tmp?.cleanup();
  });

  it('is served by the server at /addin/ and logs in through the dialog; then works on the session token alone, without cookies', async () => {
    await page.goto(`${p.srv.baseUrl}/addin/taskpane.html`);
    await page.getByRole('heading', { name: '连接 Signet 服务器' }).waitFor();
    assert.equal(await page.getByLabel('服务器地址').inputValue(), p.srv.baseUrl);
    const [dialog] = await Promise.all([browser.ctx.waitForEvent('page'), page.getByRole('button', { name: '连接并登录' }).click()]);
    dialog.setDefaultTimeout(30_000);
    await dialog.getByText(`服务器：${p.srv.baseUrl}`).waitFor();
    await dialog.getByLabel('手机号').fill(p.admin.mobile);
    await dialog.getByLabel('密码', { exact: true }).fill(p.admin.password);
    await screenshot('login-dialog', dialog);
    await dialog.getByRole('button', { name: '登录', exact: true }).click();
    await dialog.waitForEvent('close');
    await page.getByText('已登录：王演示').waitFor();
    await page.getByText('上海签盟示例科技有限公司').first().waitFor();
    // Word on the web never sends the task pane the cookie the dialog got: drop it.
    await browser.ctx.clearCookies();
    assert.deepEqual(await browser.ctx.cookies(p.srv.baseUrl), []);
    await screenshot('connected');
  });

  it('remembers the session: a reload restores it from the stored token, with no dialog and no cookie', async () => {
    const open = browser.ctx.pages().length;
    await page.reload();
    await page.getByText('已登录：王演示').waitFor();
    assert.equal(browser.ctx.pages().length, open, 'no login dialog opened');
    assert.deepEqual(await browser.ctx.cookies(p.srv.baseUrl), []);
  });

  it('inserts a clause from the enterprise\'s library at the cursor, makes a variable of selected text and fills it from the form', async () => {
    await page.getByRole('heading', { name: '条款库', exact: true }).waitFor();
    await inPage((h) => h.gateway.placeCursorAfter('Party A pays a monthly fee of 10000 CNY.'));
    await page.getByRole('button', { name: `在光标处插入条款“${CLAUSE.title}”` }).click();
    await page.getByText(`已插入条款“${CLAUSE.title}”`).waitFor();
    const withClause = await inPage((h) => h.gateway.text());
    assert.match(withClause, /10000 CNY\.\s*Confidentiality\. Each party keeps the other party's business information confidential for three years\./);
    await inPage((h) => h.gateway.select('Acme Trading Ltd'));
    await page.getByLabel('变量名').fill('partyAName');
    await page.getByRole('button', { name: '设为变量', exact: true }).click();
    await page.getByText('已创建变量 partyAName').waitFor();
    await tab('填写');
    await page.getByLabel('partyAName').fill('Acme Holdings Ltd');
    await page.getByRole('button', { name: '全部填入文档' }).click();
    await page.getByText('已填写 1 处').waitFor();
    assert.match(await inPage((h) => h.gateway.text()), /made between Acme Holdings Ltd \(Party A\)/);
    assert.deepEqual(await inPage((h) => h.gateway.listControls().then((cs) => cs.map((c) => c.tagText))), ['signet:var:partyAName']);
    await screenshot('variables-filled');
    await tab('起草');
  });

  it('marks where each party signs', async () => {
    await page.getByRole('heading', { name: '条款库', exact: true }).waitFor();
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
    assert.deepEqual(await page.getByRole('list', { name: '签署位置', exact: true }).getByRole('listitem').allTextContents(), ['签字 · partyA', '盖章 · partyB']);
    await screenshot('draft-marked');
  });

  it('sends the exported PDF to both parties: my enterprise with its contract seal first, then the person', async () => {
    await tab('发送');
    await page.getByText('文档中的角色：partyA, partyB').waitFor();
    const a = page.getByRole('group', { name: '签署方 1' });
    const b = page.getByRole('group', { name: '签署方 2' });
    await a.getByLabel('姓名或企业名称').fill(partyA.name);
    await a.getByLabel('手机号').fill(partyA.mobile);
    await a.getByLabel('顺序').fill('2');
    await b.getByLabel('类型').selectOption('organization');
    assert.equal(await b.getByLabel('姓名或企业名称').inputValue(), '上海签盟示例科技有限公司');
    await b.getByLabel('使用的印章').selectOption({ label: '合同专用章' });
    await b.getByLabel('经办人手机号（可选）').fill(p.admin.mobile);
    await b.getByLabel('顺序').fill('1');
    await page.getByLabel('人脸识别').check();
    await screenshot('send-form');
    await page.getByRole('button', { name: '导出并发送' }).click();
    const sent = await page.getByText(/已发送，合同编号 /).textContent();
    contractId = /合同编号 (\S+)/.exec(sent!)![1];
    assert.equal(await inPage((h) => h.gateway.properties.get('SignetContractIds')), contractId);
    await screenshot('sent');
  });

  it('publishes the document as an enterprise template with a field at each marker, which the library then lists', async () => {
    await tab('存为模板');
    await page.getByText('将发布 2 个签字或盖章位置。').waitFor();
    await page.getByLabel('模板名称').fill(TEMPLATE_NAME);
    await page.getByRole('button', { name: '发布模板' }).click();
    await page.getByText(`模板“${TEMPLATE_NAME}”已发布`).waitFor();
    const admin = await p.srv.demoAdmin();
    const list = await admin.fetch('/api/v1/templates');
    assert.equal(list.status, 200);
    const tpl = ((await list.json()) as { items: { name: string; roles: string[] }[] }).items.find((x) => x.name === TEMPLATE_NAME);
    assert.ok(tpl, 'the template is in the enterprise\'s library');
    assert.deepEqual([...tpl.roles].sort(), ['partyA', 'partyB']);
    await screenshot('template-published');
    await tab('起草');
    await page.getByText(TEMPLATE_NAME, { exact: true }).waitFor();
  });

  it('signs party B\'s part myself with the granted seal after the SMS check, and gets the PDF signed so far', async () => {
    await tab('我来签');
    await page.getByText('Word 无法保存已签名的 PDF').first().waitFor();
    await page.getByRole('button', { name: '签署“Service Agreement”' }).click();
    await page.getByText('签署方：上海签盟示例科技有限公司 · 角色 partyB').waitFor();
    assert.deepEqual(await page.getByRole('group', { name: '使用的签名或印章' }).getByRole('radio').count(), 1, 'the seal the sender chose');
    await page.getByLabel('合同专用章').check();
    await page.getByLabel('短信验证码').check();
    await page.getByRole('button', { name: '获取短信验证码' }).click();
    await page.getByText('验证码已发送至 138****8000').waitFor();
    await page.getByLabel('短信验证码').fill(await p.srv.lastCode(p.admin.mobile));
    await screenshot('sign-code');
    await page.getByRole('button', { name: '确认签署' }).click();
    await page.getByText('签署完成：Service Agreement').waitFor({ timeout: 60_000 });
    await page.getByText('您的部分已签署').waitFor();
    await screenshot('signed-part-b');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载已签署 PDF' }).click()]);
    const partial = readFileSync((await download.path())!);
    assert.equal(partial.subarray(0, 5).toString(), '%PDF-');
    writeFileSync(join(ARTIFACTS, 'signed-by-party-b.pdf'), partial);
  });

  it('tracks the contract and reminds party A, whose turn it is now', async () => {
    await tab('跟踪');
    const mine = page.getByRole('region', { name: '本文档发起的合同' });
    await mine.getByText(contractId).waitFor();
    assert.equal(await invitationCount(p.srv, partyA.mobile), 1, 'party A was invited once party B signed');
    await mine.getByRole('button', { name: `提醒 ${partyA.name}` }).click();
    await page.getByText(`已提醒 ${partyA.name}`).waitFor();
    assert.equal(await invitationCount(p.srv, partyA.mobile), 2);
    await screenshot('track-reminded');
  });

  it('party A signs through their signing link; the task pane then downloads the completed PDF', async () => {
    assert.equal(await signThroughLink(p.srv, partyA.mobile, partyA.name), 'completed');
    await page.getByRole('button', { name: '刷新' }).click();
    const mine = page.getByRole('region', { name: '本文档发起的合同' });
    await mine.getByRole('listitem').filter({ hasText: '已完成' }).first().waitFor();
    await screenshot('track-completed');
    const [download] = await Promise.all([page.waitForEvent('download'), mine.getByRole('button', { name: '下载“Service Agreement”的 PDF' }).click()]);
    assert.equal(download.suggestedFilename(), 'Service Agreement.pdf');
    writeFileSync(join(tmp.dir, 'completed.pdf'), readFileSync((await download.path())!));
    writeFileSync(join(ARTIFACTS, 'completed.pdf'), readFileSync((await download.path())!));
    const [evidence] = await Promise.all([page.waitForEvent('download'), mine.getByRole('button', { name: '下载“Service Agreement”的存证包' }).click()]);
    const zip = readFileSync((await evidence.path())!);
    assert.equal(zip.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'a zip');
    for (const entry of ['manifest.json', 'evidence-page.pdf']) assert.ok(zip.includes(entry), `the evidence package holds ${entry}`);
    writeFileSync(join(ARTIFACTS, 'evidence.zip'), zip);
  });

  it('verifies the completed PDF on the Verify screen: one revision per signer, every signature valid', async () => {
    await tab('验签');
    await page.getByLabel('选择 PDF 文件').setInputFiles(join(tmp.dir, 'completed.pdf'));
    await page.getByRole('button', { name: '验证', exact: true }).click();
    await page.getByRole('heading', { name: /^有效：/ }).waitFor({ timeout: 60_000 });
    const report = page.getByRole('region', { name: /^有效：/ });
    const cards = report.getByRole('listitem');
    const texts = await cards.allTextContents();
    const signers = texts.filter((x) => !x.includes('Timestamping'));
    assert.equal(signers.length, 2, texts.join('\n'));
    assert.match(signers[0], /上海签盟示例科技有限公司/);
    assert.match(signers[1], new RegExp(partyA.name));
    assert.ok(texts.every((x) => x.includes('TOTAL_PASSED')), texts.join('\n'));
    const revisions = signers.map((x) => /第 (\d+) 版/.exec(x)?.[1]);
    assert.equal(new Set(revisions).size, 2, `each signer in a revision of their own: ${revisions.join(', ')}`);
    await screenshot('verified');
  });

  it('logs out: the server ends the session, the stored token stops working, and the task pane asks to connect again', async () => {
    const token = await page.evaluate("localStorage.getItem('signet.sessionToken')") as string | null;
    assert.ok(token, 'the session token is remembered');
    const sessionWith = () => fetch(`${p.srv.baseUrl}/api/v1/auth/session`, { headers: { authorization: `Session ${token}` } });
    assert.equal((await sessionWith()).status, 200);
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '连接 Signet 服务器' }).waitFor();
    assert.equal(await page.evaluate("localStorage.getItem('signet.sessionToken')"), null);
    assert.equal((await sessionWith()).status, 401);
    await screenshot('logged-out');
  });

  it('made no request off 127.0.0.1 except the stubbed Office.js, and logged no page errors', () => {
    assert.deepEqual(browser.external, []);
    assert.deepEqual(browser.pageErrors, []);
  });
});

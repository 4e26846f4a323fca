/**
 * The login dialog page (`login.html`) and the task pane's outside-Office page, in Chromium, with
 * the real HTTP client against stand-ins of the server's auth routes (their shapes as in
 * `/api/v1/openapi.json`) served beside the build on 127.0.0.1. Office.js is a stub that records
 * `messageParent`, so the test sees what the dialog hands the task pane. The real login, against
 * the real server, is in `taskpane-end-to-end.spec.ts`.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Page } from 'playwright-core';
import { requireTool } from '@signet/test-support';
import { buildAddinOnce } from '../build/build-addin.js';
import { launchChromium, serveAddin, type BrowserSession } from '../testing/node/browser-harness.js';

/** Office.js as a dialog page sees it: ready in Word, with messageParent recorded. */
const OFFICE_DIALOG_STUB = `window.Office = {
  onReady: () => Promise.resolve({ host: 'Word', platform: 'OfficeOnline' }),
  context: { displayLanguage: 'zh-CN', ui: { messageParent: (m) => { (window.__sentToParent ||= []).push(m); } } },
};`;

describe('the login dialog in Chromium (real HTTP client, stub Office.js)', function () {
  this.timeout(180_000);
  const TOKEN = 'session-token-from-login-0123456789abcdefghij';
  const calls: { path: string; body: string; authorization?: string }[] = [];
  const api = (req: IncomingMessage, res: ServerResponse, body: Buffer): boolean => {
    const path = new URL(req.url!, 'http://x').pathname;
    calls.push({ path, body: body.toString(), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    const json = (status: number, data: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(data));
    const session = (b: { sessionToken?: boolean }) => ({
      userId: 'u1', enterpriseId: 'ent_1', csrfToken: 'csrf-from-login', expiresAt: new Date(Date.now() + 3600_000).toISOString(), ...(b.sessionToken ? { sessionToken: TOKEN } : {}),
    });
    const cookie = { 'Set-Cookie': `signet_session=${TOKEN}; HttpOnly; SameSite=Lax; Path=/` };
    if (path === '/api/v1/auth/login/password') {
      const b = JSON.parse(body.toString()) as { mobile: string; password: string; sessionToken?: boolean };
      if (b.mobile === '13800138000' && b.password === 'Signet@2026') json(200, session(b), cookie);
      else json(401, { code: 'LOGIN_FAILED', message: '手机号或密码错误。Wrong mobile number or password.' });
      return true;
    }
    if (path === '/api/v1/auth/otp') return json(202, { expiresAt: new Date(Date.now() + 300_000).toISOString() }), true;
    if (path === '/api/v1/auth/login/otp') {
      const b = JSON.parse(body.toString()) as { code: string; sessionToken?: boolean };
      if (b.code === '246810') json(200, session(b), cookie);
      else json(400, { code: 'OTP_INVALID', message: '验证码错误。Wrong code.' });
      return true;
    }
    if (path === '/api/v1/me') {
      if (req.headers.authorization !== `Session ${TOKEN}`) return json(401, { code: 'AUTH_REQUIRED', message: '请先登录。Log in first.' }), true;
      return json(200, { user: { id: 'u1', name: '王演示', mobileMasked: '138****8000' }, memberships: [], currentEnterprise: { id: 'ent_1', name: '示例公司', roles: ['member'] } }), true;
    }
    return false;
  };
  let served: Awaited<ReturnType<typeof serveAddin>>;
  let browser: BrowserSession;
  let page: Page;
  before(async function () {
    requireTool(this, 'chromium', 'chromium');
    served = await serveAddin((await buildAddinOnce()).outDir, api);
    browser = await launchChromium({ officeJs: OFFICE_DIALOG_STUB });
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await served?.close();
  });
  beforeEach(() => { calls.length = 0; });
  const sent = () => page.evaluate(() => (globalThis as { __sentToParent?: string[] }).__sentToParent ?? []);

  it('logs in with the password on its own server, asking for the session token, and hands the token and CSRF token to the task pane', async () => {
    await page.goto(`${served.base}login.html?server=${encodeURIComponent(served.origin)}`);
    await page.getByText(`服务器：${served.origin}`).waitFor();
    await page.getByLabel('手机号').fill('13800138000');
    await page.getByLabel('密码', { exact: true }).fill('Signet@2026');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByText('登录成功，正在返回 Word…').waitFor();
    assert.deepEqual(calls.map((c) => [c.path, c.body && JSON.parse(c.body), c.authorization]), [
      ['/api/v1/auth/login/password', { mobile: '13800138000', password: 'Signet@2026', sessionToken: true }, undefined],
      ['/api/v1/me', '', `Session ${TOKEN}`],
    ]);
    assert.deepEqual((await sent()).map((m) => JSON.parse(m)), [{ type: 'signet:login', ok: true, csrfToken: 'csrf-from-login', sessionToken: TOKEN }]);
  });

  it('shows the server\'s error for a wrong password and sends nothing to the task pane', async () => {
    await page.goto(`${served.base}login.html`);
    await page.getByLabel('手机号').fill('13800138000');
    await page.getByLabel('密码', { exact: true }).fill('wrong');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('alert').getByText('手机号或密码错误。Wrong mobile number or password.').waitFor();
    assert.deepEqual(await sent(), []);
  });

  it('logs in with an SMS code', async () => {
    await page.goto(`${served.base}login.html`);
    await page.getByLabel('验证码登录').check();
    await page.getByLabel('手机号').fill('13800138000');
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText('验证码已发送').waitFor();
    await page.getByLabel('验证码', { exact: true }).fill('246810');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByText('登录成功，正在返回 Word…').waitFor();
    assert.deepEqual(calls.map((c) => c.path), ['/api/v1/auth/otp', '/api/v1/auth/login/otp', '/api/v1/me']);
    assert.equal(JSON.parse(calls[1].body).sessionToken, true);
    assert.equal(JSON.parse((await sent())[0]).sessionToken, TOKEN);
  });

  it('refuses to send a password to any server but its own', async () => {
    await page.goto(`${served.base}login.html?server=${encodeURIComponent('https://evil.example')}`);
    await page.getByRole('alert').getByText(/only logs in to the server it is served from/).waitFor();
    await page.getByLabel('手机号').fill('13800138000');
    await page.getByLabel('密码', { exact: true }).fill('Signet@2026');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    // The submit is refused with the same error, under the form, without any request.
    await page.getByRole('alert').nth(1).getByText(/only logs in to the server it is served from/).waitFor();
    assert.deepEqual(calls, []);
    assert.deepEqual(browser.external, []);
    assert.deepEqual(await sent(), []);
  });

  it('opened outside Office, the task pane says to open it in Word', async () => {
    const plain = await launchChromium();
    try {
      await plain.page.goto(`${served.base}taskpane.html`);
      await plain.page.getByRole('heading', { name: '请在 Word 中打开' }).waitFor();
      assert.deepEqual(plain.pageErrors, []);
    } finally {
      await plain.close();
    }
  });
});

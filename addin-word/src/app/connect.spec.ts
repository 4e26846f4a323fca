import assert from 'node:assert/strict';
import { isAddinError } from '../addin-error.js';
import { FakeSignetApi } from '../api/fake-signet-api.js';
import { FakeOfficeGateway } from '../office/fake-gateway.js';
import { sampleAgreement } from '../testing/sample-document.js';
import { memoryPreferences } from './app-deps.js';
import {
  LOGIN_MESSAGE_TYPE, SERVER_URL_PREFERENCE, SESSION_TOKEN_PREFERENCE, connect, disconnect, loginDialogUrl, loginMessage, parseLoginMessage, restoreConnection, type ConnectDeps,
} from './connect.js';

function setup(dialog: (api: FakeSignetApi) => string) {
  const api = new FakeSignetApi();
  const created: string[] = [];
  const gateway = new FakeOfficeGateway(sampleAgreement(), { dialog: () => dialog(api) });
  const deps: ConnectDeps = {
    gateway,
    prefs: memoryPreferences(),
    createApi: (url) => { created.push(url); return api; },
    dialogUrl: (url) => loginDialogUrl('https://sign.example.com/addin/taskpane.html', url),
  };
  return { api, gateway, deps, created };
}

describe('connect', () => {
  it('opens the login dialog for the server, adopts the session token it sends back, confirms the session and remembers the URL and token', async () => {
    const s = setup((api) => { api.loginInDialog(); return loginMessage({ type: LOGIN_MESSAGE_TYPE, ok: true, ...api.credentials }); });
    const c = await connect(s.deps, 'https://sign.example.com/');
    assert.equal(c.session.user.name, '王演示');
    assert.deepEqual(s.created, ['https://sign.example.com']);
    assert.deepEqual(s.gateway.dialogsOpened, ['https://sign.example.com/addin/login.html?server=https%3A%2F%2Fsign.example.com']);
    assert.equal(s.deps.prefs.get(SERVER_URL_PREFERENCE), 'https://sign.example.com');
    assert.equal(s.deps.prefs.get(SESSION_TOKEN_PREFERENCE), s.api.credentials.sessionToken);
    assert.equal(c.session.sessionToken, s.api.credentials.sessionToken);
    // The credentials got past the server's check: the fake answers NOT_FOUND for the unknown contract, not CSRF_TOKEN_INVALID.
    await assert.rejects(c.api.remind('nope', 'x'), (e: unknown) => isAddinError(e, 'NOT_FOUND'));
  });

  it('fails with LOGIN_FAILED and the dialog\'s reason when the login did not complete', async () => {
    const s = setup(() => loginMessage({ type: LOGIN_MESSAGE_TYPE, ok: false, message: '账号已锁定 Account locked' }));
    await assert.rejects(connect(s.deps, 'https://sign.example.com'), (e: unknown) => isAddinError(e, 'LOGIN_FAILED') && /Account locked/.test(e.message));
    assert.equal(s.deps.prefs.get(SERVER_URL_PREFERENCE), undefined);
  });

  it('fails with AUTH_REQUIRED when the dialog logged in but the task pane has no session', async () => {
    const s = setup(() => loginMessage({ type: LOGIN_MESSAGE_TYPE, ok: true, csrfToken: 't' }));
    await assert.rejects(connect(s.deps, 'https://sign.example.com'), (e: unknown) => isAddinError(e, 'AUTH_REQUIRED') && /same origin|served from/.test(e.message));
  });

  it('refuses a bad URL before opening any dialog', async () => {
    const s = setup(() => '');
    await assert.rejects(connect(s.deps, 'sign.example.com'), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
    assert.deepEqual(s.gateway.dialogsOpened, []);
  });

  it('passes a dialog closed by the user through as OFFICE_DIALOG_CLOSED', async () => {
    const s = setup(() => '');
    const gateway = new FakeOfficeGateway(sampleAgreement());
    await assert.rejects(connect({ ...s.deps, gateway }, 'https://sign.example.com'), (e: unknown) => isAddinError(e, 'OFFICE_DIALOG_CLOSED'));
  });

  it('restores the remembered connection while its session lives, and not after logout', async () => {
    const s = setup((api) => { api.loginInDialog(); return loginMessage({ type: LOGIN_MESSAGE_TYPE, ok: true, ...api.credentials }); });
    assert.equal(await restoreConnection(s.deps), undefined, 'nothing remembered yet');
    const c = await connect(s.deps, 'https://sign.example.com');
    assert.equal((await restoreConnection(s.deps))?.session.user.id, c.session.user.id);
    await disconnect(s.deps, c);
    assert.equal(s.deps.prefs.get(SESSION_TOKEN_PREFERENCE), undefined, 'logout forgets the token');
    assert.equal(await restoreConnection(s.deps), undefined);
    assert.equal(s.deps.prefs.get(SERVER_URL_PREFERENCE), 'https://sign.example.com', 'the URL stays for the next login');
  });

  it('forgets a remembered token the server no longer knows', async () => {
    const s = setup((api) => { api.loginInDialog(); return loginMessage({ type: LOGIN_MESSAGE_TYPE, ok: true, ...api.credentials }); });
    await connect(s.deps, 'https://sign.example.com');
    s.deps.prefs.set(SESSION_TOKEN_PREFERENCE, 'a-token-of-an-ended-session');
    assert.equal(await restoreConnection(s.deps), undefined);
    assert.equal(s.deps.prefs.get(SESSION_TOKEN_PREFERENCE), undefined);
  });
});

describe('parseLoginMessage', () => {
  it('accepts only the login dialog\'s own messages', () => {
    assert.deepEqual(parseLoginMessage('{"type":"signet:login","ok":true,"csrfToken":"t"}'), { type: 'signet:login', ok: true, csrfToken: 't' });
    assert.deepEqual(parseLoginMessage('{"type":"signet:login","ok":true,"csrfToken":"t","sessionToken":"s"}'), { type: 'signet:login', ok: true, csrfToken: 't', sessionToken: 's' });
    for (const bad of ['', 'hello', '{"type":"other","ok":true,"csrfToken":"t"}', '{"type":"signet:login","ok":true}', '{"type":"signet:login","ok":true,"csrfToken":"t","sessionToken":1}']) {
      assert.throws(() => parseLoginMessage(bad), (e: unknown) => isAddinError(e, 'API_RESPONSE_INVALID'), bad);
    }
  });
});

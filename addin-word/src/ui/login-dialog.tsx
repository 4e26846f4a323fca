/**
 * The login page that the task pane opens in an Office dialog. It logs in to the server it is
 * served from (password or SMS code), asking for the session token as well as the cookie, then
 * sends the token and the CSRF token to the task pane with `messageParent`: in Word on the web the
 * task pane is a third-party iframe that never gets the cookie, while this dialog is a top-level
 * window on the server's own origin. It refuses any other server named in its URL, so a crafted
 * link cannot make it send a password elsewhere.
 */
import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { HttpSignetApi } from '../api/http-signet-api.js';
import { storagePreferences } from '../app/app-deps.js';
import { LOGIN_MESSAGE_TYPE, loginMessage } from '../app/connect.js';
import { initialLang, translator, type Lang } from '../i18n/i18n.js';
import { messageParent, whenOfficeReady } from '../office/office-host.js';
import { Button, ErrorNotice, Field, Status, useAction } from './components.js';
import { UiContext } from './ui-context.js';

function serverFromQuery(): string {
  const param = new URLSearchParams(location.search).get('server');
  const own = location.origin;
  if (!param) return own;
  const u = new URL(param);
  if (u.origin !== own) {
    throw new Error(`此登录页只能登录它所在的服务器 ${own}。This login page only logs in to the server it is served from (${own}), not ${u.origin}.`);
  }
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

function LoginDialog(props: { lang: Lang; inDialog: boolean }) {
  const t = useMemo(() => translator(props.lang), [props.lang]);
  const [method, setMethod] = useState<'password' | 'otp'>('password');
  const [mobile, setMobile] = useState('');
  const [secret, setSecret] = useState('');
  const [codeSent, setCodeSent] = useState(false);
  const [done, setDone] = useState(false);
  const api = useMemo(() => { try { return new HttpSignetApi({ baseUrl: serverFromQuery() }); } catch (e) { return e as Error; } }, []);
  const sendCode = useAction(async () => {
    if (api instanceof Error) throw api;
    await api.requestLoginOtp(mobile.trim());
    setCodeSent(true);
  });
  const login = useAction(async () => {
    if (api instanceof Error) throw api;
    const s = method === 'password' ? await api.loginWithPassword(mobile.trim(), secret) : await api.loginWithOtp(mobile.trim(), secret.trim());
    setDone(true);
    messageParent(loginMessage({ type: LOGIN_MESSAGE_TYPE, ok: true, csrfToken: s.csrfToken, ...(s.sessionToken ? { sessionToken: s.sessionToken } : {}) }));
  });
  const ui = useMemo(() => ({ lang: props.lang, t, setLang: () => {}, onSessionLost: () => {} }), [props.lang, t]);
  return (
    <UiContext.Provider value={ui}>
      <main id="main" class="screen">
        <h1>{t('login.heading')}</h1>
        {api instanceof Error ? <ErrorNotice error={api} /> : <p class="muted">{t('login.server', { server: api.baseUrl })}</p>}
        {done ? <Status>{props.inDialog ? t('login.done') : t('login.notDialog')}</Status> : (
          <form onSubmit={(e) => { e.preventDefault(); void login.run(); }}>
            <fieldset class="group">
              <legend>{t('login.method')}</legend>
              <label class="check"><input type="radio" name="method" checked={method === 'password'} onChange={() => setMethod('password')} />{t('login.byPassword')}</label>
              <label class="check"><input type="radio" name="method" checked={method === 'otp'} onChange={() => setMethod('otp')} />{t('login.byOtp')}</label>
            </fieldset>
            <Field id="login-mobile" label={t('login.mobile')}>
              <input id="login-mobile" type="tel" inputMode="numeric" autocomplete="username" required maxLength={11} value={mobile} onInput={(e) => setMobile(e.currentTarget.value)} />
            </Field>
            {method === 'password' ? (
              <Field id="login-password" label={t('login.password')}>
                <input id="login-password" type="password" autocomplete="current-password" required value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
              </Field>
            ) : (
              <>
                <Field id="login-code" label={t('login.code')}>
                  <input id="login-code" inputMode="numeric" autocomplete="one-time-code" required maxLength={8} value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
                </Field>
                <Button busy={sendCode.busy} onClick={() => void sendCode.run()}>{t('login.sendCode')}</Button>
                {codeSent && <Status>{t('login.codeSent')}</Status>}
                <ErrorNotice error={sendCode.error} />
              </>
            )}
            <Button type="submit" kind="primary" busy={login.busy}>{t('login.submit')}</Button>
            <ErrorNotice error={login.error} />
          </form>
        )}
      </main>
    </UiContext.Provider>
  );
}

async function main(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  const ready = await whenOfficeReady();
  const lang = initialLang(storagePreferences().get('lang'), navigator.language);
  document.documentElement.lang = lang;
  render(<LoginDialog lang={lang} inDialog={ready !== undefined} />, root);
}

void main();

/**
 * The enterprise console `/console`: the login screen while there is no session, then the shell
 * (top bar with the enterprise, the user and logout; the section navigation, a sidebar on wide
 * screens and a scrolling row on phones) around the section the URL names.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { errorText, isApiError } from '../shared/api-client.js';
import { Button, Field, Footer, Notice, TopBar, describedBy } from '../shared/components.js';
import { useI18n } from '../shared/i18n.js';
import { AuthApi, ConsoleApi, type BoxCounts, type MeView, type SessionView } from './console-api.js';
import { ConsoleContext, LoadView, useLoad, type ConsoleContextValue, type Key } from './console-ui.js';
import { ContractDetail, ContractList } from './contracts.js';
import { MembersPage } from './members.js';
import { Link, Router, consolePath, useRouter } from './router.js';
import { SealsPage } from './seals.js';
import { SendPage } from './send.js';
import { StatsPage } from './stats.js';
import { TemplatesPage } from './templates.js';

const auth = new AuthApi();

/** The console page: login, or the shell. */
export function ConsolePage() {
  const [session, setSession] = useState<SessionView | undefined | null>(undefined);
  const [failed, setFailed] = useState<unknown>();
  const { t, lang } = useI18n<Key>();
  useEffect(() => {
    auth.session().then((s) => setSession(s ?? null), (e: unknown) => setFailed(e));
  }, []);
  if (failed) return <main class="page console-login"><Notice tone="bad" alert>{errorText(failed, t, lang)}</Notice></main>;
  if (session === undefined) return <main class="page console-login"><p class="load-line" role="status"><span class="boot-spinner" aria-hidden="true" />{t('common.loading')}</p></main>;
  if (session === null) return <LoginScreen onLoggedIn={setSession} />;
  return (
    <Router>
      <Shell session={session} onLoggedOut={() => setSession(null)} />
    </Router>
  );
}

/** Mobile and password (or an SMS code). */
function LoginScreen(props: { onLoggedIn: (s: SessionView) => void }) {
  const { t, lang } = useI18n<Key>();
  const [mode, setMode] = useState<'password' | 'code'>('password');
  const [mobile, setMobile] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [codeSent, setCodeSent] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!/^1\d{10}$/.test(mobile.trim())) return setError(t('login.mobileInvalid'));
    if (!secret) return setError(mode === 'password' ? t('login.passwordRequired') : t('login.codeRequired'));
    setBusy(true);
    setError(undefined);
    try {
      props.onLoggedIn(mode === 'password' ? await auth.loginWithPassword(mobile.trim(), secret) : await auth.loginWithCode(mobile.trim(), secret.trim()));
    } catch (err) {
      setError(isApiError(err, 'LOGIN_FAILED') ? t('login.failed') : errorText(err, t, lang));
    } finally {
      setBusy(false);
    }
  };
  const sendCode = async () => {
    if (!/^1\d{10}$/.test(mobile.trim())) return setError(t('login.mobileInvalid'));
    try {
      await auth.sendLoginCode(mobile.trim());
      setCodeSent(true);
      setError(undefined);
    } catch (err) {
      setError(errorText(err, t, lang));
    }
  };
  return (
    <>
      <TopBar title={t('console.title')} />
      <main class="page console-login">
        <section class="card login-card" aria-labelledby="login-h">
          <div class="card-body">
            <h1 id="login-h">{t('login.title')}</h1>
            <p class="muted">{t('login.lead')}</p>
            <div class="seg" role="group" aria-label={t('login.mode')}>
              <button type="button" aria-pressed={mode === 'password'} onClick={() => { setMode('password'); setSecret(''); }}>{t('login.byPassword')}</button>
              <button type="button" aria-pressed={mode === 'code'} onClick={() => { setMode('code'); setSecret(''); }}>{t('login.byCode')}</button>
            </div>
            <form onSubmit={(e) => void submit(e)} noValidate>
              <Field id="login-mobile" label={t('login.mobile')}>
                <input id="login-mobile" class="input" type="tel" inputMode="tel" autoComplete="username" value={mobile} onInput={(e) => setMobile((e.currentTarget as HTMLInputElement).value)} />
              </Field>
              {mode === 'password' ? (
                <Field id="login-password" label={t('login.password')}>
                  <input id="login-password" class="input" type="password" autoComplete="current-password" value={secret} onInput={(e) => setSecret((e.currentTarget as HTMLInputElement).value)} />
                </Field>
              ) : (
                <Field id="login-code" label={t('login.code')} hint={codeSent ? t('login.codeSent') : undefined}>
                  <div class="inline-row">
                    <input id="login-code" class="input" inputMode="numeric" autoComplete="one-time-code" maxLength={8} value={secret} aria-describedby={describedBy('login-code', { hint: codeSent })} onInput={(e) => setSecret((e.currentTarget as HTMLInputElement).value)} />
                    <Button onClick={() => void sendCode()}>{t('login.sendCode')}</Button>
                  </div>
                </Field>
              )}
              {error && <Notice tone="bad" alert>{error}</Notice>}
              <Button kind="primary" type="submit" block busy={busy}>{t('login.submit')}</Button>
            </form>
          </div>
        </section>
      </main>
      <Footer />
    </>
  );
}

/** The sections of the navigation. */
const SECTIONS = [
  { id: 'contracts', key: 'nav.contracts' },
  { id: 'send', key: 'nav.send' },
  { id: 'templates', key: 'nav.templates' },
  { id: 'seals', key: 'nav.seals' },
  { id: 'members', key: 'nav.members' },
  { id: 'stats', key: 'nav.stats' },
] as const;

function Shell(props: { session: SessionView; onLoggedOut: () => void }) {
  const { t } = useI18n<Key>();
  const { route, navigate } = useRouter();
  const api = useMemo(() => new ConsoleApi(props.session), [props.session]);
  const meLoad = useLoad((signal) => { void signal; return api.me(); }, [api]);
  const [counts, setCounts] = useState<BoxCounts | undefined>();
  const refreshCounts = useCallback(() => { api.counts().then(setCounts, () => undefined); }, [api]);
  useEffect(refreshCounts, [api]);
  const logout = async () => {
    try {
      await api.logout();
    } catch {
      // The session is gone either way.
    }
    history.replaceState(null, '', '/console');
    props.onLoggedOut();
  };
  const section = route.segments[0] ?? 'contracts';
  return (
    <>
      <TopBar title={t('console.title')} subtitle={meLoad.loaded.state === 'ready' ? meLoad.loaded.data.currentEnterprise?.name : undefined}>
        {meLoad.loaded.state === 'ready' && <span class="topbar-user" title={meLoad.loaded.data.user.mobileMasked}>{meLoad.loaded.data.user.name ?? meLoad.loaded.data.user.mobileMasked}</span>}
        <Button kind="ghost" size="small" onClick={() => void logout()}>{t('nav.logout')}</Button>
      </TopBar>
      <div class="console">
        <nav class="console-nav" aria-label={t('nav.label')}>
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.id}><Link href={consolePath([s.id])} current={section === s.id} class="nav-link">{t(s.key)}</Link></li>
            ))}
          </ul>
        </nav>
        <main class="console-main" id="main">
          <LoadView loaded={meLoad.loaded} onRetry={meLoad.reload}>
            {(me: MeView) => {
              const value: ConsoleContextValue = {
                api, me, roles: me.currentEnterprise?.roles ?? (props.session.actor.kind === 'member' ? props.session.actor.roles : []),
                counts, refreshCounts, refreshMe: async () => meLoad.reload(),
              };
              return (
                <ConsoleContext.Provider value={value}>
                  <Section section={section} id={route.segments[1]} />
                </ConsoleContext.Provider>
              );
            }}
          </LoadView>
          {meLoad.loaded.state === 'failed' && isApiError(meLoad.loaded.error, 'AUTH_REQUIRED') && (
            <Button kind="primary" onClick={() => { navigate('/console', { replace: true }); props.onLoggedOut(); }}>{t('login.again')}</Button>
          )}
        </main>
      </div>
    </>
  );
}

function Section(props: { section: string; id?: string }) {
  const { t } = useI18n<Key>();
  switch (props.section) {
    case 'contracts': return props.id ? <ContractDetail id={props.id} /> : <ContractList />;
    case 'send': return <SendPage />;
    case 'templates': return <TemplatesPage id={props.id} />;
    case 'seals': return <SealsPage />;
    case 'members': return <MembersPage />;
    case 'stats': return <StatsPage />;
    default: return <Notice tone="warn">{t('nav.unknown')}</Notice>;
  }
}

/**
 * The task pane's frame: a header (title, language switch, who is signed in, log out), the
 * section navigation, and the current screen. Until a session exists, only Connect is shown.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { AppDeps, Preferences } from '../app/app-deps.js';
import { disconnect, restoreConnection, type ConnectDeps, type Connection } from '../app/connect.js';
import { LANGS, initialLang, translator, type Lang, type MessageKey } from '../i18n/i18n.js';
import { Button } from './components.js';
import { ConnectScreen } from './screens/connect-screen.js';
import { DraftScreen } from './screens/draft-screen.js';
import { FillScreen } from './screens/fill-screen.js';
import { SendScreen } from './screens/send-screen.js';
import { SignScreen } from './screens/sign-screen.js';
import { TemplateScreen } from './screens/template-screen.js';
import { TrackScreen } from './screens/track-screen.js';
import { VerifyScreen } from './screens/verify-screen.js';
import { UiContext, type UiContextValue } from './ui-context.js';

/** The sections, in navigation order. */
export const SCREENS = ['draft', 'fill', 'send', 'sign', 'track', 'template', 'verify'] as const;

/** A section of the task pane. */
export type ScreenName = (typeof SCREENS)[number];

/** What the shell needs. */
export interface AppShellProps {
  connectDeps: ConnectDeps;
  prefs: Preferences;
  /** The URL the Connect screen starts with (the server the task pane is served from). */
  defaultServerUrl: string;
  /** Office's UI language, for the first start. */
  officeLanguage?: string;
}

/** The task pane. */
export function AppShell(props: AppShellProps) {
  const [lang, setLangState] = useState<Lang>(initialLang(props.prefs.get('lang'), props.officeLanguage));
  const [connection, setConnection] = useState<Connection>();
  const [restoring, setRestoring] = useState(true);
  const [screen, setScreen] = useState<ScreenName>('draft');
  const t = useMemo(() => translator(lang), [lang]);

  const setLang = useCallback((l: Lang) => {
    props.prefs.set('lang', l);
    setLangState(l);
  }, [props.prefs]);
  const onSessionLost = useCallback(() => setConnection(undefined), []);
  const ui: UiContextValue = useMemo(() => ({ lang, t, setLang, onSessionLost }), [lang, t, setLang, onSessionLost]);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('app.title');
  }, [lang, t]);
  useEffect(() => {
    void restoreConnection(props.connectDeps).then((c) => { if (c) setConnection(c); }).finally(() => setRestoring(false));
  }, []);

  const deps: AppDeps | undefined = connection && { gateway: props.connectDeps.gateway, api: connection.api };
  return (
    <UiContext.Provider value={ui}>
      <header class="top">
        <h1>{t('app.title')}</h1>
        <label class="sr-only" for="lang">{t('app.language')}</label>
        <select id="lang" class="lang" value={lang} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
          {LANGS.map((l) => <option key={l} value={l}>{t(`lang.${l}`)}</option>)}
        </select>
      </header>
      {connection && (
        <div class="session">
          <span class="grow">{t('session.signedInAs', { name: connection.session.user.name })}{connection.session.enterprise && <small class="muted"> · {connection.session.enterprise.name}</small>}</span>
          <Button kind="link" onClick={() => { void disconnect(props.connectDeps, connection).catch(() => {}).finally(() => setConnection(undefined)); }}>{t('session.logout')}</Button>
        </div>
      )}
      {deps && (
        <nav aria-label={t('nav.label')}>
          <ul class="tabs">
            {SCREENS.map((s) => (
              <li key={s}>
                <button type="button" class="tab" aria-current={screen === s ? 'page' : undefined} onClick={() => setScreen(s)}>
                  {t(`nav.${s}` as MessageKey)}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main">
        {restoring && <p class="hint" role="status">{t('common.loading')}</p>}
        {!restoring && !deps && (
          <ConnectScreen deps={props.connectDeps} defaultUrl={props.prefs.get('serverUrl') ?? props.defaultServerUrl} onConnected={(c) => { setConnection(c); setScreen('draft'); }} />
        )}
        {deps && connection && (
          <>
            {screen === 'draft' && <DraftScreen deps={deps} />}
            {screen === 'fill' && <FillScreen deps={deps} />}
            {screen === 'send' && <SendScreen deps={deps} session={connection.session} />}
            {screen === 'sign' && <SignScreen deps={deps} session={connection.session} />}
            {screen === 'track' && <TrackScreen deps={deps} />}
            {screen === 'template' && <TemplateScreen deps={deps} />}
            {screen === 'verify' && <VerifyScreen api={deps.api} />}
          </>
        )}
      </main>
    </UiContext.Provider>
  );
}

/** Shown when the page is opened outside Office and no test hooks are present. */
export function NotInOffice(props: { lang: Lang }) {
  const t = translator(props.lang);
  return (
    <main id="main" class="screen">
      <h1>{t('app.title')}</h1>
      <h2>{t('notOffice.heading')}</h2>
      <p>{t('notOffice.body')}</p>
    </main>
  );
}

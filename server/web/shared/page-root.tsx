/**
 * Mounts a page: the language context (saved choice, `<html lang>` and the document title kept in
 * step) and the toast host around the page's own component, rendered into `#app` over the
 * server's boot shell.
 */
import type { ComponentType } from 'preact';
import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { I18nContext, initialLang, saveLang, translator, type Lang, type Strings } from './i18n.js';
import { ToastHost } from './components.js';

function Root(props: { strings: Strings<string>; titleKey: string; page: ComponentType }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const value = useMemo(() => {
    const t = translator(props.strings, lang);
    document.documentElement.lang = lang;
    document.title = `${t(props.titleKey)} · ${t('app.brand')}`;
    return { lang, t, setLang: (l: Lang) => { saveLang(l); setLangState(l); } };
  }, [lang]);
  const Page = props.page;
  return (
    <I18nContext.Provider value={value}>
      <ToastHost>
        <Page />
      </ToastHost>
    </I18nContext.Provider>
  );
}

/** Renders `page` into `#app` with the merged `strings`; `titleKey` names the document title. */
export function mountPage(page: ComponentType, strings: Strings<string>, titleKey: string): void {
  const el = document.getElementById('app');
  if (!el) return;
  el.textContent = '';
  render(<Root strings={strings} titleKey={titleKey} page={page} />, el);
}

/**
 * What every screen reads from context: the translation function and language switch, and the
 * callback that sends the user back to Connect when the server says the session is gone.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { translator, type Lang, type Translate } from '../i18n/i18n.js';

/** The UI context's value. */
export interface UiContextValue {
  lang: Lang;
  t: Translate;
  setLang(lang: Lang): void;
  /** Called when a request fails with AUTH_REQUIRED. */
  onSessionLost(): void;
}

/** The UI context (zh-CN, no-op callbacks by default). */
export const UiContext = createContext<UiContextValue>({ lang: 'zh-CN', t: translator('zh-CN'), setLang: () => {}, onSessionLost: () => {} });

/** The current translation function. */
export function useT(): Translate {
  return useContext(UiContext).t;
}

/** The whole UI context. */
export function useUi(): UiContextValue {
  return useContext(UiContext);
}

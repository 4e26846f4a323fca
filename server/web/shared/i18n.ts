/**
 * The pages' strings: zh-CN first, English alongside. Each area (shared components, the signer's
 * page, the verification page, later the console) has one dictionary per language; the English
 * one is typed from the Chinese one, so a missing translation is a compile error. `{name}`
 * placeholders are filled from params. The reader's choice is kept in localStorage.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** The languages of the pages, in the order the switch offers them. */
export type Lang = 'zh-CN' | 'en';

/** Every language. */
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** A dictionary of one area in one language. */
export type Dictionary<K extends string = string> = Readonly<Record<K, string>>;

/** The dictionaries of one area: Chinese and English with the same keys. */
export interface Strings<K extends string> {
  'zh-CN': Dictionary<K>;
  en: Dictionary<K>;
}

/** Placeholder values. */
export type MessageParams = Readonly<Record<string, string | number>>;

/** A translation function over the keys `K`. */
export type Translate<K extends string = string> = (key: K, params?: MessageParams) => string;

/** Fills `{name}` placeholders; unknown ones are left as written. */
export function fill(text: string, params?: MessageParams): string {
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
}

/** Merges the dictionaries of several areas into one. */
export function mergeStrings<K extends string>(...parts: Strings<string>[]): Strings<K> {
  const out = { 'zh-CN': {} as Record<string, string>, en: {} as Record<string, string> };
  for (const p of parts) {
    Object.assign(out['zh-CN'], p['zh-CN']);
    Object.assign(out.en, p.en);
  }
  return out as Strings<K>;
}

/** A translator for `lang` over `strings` (a key missing in English falls back to Chinese, then to the key). */
export function translator<K extends string>(strings: Strings<K>, lang: Lang): Translate<K> {
  return (key, params) => fill(strings[lang][key] ?? strings['zh-CN'][key] ?? key, params);
}

const STORAGE_KEY = 'signet.lang';

/** The saved language, else English for a browser that asks for English first, else zh-CN. */
export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh-CN' || saved === 'en') return saved;
  } catch {
    // Storage can be off (private mode); fall through.
  }
  const first = (typeof navigator !== 'undefined' && (navigator.languages?.[0] ?? navigator.language)) || '';
  return /^en\b/i.test(first) ? 'en' : 'zh-CN';
}

/** Remembers the reader's language and sets `<html lang>`. */
export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered, but still applied.
  }
  document.documentElement.lang = lang;
}

/** What the language context carries. */
export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
}

/** The language context of a page (provided by its root component). */
export const I18nContext = createContext<I18n>({ lang: 'zh-CN', setLang: () => undefined, t: (k) => k });

/** The page's language context, with `t` typed over the keys `K`. */
export function useI18n<K extends string = string>(): I18n & { t: Translate<K> } {
  return useContext(I18nContext) as I18n & { t: Translate<K> };
}

/**
 * Formats an ISO 8601 time for the reader as `2025-01-15 14:22`, with seconds and the UTC offset
 * (`GMT+8`) when asked; the reader's own time zone.
 */
export function formatTime(iso: string | undefined, _lang: Lang, opts: { seconds?: boolean; zone?: boolean } = {}): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-US', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset',
  }).formatToParts(d);
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  const time = `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}${opts.seconds ? `:${p('second')}` : ''}`;
  return opts.zone ? `${time} (${p('timeZoneName')})` : time;
}

/** Formats a byte count (1.2 MB). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

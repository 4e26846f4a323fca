/**
 * The task pane's strings: one dictionary per language (zh-CN first, English alongside), keys
 * typed from the zh-CN dictionary so that a missing translation is a compile error, and `{name}`
 * placeholders.
 */
import { en } from './en.js';
import { zhCN } from './zh-cn.js';

/** A message key. */
export type MessageKey = keyof typeof zhCN;

/** A dictionary: every key, translated. */
export type Dictionary = Record<MessageKey, string>;

/** The languages of the task pane. */
export type Lang = 'zh-CN' | 'en';

/** Every language, in the order the switch offers them. */
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** The dictionaries by language. */
export const DICTIONARIES: Record<Lang, Dictionary> = { 'zh-CN': zhCN, en };

/** Placeholder values. */
export type MessageParams = Record<string, string | number>;

/** A translation function for one language. */
export type Translate = (key: MessageKey, params?: MessageParams) => string;

/** The message for `key` in `lang`, with `{name}` placeholders filled (unknown ones are left as written). */
export function translate(lang: Lang, key: MessageKey, params?: MessageParams): string {
  const text = DICTIONARIES[lang][key] ?? zhCN[key];
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
}

/** A {@link Translate} bound to `lang`. */
export function translator(lang: Lang): Translate {
  return (key, params) => translate(lang, key, params);
}

/** The language to start in: a saved choice, else English for an English Office UI, else zh-CN. */
export function initialLang(saved: string | undefined, officeLanguage?: string): Lang {
  if (saved === 'zh-CN' || saved === 'en') return saved;
  if (officeLanguage && /^en\b/i.test(officeLanguage)) return 'en';
  return 'zh-CN';
}

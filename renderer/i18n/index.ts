import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isLanguage, LANGUAGES, type Language } from '../../src/protocol';
import { en } from './en';
import { zhCN } from './zh-CN';

/**
 * The UI's languages (i18next + react-i18next): English and Simplified Chinese, switched at run time.
 * The choice is remembered in localStorage (the web host; Electron's page keeps it too).
 */
export { LANGUAGES, type Language };

/** The name of each language, in itself. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', 'zh-CN': '简体中文' };

const STORAGE_KEY = 'unroll.language';

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/** The remembered language, else English. */
export function initialLanguage(): Language {
  const saved = storage()?.getItem(STORAGE_KEY);
  return isLanguage(saved) ? saved : 'en';
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});

/** The current UI language. */
export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

/** Switches the UI language now and remembers it. */
export function setLanguage(language: Language): void {
  void i18n.changeLanguage(language);
  storage()?.setItem(STORAGE_KEY, language);
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

/** Shorthand for texts outside React components (store actions, file actions). */
export const t = i18n.t.bind(i18n);

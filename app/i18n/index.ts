import i18next, { type i18n, type TFunction } from 'i18next';
import { de } from './de';
import { en } from './en';

export const locales = ['de', 'en'] as const;
export type Locale = (typeof locales)[number];

type Widen<T> = T extends string ? string : { [K in keyof T]: Widen<T[K]> };
/** The shape every language file must have: English defines the keys. */
export type Messages = Widen<typeof en>;

export const resources = { en: { translation: en }, de: { translation: de } } as const;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/**
 * A ready i18next instance for one locale. Resources are bundled, so
 * initialisation is synchronous and identical on server and client.
 */
export function createI18n(locale: Locale): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: locale,
    fallbackLng: 'en',
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  return instance;
}

/** A translate function for server code (emails, messages) outside React. */
export function translator(locale: Locale): TFunction {
  return createI18n(locale).t;
}

/**
 * The language a page renders in: a route's loader may return `pageLocale`
 * (the survey pages use the customer's language), else the root's choice.
 * The deepest route that sets one wins.
 */
export function pageLocaleOf(routeData: readonly unknown[], fallback: Locale): Locale {
  for (let i = routeData.length - 1; i >= 0; i--) {
    const value = (routeData[i] as { pageLocale?: unknown } | null | undefined)?.pageLocale;
    if (isLocale(value)) return value;
  }
  return fallback;
}

import { createCookie } from '@remix-run/node';
import { isLocale, type Locale } from './index';

/** Remembers a visitor's explicit language choice (login page, survey pages). */
export const localeCookie = createCookie('lng', { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 60 * 60 * 24 * 365 });

/** The best supported language from an Accept-Language header, honouring q-values. */
export function localeFromAcceptLanguage(header: string | null): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.toLowerCase().split('-')[0] ?? '', q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((entry) => entry.lang).find(isLocale);
}

/** A member's setting wins, then an explicit choice (cookie), then the browser's language, then German. */
export async function resolveLocale(request: Request, memberLocale?: string | null): Promise<Locale> {
  if (isLocale(memberLocale)) return memberLocale;
  return visitorLocale(request.headers.get('Cookie'), request.headers.get('Accept-Language'));
}

/** The language of a visitor nobody knows: an explicit choice (cookie), then the browser's language, then German. */
export async function visitorLocale(cookieHeader: string | null | undefined, acceptLanguage: string | null | undefined): Promise<Locale> {
  const chosen: unknown = await localeCookie.parse(cookieHeader ?? null);
  if (isLocale(chosen)) return chosen;
  return localeFromAcceptLanguage(acceptLanguage ?? null) ?? 'de';
}

import type { TFunction } from 'i18next';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { locales, type Locale } from '~/i18n';

/** A translate function for the survey's language, which may differ from the page's (the staff preview). */
export function useSurveyT(locale: Locale): TFunction {
  const { i18n } = useTranslation();
  return useMemo(() => i18n.getFixedT(locale), [i18n, locale]);
}

/**
 * The frame of every page a customer sees: the company's name, the language
 * links, one main column. The same for every customer.
 */
export function SurveyFrame({
  company,
  locale,
  languageHref,
  embedded = false,
  t,
  children,
}: {
  /** Absent on pages that must reveal nothing (an unknown link). */
  company?: string;
  locale: Locale;
  /** The link that shows this page in another language; omitted where switching makes no sense. */
  languageHref?: (locale: Locale) => string;
  /** Shown inside another page (the staff preview), which has its own main landmark. */
  embedded?: boolean;
  /** The translate function of the survey's language (from `useSurveyT`). */
  t: TFunction;
  children: ReactNode;
}) {
  return (
    <div className="survey" lang={locale}>
      {company || languageHref ? (
        <header className="survey-header">
          <span className="survey-company">{company}</span>
          {languageHref ? (
            <nav aria-label={t('survey.language')} className="survey-languages">
              {locales.map((other) => (
                <a
                  key={other}
                  href={languageHref(other)}
                  hrefLang={other}
                  lang={other}
                  aria-current={other === locale ? 'true' : undefined}
                >
                  {t(`app.languages.${other}`)}
                </a>
              ))}
            </nav>
          ) : null}
        </header>
      ) : null}
      {embedded ? (
        <div className="survey-main">{children}</div>
      ) : (
        <main id="main" className="survey-main">
          {children}
        </main>
      )}
    </div>
  );
}

/** A short page with a heading and a text: thanks, closed, not found. */
export function SurveyMessage({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <section className="survey-message" aria-labelledby="survey-message-title">
      <h1 id="survey-message-title">{title}</h1>
      {children}
    </section>
  );
}

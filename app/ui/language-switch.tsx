import { Form, useLocation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { locales } from '~/i18n';

/** Switches the language with a plain form post, so it works without JavaScript too. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  return (
    <Form method="post" action="/language" className="language-switch" aria-label={t('app.language')}>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      {locales.map((locale) => (
        <button
          key={locale}
          type="submit"
          name="locale"
          value={locale}
          lang={locale}
          className="link-button"
          aria-current={i18n.language === locale ? 'true' : undefined}
        >
          {t(`app.languages.${locale}`)}
        </button>
      ))}
    </Form>
  );
}

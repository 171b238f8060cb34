import { RemixBrowser } from '@remix-run/react';
import { startTransition, StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createI18n, isLocale } from './i18n';

// The server rendered the page in the language it put on <html lang>; hydrate in the same one.
const lang = document.documentElement.lang;
const i18n = createI18n(isLocale(lang) ? lang : 'de');

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <RemixBrowser />
      </I18nextProvider>
    </StrictMode>,
  );
});

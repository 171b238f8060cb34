import { describe, expect, it } from 'vitest';
import { createI18n, locales } from '~/i18n';
import { surveyTexts } from '~/i18n/survey';
import { plainTranslator } from './customer-page.server';

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === 'object' ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`]));
}

describe('plainTranslator', () => {
  it('gives exactly what i18next gives for every customer text', () => {
    const values = { company: 'Müller & Söhne', current: 2, total: 7, date: '31.12.2026' };
    for (const locale of locales) {
      const i18next = createI18n(locale).t;
      const plain = plainTranslator(locale);
      for (const key of [...keys(surveyTexts.en, 'survey.'), 'app.languages.de', 'app.languages.en']) {
        expect(plain(key, values), `${locale} ${key}`).toBe(i18next(key, values));
        expect(plain(key), `${locale} ${key}`).toBe(i18next(key));
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { de } from './de';
import { en } from './en';
import { createI18n } from './index';
import { localeFromAcceptLanguage } from './locale.server';

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

describe('interface texts', () => {
  it('exist in German and English for the same keys', () => {
    expect(keys(de).sort()).toEqual(keys(en).sort());
  });

  it('use the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
    const lookup = (tree: object, path: string) => path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], tree) as string;
    for (const key of keys(en)) expect(placeholders(lookup(de, key)), key).toEqual(placeholders(lookup(en, key)));
  });

  it('translates with interpolation', () => {
    expect(createI18n('de').t('overview.welcome', { workspace: 'Muster' })).toBe('Willkommen bei Muster');
    expect(createI18n('en').t('overview.welcome', { workspace: 'Muster' })).toBe('Welcome to Muster');
  });
});

describe('localeFromAcceptLanguage', () => {
  it('picks the best supported language by q-value', () => {
    expect(localeFromAcceptLanguage('fr-FR,fr;q=0.9,en;q=0.8,de;q=0.7')).toBe('en');
    expect(localeFromAcceptLanguage('de-AT')).toBe('de');
    expect(localeFromAcceptLanguage('en;q=0.2, de;q=0.5')).toBe('de');
  });

  it('gives nothing for unsupported or missing headers', () => {
    expect(localeFromAcceptLanguage('fr, es')).toBeUndefined();
    expect(localeFromAcceptLanguage(null)).toBeUndefined();
    expect(localeFromAcceptLanguage('en;q=0')).toBeUndefined();
  });
});

describe('the time a survey takes', () => {
  // The invitation, the reminder and the survey page promise the same time;
  // an email saying "two minutes" above a page saying "a minute" reads as careless.
  const duration = { de: /\b(eine|zwei|drei|\d+) Minuten?/i, en: /\b(a|one|two|three|\d+) minutes?/i } as const;
  for (const [locale, texts] of [['de', de], ['en', en]] as const) {
    it(`is the same in every customer text (${locale})`, () => {
      const promised = [texts.survey.intro, texts.emails.invitation.intro, texts.emails.reminder.preview, texts.emails.reminder.body, texts.emails.reminder.bodyOpenEnded].map(
        (text) => text.match(duration[locale])?.[1]?.toLowerCase(),
      );
      expect(promised[0]).toBeDefined();
      for (const said of promised) expect(said).toBe(promised[0]);
    });
  }
});
